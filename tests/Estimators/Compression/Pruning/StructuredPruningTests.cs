using DeepML.Estimators.Tests.Trainers;
using Microsoft.ML;
using Xunit;

namespace DeepML.Estimators.Tests.Compression.Pruning;

/// <summary>
/// Structured pruning against closed forms: units whose removal cannot change the function (tiny incoming weights, no outgoing
/// weight, or a zeroed batch norm) are the ones removed, and the smaller network's ONNX scores equal the original's — which also
/// proves the slicing of the next layer, through Flatten included; then a fitted network is pruned and fine-tuned.
/// </summary>
[Collection(TorchTrainingCollection.Name)]
public sealed class StructuredPruningTests
{
    private static float[] Scores(NetworkModel model, float[] x, int rows)
    {
        using var predictor = new OrtBatchPredictor(OnnxExporter.Export(model));
        var outputs = new float[rows * model.OutputSize];
        predictor.Predict(x, rows, outputs);
        return outputs;
    }

    [Fact]
    public void Dead_dense_units_are_removed_and_the_smaller_mlp_computes_the_same_function()
    {
        // 3 → Dense(4) → Relu → Dense(3) → Relu → Dense(1). Units 1 and 3 of layer 0 have tiny incoming weights and no outgoing
        // weight; unit 2 of layer 2 likewise. Removing them changes nothing.
        var spec = new NetworkSpec([new DenseLayer(4), new ActivationLayer(ActivationKind.Relu), new DenseLayer(3), new ActivationLayer(ActivationKind.Relu)], new TensorShape(3))
            .Bind(new TensorShape(3), new DenseLayer(1));
        var weights = new NetworkWeights(spec, new Dictionary<string, WeightArray>
        {
            ["0.weight"] = new([0.9f, -0.4f, 0.3f, 1e-3f, 1e-3f, -1e-3f, -0.7f, 0.8f, 0.5f, 2e-3f, 0, 1e-3f], [4, 3]),
            ["0.bias"] = new([0.1f, 0.2f, -0.1f, 0.3f], [4]),
            ["2.weight"] = new([0.6f, 0, -0.5f, 0, -0.3f, 0, 0.8f, 0, 1e-3f, 0, 1e-3f, 0], [3, 4]),
            ["2.bias"] = new([0.05f, 0.1f, 0.2f], [3]),
            ["4.weight"] = new([1.1f, -0.9f, 0], [1, 3]),
            ["4.bias"] = new([0.3f], [1]),
        });
        var model = new NetworkModel(weights, PredictionKind.Regression, "Features");
        var ml = new MLContext(seed: 1);
        var result = ml.DeepML().Compression.PruneUnits(model, new StructuredPruningOptions { Fraction = 0.5 });
        Assert.Equal([("0", 4, new[] { 0, 2 }), ("2", 3, new[] { 0, 1 })], result.Layers.Select(l => (l.Path, l.Before, l.Kept.ToArray())));
        Assert.Equal(4 * 3 + 4 + 3 * 4 + 3 + 3 + 1, result.ParametersBefore);
        Assert.Equal(2 * 3 + 2 + 2 * 2 + 2 + 2 + 1, result.ParametersAfter);
        Assert.Equal([0.6f, -0.5f, -0.3f, 0.8f], result.Model.Weights["2.weight"].Data); // columns 0 and 2 of rows 0 and 1
        var random = new Random(3);
        var x = Enumerable.Range(0, 3 * 50).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
        var before = Scores(model, x, 50);
        var after = Scores(result.Model, x, 50);
        Assert.All(before.Zip(after), p => Assert.Equal(p.First, p.Second, 1e-5));
        Assert.True(OnnxExporter.Export(result.Model).Length < OnnxExporter.Export(model).Length);
    }

    [Fact]
    public void Pruned_filters_take_their_batch_norm_channels_and_their_flattened_blocks_of_the_next_layer_with_them()
    {
        // [1, 4, 4] → Conv2d(4, 3×3, pad 1) → BatchNorm → Relu → MaxPool(2) → Flatten → Dense(1). Filters 1 and 2 are the smallest and
        // their batch norm is zeroed (γ = β = 0), so they contribute nothing; the Dense layer's columns 4–11 (their 2×2 blocks) go.
        var shape = new TensorShape(1, 4, 4);
        var spec = new NetworkSpec([new Conv2dLayer(4, 3, padding: 1), new BatchNormLayer(), new ActivationLayer(ActivationKind.Relu), new MaxPoolLayer(2), new FlattenLayer()], shape)
            .Bind(shape, new DenseLayer(1));
        var random = new Random(5);
        float[] Values(int n, double scale) => Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() - 0.5) * scale)).ToArray();
        var kernel = Values(36, 1);
        for (var i = 9; i < 27; i++)
            kernel[i] *= 1e-3f; // filters 1 and 2
        var dense = Values(16, 1);
        var weights = new NetworkWeights(spec, new Dictionary<string, WeightArray>
        {
            ["0.weight"] = new(kernel, [4, 1, 3, 3]), ["0.bias"] = new(Values(4, 0.2), [4]),
            ["1.weight"] = new([1.2f, 0, 0, 0.8f], [4]), ["1.bias"] = new([0.1f, 0, 0, -0.05f], [4]),
            ["1.running_mean"] = new([0.05f, 0, 0, -0.02f], [4]), ["1.running_var"] = new([0.9f, 1, 1, 1.1f], [4]),
            ["5.weight"] = new(dense, [1, 16]), ["5.bias"] = new([0.2f], [1]),
        });
        var model = new NetworkModel(weights, PredictionKind.Regression, "Features");
        var result = new MLContext(seed: 1).DeepML().Compression.PruneUnits(model, new StructuredPruningOptions { Keep = new Dictionary<string, int> { ["0"] = 2 }, Importance = UnitImportance.L2 });
        var layer = Assert.Single(result.Layers);
        Assert.Equal([0, 3], layer.Kept);
        Assert.Equal([1.2f, 0.8f], result.Model.Weights["1.weight"].Data);
        Assert.Equal(dense.Take(4).Concat(dense.Skip(12)), result.Model.Weights["5.weight"].Data);
        var images = Values(16 * 20, 2);
        var before = Scores(model, images, 20);
        var after = Scores(result.Model, images, 20);
        Assert.All(before.Zip(after), p => Assert.Equal(p.First, p.Second, 1e-5));
    }

    [Fact]
    public void A_fitted_network_pruned_by_half_and_fine_tuned_keeps_most_of_its_auc()
    {
        var ml = new MLContext(seed: 1);
        var data = TestData.CreditView(ml);
        var options = PruningTrainingTests.Small(10);
        using var fitted = ml.DeepML().BinaryClassification.NeuralNetwork(options).Fit(data);
        var auc = ml.BinaryClassification.Evaluate(fitted.Transform(data)).AreaUnderRocCurve;
        var result = ml.DeepML().Compression.PruneUnits(fitted.Model, new StructuredPruningOptions { Fraction = 0.5 });
        Assert.Equal([(32, 16), (16, 8)], result.Layers.Select(l => (l.Before, l.After)));
        Assert.Equal("7 → Dense(16) → Relu → Dense(8) → Relu → Dense(1)", result.Model.Spec.ToString());
        using var tuned = ml.DeepML().Compression.FineTune(result.Model, PruningTrainingTests.Small(5)).Fit(data);
        Assert.Equal(result.Model.Spec.ToString(), tuned.Model.Spec.ToString());
        var tunedAuc = ml.BinaryClassification.Evaluate(tuned.Transform(data)).AreaUnderRocCurve;
        // Half the units of a small MLP on 1,000 rows: fine-tuning recovers most of the (training-set) AUC; a broken
        // warm start (random weights) or slicing would start far lower and not reach this within 5 epochs.
        Assert.True(tunedAuc > auc - 0.05, $"AUC {auc:F4} → pruned and fine-tuned {tunedAuc:F4}");
    }

    [Fact]
    public void Layers_it_cannot_rewrite_and_bad_counts_are_refused_by_name()
    {
        var ml = new MLContext(seed: 1);
        Assert.Equal(nameof(StructuredPruningOptions.Fraction), Assert.ThrowsAny<ArgumentException>(() => new StructuredPruningOptions { Fraction = 1 }).ParamName);
        var zero = Assert.Throws<ArgumentException>(() => new StructuredPruningOptions { Keep = new Dictionary<string, int> { ["0"] = 0 } });
        Assert.Contains("Keep['0'] = 0 would remove every unit of that layer", zero.Message, StringComparison.Ordinal);

        var residual = new NetworkSpec([new DenseLayer(4), new ResidualLayer(new SequentialLayer(new DenseLayer(4), new ActivationLayer(ActivationKind.Relu)))], new TensorShape(3))
            .Bind(new TensorShape(3), new DenseLayer(1));
        var model = new NetworkModel(Random(residual), PredictionKind.Regression, "Features");
        var e = Assert.Throws<ArgumentException>(() => ml.DeepML().Compression.PruneUnits(model));
        Assert.Contains("would pass through layer '1' (Residual)", e.Message, StringComparison.Ordinal);
        var unknown = Assert.Throws<ArgumentException>(() => ml.DeepML().Compression.PruneUnits(model, new StructuredPruningOptions { Keep = new Dictionary<string, int> { ["2"] = 1 } }));
        Assert.Contains("Keep names layer '2', which is not a prunable layer of this network; prunable (top-level Dense and Conv2d, not the output layer): '0'.", unknown.Message, StringComparison.Ordinal);
        var tooMany = Assert.Throws<ArgumentException>(() => ml.DeepML().Compression.PruneUnits(model, new StructuredPruningOptions { Keep = new Dictionary<string, int> { ["0"] = 9 } }));
        Assert.Contains("Keep['0'] = 9, but layer '0' (Dense) has only 4 units", tooMany.Message, StringComparison.Ordinal);
    }

    private static NetworkWeights Random(NetworkSpec spec)
    {
        var random = new Random(1);
        return new NetworkWeights(spec, LayerTree.WeightShapes(spec.Root, spec.InputShape!)
            .ToDictionary(w => w.Name, w => new WeightArray(Enumerable.Range(0, w.Shape.Aggregate(1, (a, b) => a * b)).Select(_ => (float)random.NextDouble()).ToArray(), w.Shape)));
    }
}
