using DeepML.Explainability;
using Microsoft.ML;
using Xunit;

namespace DeepML.Estimators.Tests.Explainability;

/// <summary>
/// Gradient explainers against closed forms: a linear network's gradients, integrated gradients of a tanh network
/// against a hand-written forward/backward and a fine midpoint rule, Grad-CAM of conv → global pooling → dense
/// against CAM computed from a hand convolution, Gauss–Legendre nodes against their known values.
/// </summary>
[Collection(TorchTrainingCollection.Name)]
public sealed class GradientExplainerTests
{
    private static readonly MLContext Ml = new(seed: 1);

    private static readonly float[] LinearW = [0.5f, -2f, 0f, 1.25f];

    private static NetworkModel Linear(PredictionKind task = PredictionKind.Regression)
    {
        var spec = new NetworkSpec([], new TensorShape(4)).Bind(new TensorShape(4), new DenseLayer(1));
        var weights = new NetworkWeights(spec, new Dictionary<string, WeightArray> { ["0.weight"] = new(LinearW, [1, 4]), ["0.bias"] = new([0.3f], [1]) });
        return new NetworkModel(weights, task, "Features");
    }

    // f(x) = v·tanh(Wx + b) + c, 3 inputs, 4 hidden units.
    private static readonly float[] W1 = [0.8f, -0.5f, 0.3f, 0.2f, 0.9f, -0.7f, -0.6f, 0.4f, 0.5f, 1.1f, 0.1f, -0.3f];
    private static readonly float[] B1 = [0.1f, -0.2f, 0.05f, 0.3f];
    private static readonly float[] V = [1.2f, -0.8f, 0.6f, 0.9f];

    private static NetworkModel Tanh()
    {
        var spec = new NetworkSpec([new DenseLayer(4), new ActivationLayer(ActivationKind.Tanh)], new TensorShape(3)).Bind(new TensorShape(3), new DenseLayer(1));
        var weights = new NetworkWeights(spec, new Dictionary<string, WeightArray>
        {
            ["0.weight"] = new(W1, [4, 3]), ["0.bias"] = new(B1, [4]), ["2.weight"] = new(V, [1, 4]), ["2.bias"] = new([-0.1f], [1]),
        });
        return new NetworkModel(weights, PredictionKind.Regression, "Features");
    }

    private static (double F, double[] Gradient) TanhByHand(double[] x)
    {
        var f = -0.1;
        var g = new double[3];
        for (var h = 0; h < 4; h++)
        {
            var z = B1[h] + Enumerable.Range(0, 3).Sum(j => W1[h * 3 + j] * x[j]);
            var t = Math.Tanh(z);
            f += V[h] * t;
            for (var j = 0; j < 3; j++)
                g[j] += V[h] * (1 - t * t) * W1[h * 3 + j];
        }
        return (f, g);
    }

    [Fact]
    public void Gauss_legendre_nodes_and_weights_are_the_known_ones_and_integrate_degree_five_exactly()
    {
        var (x2, w2) = GaussLegendre.OnUnitInterval(2);
        Assert.Equal(0.5 - 0.5 / Math.Sqrt(3), x2[0], 14);
        Assert.Equal(0.5 + 0.5 / Math.Sqrt(3), x2[1], 14);
        Assert.All(w2, w => Assert.Equal(0.5, w, 14));
        var (x3, w3) = GaussLegendre.OnUnitInterval(3);
        Assert.Equal(0.5 - 0.5 * Math.Sqrt(0.6), x3[0], 14);
        Assert.Equal(0.5, x3[1], 14);
        Assert.All(w3.Zip([5 / 18.0, 8 / 18.0, 5 / 18.0]), p => Assert.Equal(p.Second, p.First, 13));
        Assert.Equal(1 / 6.0, x3.Zip(w3).Sum(p => p.Second * Math.Pow(p.First, 5)), 14);
        var (x50, w50) = GaussLegendre.OnUnitInterval(50);
        Assert.Equal(1.0, w50.Sum(), 12);
        Assert.Equal(2 / Math.PI, x50.Zip(w50).Sum(p => p.Second * Math.Sin(Math.PI * p.First)) / 1, 12);
    }

    [Fact]
    public void A_linear_network_has_its_weights_as_gradient_and_exact_integrated_gradients_for_every_rule()
    {
        var model = Linear();
        float[] x = [1f, 2f, -3f, 0.5f, -1f, 0f, 4f, 2f];
        using (var saliency = Ml.DeepML().Explainability.Saliency(model))
            Assert.All(saliency.Explain(x, 2).Values, row => Assert.Equal(LinearW.Select(w => (double)Math.Abs(w)), row));
        using (var signed = Ml.DeepML().Explainability.SmoothGrad(model, new SmoothGradOptions { Samples = 7, Seed = 3 }))
            Assert.All(signed.Explain(x, 2).Values, row => Assert.Equal(LinearW.Select(w => (double)w), row.Select(v => Math.Round(v, 6))));
        float[] baseline = [0.1f, 0.1f, 0.1f, 0.1f];
        foreach (var rule in Enum.GetValues<IntegrationMethod>())
        {
            using var ig = Ml.DeepML().Explainability.IntegratedGradients(model, new IntegratedGradientsOptions { Steps = 5, Integration = rule, Baseline = baseline });
            var a = ig.Explain(x, 2);
            for (var i = 0; i < 2; i++)
                for (var j = 0; j < 4; j++)
                    Assert.Equal(LinearW[j] * (x[i * 4 + j] - baseline[j]), a.Values[i][j], 5);
            Assert.True(a.MaxAdditivityGap < 1e-5, $"{rule}: completeness gap {a.MaxAdditivityGap}");
            Assert.Equal(0.3 + 0.1 * LinearW.Sum(), a.BaseValue, 5);
        }
    }

    [Fact]
    public void Integrated_gradients_of_a_tanh_network_match_a_hand_backward_pass_and_the_gap_shrinks_with_steps()
    {
        var model = Tanh();
        double[][] rows = [[1.5, -0.7, 2.0], [-2.0, 1.0, 0.5], [0.3, 0.3, -1.8]];
        var flat = rows.SelectMany(r => r.Select(v => (float)v)).ToArray();
        var gaps = new List<double>();
        foreach (var steps in new[] { 4, 16, 64 })
        {
            using var ig = Ml.DeepML().Explainability.IntegratedGradients(model, new IntegratedGradientsOptions { Steps = steps, Integration = IntegrationMethod.RiemannMiddle });
            gaps.Add(ig.Explain(flat, rows.Length).MaxAdditivityGap);
        }
        Assert.True(gaps[0] > gaps[1] && gaps[1] > gaps[2], $"completeness gaps {string.Join(", ", gaps)}");
        using var gauss = Ml.DeepML().Explainability.IntegratedGradients(model);
        var a = gauss.Explain(flat, rows.Length);
        Assert.True(a.MaxAdditivityGap < 1e-5, $"Gauss–Legendre 50: gap {a.MaxAdditivityGap}");
        for (var i = 0; i < rows.Length; i++)
        {
            // Second implementation: the hand gradient integrated by a 4,000-point midpoint rule from the zero baseline.
            var expected = new double[3];
            const int n = 4000;
            for (var k = 0; k < n; k++)
            {
                var alpha = (k + 0.5) / n;
                var g = TanhByHand(rows[i].Select(v => alpha * v).ToArray()).Gradient;
                for (var j = 0; j < 3; j++)
                    expected[j] += g[j] * rows[i][j] / n;
            }
            for (var j = 0; j < 3; j++)
                Assert.True(Math.Abs(a.Values[i][j] - expected[j]) < 1e-5, $"row {i} input {j}: {a.Values[i][j]} vs {expected[j]}");
            Assert.Equal(TanhByHand(rows[i]).F, a.Outputs[i], 5);
        }
        Assert.Equal(TanhByHand([0, 0, 0]).F, a.BaseValue, 6);
    }

    [Fact]
    public void The_binary_probability_gradient_is_the_logistic_slope_times_the_weights()
    {
        var model = Linear(PredictionKind.BinaryClassification);
        float[] x = [1f, 0.5f, 2f, -1f];
        var z = 0.3 + x.Zip(LinearW).Sum(p => p.First * p.Second);
        var p = 1 / (1 + Math.Exp(-z));
        using var saliency = Ml.DeepML().Explainability.Saliency(model, new SaliencyOptions { Output = ExplainedOutput.Probability, Absolute = false });
        var a = saliency.Explain(x, 1);
        for (var j = 0; j < 4; j++)
            Assert.Equal(p * (1 - p) * LinearW[j], a.Values[0][j], 6);
        Assert.Equal(p, a.Outputs[0], 6);
    }

    [Fact]
    public void Grad_cam_of_conv_pooling_dense_is_cam_from_a_hand_convolution()
    {
        // y = Σ_c v_c·mean(A_c) + b, so ∂y/∂A_c = v_c/(HW) everywhere: Grad-CAM = ReLU(Σ_c v_c·A_c / (HW)) (= CAM, Zhou et al. 2016).
        var shape = new TensorShape(1, 5, 5);
        var spec = new NetworkSpec([new Conv2dLayer(2, 3, padding: 1), new GlobalAveragePoolLayer()], shape).Bind(shape, new DenseLayer(1));
        var random = new Random(4);
        var kernel = Enumerable.Range(0, 18).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        float[] convBias = [0.05f, -0.1f], v = [1.5f, -0.75f];
        var weights = new NetworkWeights(spec, new Dictionary<string, WeightArray>
        {
            ["0.weight"] = new(kernel, [2, 1, 3, 3]), ["0.bias"] = new(convBias, [2]), ["2.weight"] = new(v, [1, 2]), ["2.bias"] = new([0.2f], [1]),
        });
        var model = new NetworkModel(weights, PredictionKind.Regression, "Features");
        var images = Enumerable.Range(0, 2 * 25).Select(_ => (float)random.NextDouble()).ToArray();
        Assert.Equal(["0"], GradCam.ConvolutionLayers(model));
        var maps = GradCam.Compute(model, images, 2);
        Assert.Equal((5, 5, 5, 5), (maps.Height, maps.Width, maps.LayerHeight, maps.LayerWidth));
        for (var r = 0; r < 2; r++)
        {
            for (var i = 0; i < 5; i++)
            {
                for (var j = 0; j < 5; j++)
                {
                    var cam = 0.0;
                    for (var c = 0; c < 2; c++)
                    {
                        var a = (double)convBias[c];
                        for (var di = -1; di <= 1; di++)
                            for (var dj = -1; dj <= 1; dj++)
                                if (i + di is >= 0 and < 5 && j + dj is >= 0 and < 5)
                                    a += kernel[c * 9 + (di + 1) * 3 + dj + 1] * images[r * 25 + (i + di) * 5 + j + dj];
                        cam += v[c] * a / 25;
                    }
                    Assert.Equal(Math.Max(cam, 0), maps.LayerValues[r * 25 + i * 5 + j], 5);
                    Assert.Equal(maps.LayerValues[r * 25 + i * 5 + j], maps.Map(r)[i * 5 + j], 5); // same size: upsampling is the identity
                }
            }
        }
        var e = Assert.Throws<ArgumentException>(() => GradCam.Compute(model, images, 2, "1"));
        Assert.Contains("layer '1' is not a Conv2d layer of this network. Its convolution layers are: '0'.", e.Message, StringComparison.Ordinal);
        var flat = Assert.Throws<ArgumentException>(() => GradCam.Compute(Linear(), new float[4], 1));
        Assert.Contains("not an image [C, H, W]", flat.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Grad_cam_reaches_convolutions_nested_in_residual_blocks()
    {
        // Networks.ResNet(): a stem, then residual stages whose convolutions sit inside Residual bodies. Every listed layer is
        // observed by the forward hook (an unobserved one would throw), and a nested layer's map is a non-negative map of the image size.
        var shape = new TensorShape(1, 12, 12);
        var spec = Networks.ResNet().Bind(shape, new DenseLayer(3));
        var random = new Random(2);
        var weights = new NetworkWeights(spec, LayerTree.WeightShapes(spec.Root, shape).ToDictionary(w => w.Name,
            w => new WeightArray(w.Name.EndsWith("running_var", StringComparison.Ordinal)
                ? Enumerable.Repeat(1f, w.Shape.Aggregate(1, (a, b) => a * b)).ToArray()
                : Enumerable.Range(0, w.Shape.Aggregate(1, (a, b) => a * b)).Select(_ => (float)(random.NextDouble() - 0.5) * 0.5f).ToArray(), w.Shape)));
        var model = new NetworkModel(weights, PredictionKind.MulticlassClassification, "Features", ["a", "b", "c"]);
        var layers = GradCam.ConvolutionLayers(model);
        Assert.Contains(layers, l => l.Contains('.', StringComparison.Ordinal));
        var images = Enumerable.Range(0, 2 * 144).Select(_ => (float)random.NextDouble()).ToArray();
        var positive = 0;
        foreach (var layer in layers)
        {
            var maps = GradCam.Compute(model, images, 2, layer, new SaliencyOptions { Output = ExplainedOutput.Class(1) });
            Assert.Equal((12, 12), (maps.Height, maps.Width));
            Assert.All(maps.Values, v => Assert.True(float.IsFinite(v) && v >= 0));
            positive += maps.Values.Any(v => v > 0) ? 1 : 0;
        }
        Assert.True(positive > layers.Count / 2, $"{positive} of {layers.Count} layers gave a non-zero map"); // the probe's gradient arrives
    }

    [Fact]
    public void Bad_outputs_options_and_baselines_are_named()
    {
        var e = Assert.Throws<ArgumentException>(() => Ml.DeepML().Explainability.Saliency(Linear(), new SaliencyOptions { Output = ExplainedOutput.Probability }));
        Assert.Contains("cannot explain output Probability of a Regression network; choose Score", e.Message, StringComparison.Ordinal);
        var baseline = Assert.Throws<ArgumentException>(() => Ml.DeepML().Explainability.IntegratedGradients(Linear(), new IntegratedGradientsOptions { Baseline = [0f, 0f] }));
        Assert.Contains("the baseline has 2 values but the network has 4 inputs", baseline.Message, StringComparison.Ordinal);
        Assert.Equal(nameof(IntegratedGradientsOptions.Steps), Assert.ThrowsAny<ArgumentException>(() => new IntegratedGradientsOptions { Steps = 1 }).ParamName);
        Assert.Equal(nameof(IntegratedGradientsOptions.Baseline), Assert.ThrowsAny<ArgumentException>(() => new IntegratedGradientsOptions { Baseline = [float.NaN] }).ParamName);
        Assert.Equal(nameof(SmoothGradOptions.Samples), Assert.ThrowsAny<ArgumentException>(() => new SmoothGradOptions { Samples = 0 }).ParamName);
        Assert.Equal(nameof(SmoothGradOptions.NoiseLevel), Assert.ThrowsAny<ArgumentException>(() => new SmoothGradOptions { NoiseLevel = -0.1 }).ParamName);
        Assert.Equal(nameof(GradientOptions.Device), Assert.ThrowsAny<ArgumentException>(() => new SaliencyOptions { Device = " " }).ParamName);
        Assert.Equal(nameof(GradientOptions.MaxBatchRows), Assert.ThrowsAny<ArgumentException>(() => new SaliencyOptions { MaxBatchRows = 0 }).ParamName);
        var explainer = Ml.DeepML().Explainability.Saliency(Linear());
        explainer.Dispose();
        explainer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => explainer.Explain(new float[4], 1));
    }

    [Fact]
    public void Smooth_grad_is_seeded_per_row_and_batching_does_not_change_it()
    {
        var model = Tanh();
        var x = Enumerable.Range(0, 15).Select(i => (float)Math.Sin(i)).ToArray();
        Attributions Run(int seed, int batch)
        {
            using var sg = Ml.DeepML().Explainability.SmoothGrad(model, new SmoothGradOptions { Samples = 10, Seed = seed, MaxBatchRows = batch });
            return sg.Explain(x, 5);
        }
        var a = Run(1, 4096);
        var b = Run(1, 10);
        var c = Run(2, 4096);
        Assert.Equal(a.Values.SelectMany(r => r), b.Values.SelectMany(r => r));
        Assert.NotEqual(a.Values.SelectMany(r => r), c.Values.SelectMany(r => r));
    }
}
