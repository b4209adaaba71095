using Xunit;
namespace DeepML.Core.Tests.Onnx;

/// <summary>
/// ONNX Runtime's outputs on exported models against <see cref="ReferenceNetwork"/>, an
/// independent float64 forward pass, within 1e-5 (relative above magnitude 1).
/// </summary>
public sealed class OnnxExporterParityTests
{
    private const int Rows = 64;

    public static TheoryData<ActivationKind, double> Activations() => new()
    {
        { ActivationKind.Relu, double.NaN },
        { ActivationKind.LeakyRelu, 0.2 },
        { ActivationKind.LeakyRelu, double.NaN },
        { ActivationKind.Gelu, double.NaN },
        { ActivationKind.Tanh, double.NaN },
        { ActivationKind.Sigmoid, double.NaN },
        { ActivationKind.Elu, 0.7 },
        { ActivationKind.Silu, double.NaN },
    };

    [Theory]
    [MemberData(nameof(Activations))]
    public void EveryActivationMatchesReference(ActivationKind kind, double alpha)
    {
        var model = TestModels.Model(PredictionKind.Regression, 6, seed: 11,
            new DenseLayer(16), new ActivationLayer(kind, alpha), new DenseLayer(8), new ActivationLayer(kind, alpha), new DenseLayer(1));
        AssertParity(model, $"{kind}(alpha {alpha})");
    }

    [Fact]
    public void BatchNormAfterDenseIsFoldedAndMatchesReference()
    {
        var model = TestModels.Model(PredictionKind.BinaryClassification, 5, seed: 3,
            new DenseLayer(12), new BatchNormLayer(epsilon: 1e-3), new ActivationLayer(ActivationKind.Relu),
            new DenseLayer(7, useBias: false), new DropoutLayer(0.5), new BatchNormLayer(), new ActivationLayer(ActivationKind.Tanh),
            new DenseLayer(1));
        var ops = OnnxGraphInspector.OperatorTypes(OnnxExporter.Export(model));
        Assert.DoesNotContain("BatchNormalization", ops);
        Assert.DoesNotContain("Dropout", ops);
        Assert.Equal(3, ops.Count(o => o == "Gemm"));
        Assert.Equal(["Gemm", "Relu", "Gemm", "Tanh", "Gemm", "Sigmoid"], ops);
        AssertParity(model, "folded batch norm");
    }

    [Fact]
    public void BatchNormWithoutPrecedingDenseIsOnnxBatchNormalizationAndMatchesReference()
    {
        var model = TestModels.Model(PredictionKind.Regression, 4, seed: 5,
            new BatchNormLayer(), new DenseLayer(6), new ActivationLayer(ActivationKind.Sigmoid), new BatchNormLayer(), new DenseLayer(1));
        var ops = OnnxGraphInspector.OperatorTypes(OnnxExporter.Export(model));
        Assert.Equal(["BatchNormalization", "Gemm", "Sigmoid", "BatchNormalization", "Gemm", "Identity"], ops);
        AssertParity(model, "unfolded batch norm");
    }

    [Fact]
    public void DropoutIsRemovedAndMatchesReference()
    {
        var model = TestModels.Model(PredictionKind.Regression, 3, seed: 9,
            new DropoutLayer(0.3), new DenseLayer(4), new ActivationLayer(ActivationKind.Elu), new DropoutLayer(0.9), new DenseLayer(1, useBias: false));
        Assert.DoesNotContain("Dropout", OnnxGraphInspector.OperatorTypes(OnnxExporter.Export(model)));
        AssertParity(model, "dropout");
    }

    [Fact]
    public void MulticlassLogitsAndSoftmaxMatchReference()
    {
        var model = TestModels.Model(PredictionKind.MulticlassClassification, 10, seed: 21,
            new DenseLayer(32), new BatchNormLayer(), new ActivationLayer(ActivationKind.Gelu), new DenseLayer(5));
        AssertParity(model, "multiclass");
    }

    [Fact]
    public void AdultLikeMlpMatchesReference()
    {
        var spec = Networks.Mlp([128, 64], dropout: 0.1, batchNorm: true).Bind(108, new DenseLayer(1));
        var model = new NetworkModel(TestModels.RandomWeights(spec, 1), PredictionKind.BinaryClassification, "Features");
        AssertParity(model, "108→128→64→1");
    }

    [Fact]
    public void LinearModelWithoutLayersIsIdentity()
    {
        // A regression network with no layers at all (input size 1): raw output = input.
        var model = new NetworkModel(new NetworkWeights(new NetworkSpec([], 1), new Dictionary<string, WeightArray>()), PredictionKind.Regression, "Features");
        var outputs = OrtRunner.Run(OnnxExporter.Export(model), [1.5f, -2f], 2, 1);
        Assert.Equal([1.5f, -2f], outputs[OnnxNames.Output]);
        Assert.Equal([1.5f, -2f], outputs[OnnxNames.Score]);
    }

    [Fact]
    public void HandComputedBinaryModelGivesClosedFormValues()
    {
        // logit = 1·3 − 2·1 + 0.5 = 1.5; probability = 1 / (1 + e^−1.5) = 0.817574476…
        var spec = new NetworkSpec([new DenseLayer(1)], 2);
        var weights = new NetworkWeights(spec, new Dictionary<string, WeightArray>
        {
            ["0.weight"] = new([1f, -2f], [1, 2]),
            ["0.bias"] = new([0.5f], [1]),
        });
        var outputs = OrtRunner.Run(OnnxExporter.Export(new NetworkModel(weights, PredictionKind.BinaryClassification, "Features")), [3f, 1f], 1, 2);
        Assert.Equal(1.5f, outputs[OnnxNames.Logits][0], 6);
        Assert.Equal(0.8175744761936437, outputs[OnnxNames.Probability][0], 6);
    }

    private static void AssertParity(NetworkModel model, string what)
    {
        var x = TestModels.Inputs(Rows, model.InputSize, seed: 42);
        var raw = ReferenceNetwork.Forward(model.Weights, x, Rows);
        var head = ReferenceNetwork.Head(model.Task, raw, model.OutputSize);
        Assert.True(raw.Max() - raw.Min() > 0.1, $"{what}: the reference outputs barely vary ({raw.Min()}..{raw.Max()}); the test would prove little.");

        var outputs = OrtRunner.Run(OnnxExporter.Export(model), x, Rows, model.InputSize);
        TestModels.AssertClose(raw, outputs[OnnxNames.RawOutput(model.Task)], what + " raw");
        TestModels.AssertClose(head, outputs[OnnxNames.TaskOutput(model.Task)], what + " " + OnnxNames.TaskOutput(model.Task));
    }
}
