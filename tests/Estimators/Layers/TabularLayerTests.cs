using DeepML.Estimators.Tests.Trainers;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Xunit;
using static TorchSharp.torch;

namespace DeepML.Estimators.Tests.Layers;

/// <summary>
/// The attention and tabular-embedding kinds against hand computations: the embedding's index policy, the PLE
/// encoding of the paper's equation 1, the attention weights <see cref="AttentionMaps"/> returns, and the trainer
/// computing the PLE bins in Fit; FT-Transformer and PLE-MLP train, save and load (PredictionEngine included).
/// </summary>
[Collection(TorchTrainingCollection.Name)]
public sealed class TabularLayerTests
{
    [Fact]
    public void EmbeddingIndexPolicyUnknownRowForNegativeTooLargeAndNaNInTorchSharpAndOnnx()
    {
        // Table rows 0, 1, 2 and the unknown row 3 hold (r, 10r).
        var inputs = new[] { 0f, 2.7f, -0.5f, 3f, float.NaN, 1e30f, 1f };
        int[] rows = [0, 2, 3, 3, 3, 3, 1]; // floor(−0.5) = −1 and 3 ≥ cardinality: unknown; NaN and 1e30 too
        var spec = new NetworkSpec([new EmbeddingLayer(3, 2), new FlattenLayer()], new TensorShape(7)).Bind(new TensorShape(7), Identity(14));
        var weights = new NetworkWeights(spec, new Dictionary<string, WeightArray>
        {
            ["0.weight"] = new([0, 0, 1, 10, 2, 20, 3, 30], [4, 2]),
            ["2.weight"] = new(IdentityMatrix(14), [14, 14]),
        });
        var expected = rows.SelectMany(r => new[] { (float)r, 10f * r }).ToArray();
        foreach (var actual in Both(weights, inputs, 1))
            Assert.Equal(expected, actual);
    }

    [Fact]
    public void PiecewiseLinearEncodingIsThePapersEquationInTorchSharpAndOnnx()
    {
        var layer = new PiecewiseLinearEncodingLayer(4);
        var spec = new NetworkSpec([layer], new TensorShape(1)).Bind(new TensorShape(1), Identity(4));
        var arrays = layer.FitBuffers(Enumerable.Range(0, 101).Select(i => (float)i).ToArray(), 101, new TensorShape(1))
            .ToDictionary(kv => "0." + kv.Key, kv => kv.Value);
        arrays["1.weight"] = new(IdentityMatrix(4), [4, 4]);
        var weights = new NetworkWeights(spec, arrays);
        // Edges 0, 25, 50, 75, 100: x = 30 → [1, 0.2, 0, 0]; x = −10 → [−0.4, 0, 0, 0] (first bin open below);
        // x = 130 → [1, 1, 1, 2.2] (last bin open above); x = 100 → [1, 1, 1, 1].
        float[] expected = [1, 0.2f, 0, 0, -0.4f, 0, 0, 0, 1, 1, 1, 2.2f, 1, 1, 1, 1];
        foreach (var actual in Both(weights, [30, -10, 130, 100], 4))
            Assert.All(expected.Zip(actual), p => Assert.Equal(p.First, p.Second, 1e-6));
    }

    [Fact]
    public void AttentionMapsMatchAHandComputedSoftmax()
    {
        // d = 2, one head, Q = K = identity projections: tokens t0 = CLS = (1, 0), t1 = (a, 0), t2 = (0, b);
        // A[i, j] = softmax_j(t_i · t_j / √2).
        var spec = new NetworkSpec([new FeatureTokenizerLayer(2), new MultiHeadSelfAttentionLayer(1), new ClsPoolingLayer()], new TensorShape(2)).Bind(new TensorShape(2), new DenseLayer(1));
        float[] eye = [1, 0, 0, 1], zero = [0, 0];
        var arrays = new Dictionary<string, WeightArray>
        {
            ["0.cls"] = new([1, 0], [2]), ["0.numeric_weight"] = new([1, 0, 0, 1], [2, 2]), ["0.numeric_bias"] = new([0, 0, 0, 0], [2, 2]),
            ["3.weight"] = new([1, 1], [1, 2]), ["3.bias"] = new([0], [1]),
        };
        foreach (var p in MultiHeadSelfAttentionLayer.Projections)
        {
            arrays[$"1.{p}.weight"] = new(eye, [2, 2]);
            arrays[$"1.{p}.bias"] = new(zero, [2]);
        }
        var model = new NetworkModel(new NetworkWeights(spec, arrays), PredictionKind.Regression, "Features");
        float[][] rows = [[0.5f, -1.5f], [2f, 3f]];
        var map = Assert.Single(AttentionMaps.Compute(model, rows.SelectMany(r => r).ToArray(), rows.Length));
        Assert.Equal(("1", 2, 1, 3), (map.Path, map.Rows, map.Heads, map.Tokens));
        for (var r = 0; r < rows.Length; r++)
        {
            double[][] t = [[1, 0], [rows[r][0], 0], [0, rows[r][1]]];
            for (var i = 0; i < 3; i++)
            {
                var scores = t.Select(tj => (t[i][0] * tj[0] + t[i][1] * tj[1]) / Math.Sqrt(2)).ToArray();
                var sum = scores.Sum(Math.Exp);
                for (var j = 0; j < 3; j++)
                    Assert.Equal(Math.Exp(scores[j]) / sum, map.At(r, 0, i, j), 1e-6);
            }
        }
        var e = Assert.Throws<ArgumentException>(() => AttentionMaps.Compute(model, [1f, 2f, 3f], 2));
        Assert.Equal("AttentionMaps: expected 2 rows × 2 features = 4 values, got 3. Pass the rows' feature vectors back to back. (Parameter 'features')", e.Message);
    }

    [Fact]
    public void TrainerComputesTheBinsInFitFromTheTrainingRows()
    {
        var ml = new MLContext(seed: 1);
        var (x, y) = TestData.Credit;
        var data = ml.Data.LoadFromEnumerable(x.Select((f, i) => new BinaryRow { Features = f, Label = y[i] }), TestData.Definition<BinaryRow>(x[0].Length));
        var trainer = ml.DeepML().BinaryClassification.NeuralNetwork(new NeuralNetworkOptions
        {
            Network = Networks.MlpWithEmbeddings([16], NumericEmbeddingKind.PiecewiseLinear, slots: [0, 1], bins: 8), Epochs = 2, BatchSize = 128, ValidationFraction = 0, Seed = 3,
        });
        using var model = trainer.Fit(data);
        var expected = new PiecewiseLinearEncodingLayer(8, [0, 1]).FitBuffers(x.SelectMany(r => r).ToArray(), x.Length, new TensorShape(x[0].Length));
        foreach (var name in PiecewiseLinearEncodingLayer.BufferNames)
            Assert.Equal(expected[name].Data, model.Model.Weights["0." + name].Data); // not trained: exactly the training quantiles
        Assert.Equal("7 → PiecewiseLinearEncoding(8 bins, 2 slots) → Dense(16) → Relu → Dense(1)", model.Model.Spec.ToString());
    }

    [Theory]
    [InlineData("ft-transformer")]
    [InlineData("mlp-periodic")]
    public void PresetsTrainSaveAndLoadWithIdenticalPredictions(string preset)
    {
        var ml = new MLContext(seed: 1);
        var (x, y) = TestData.Credit;
        // Slot 7 is a category key (0..3) that carries signal: FT-Transformer's categorical path is exercised.
        var rows = x.Select((f, i) => new BinaryRow { Features = [.. f, (y[i] ? 2 : 0) + i % 2], Label = y[i] }).ToArray();
        var data = ml.Data.LoadFromEnumerable(rows, TestData.Definition<BinaryRow>(8));
        var split = ml.Data.TrainTestSplit(data, 0.3, seed: 2);
        var network = preset == "ft-transformer"
            ? Networks.FtTransformer(dimension: 16, blocks: 1, heads: 4, categoricalSlots: [7], cardinalities: [4])
            : Networks.MlpWithEmbeddings([32], NumericEmbeddingKind.Periodic, slots: [0, 1, 2, 3, 4, 5, 6], frequencies: 8, dimension: 8);
        var trainer = ml.DeepML().BinaryClassification.NeuralNetwork(new NeuralNetworkOptions
        {
            Network = network, Epochs = 8, BatchSize = 64, LearningRate = 3e-3, Optimizer = OptimizerKind.AdamW, WeightDecay = 1e-5, Seed = 4,
        });
        using var model = trainer.Fit(split.TrainSet);
        var scored = model.Transform(split.TestSet);
        var auc = ml.BinaryClassification.Evaluate(scored).AreaUnderRocCurve;
        Assert.True(auc > 0.9, $"{preset}: test AUC {auc:F3}; the key slot alone separates the classes."); // chance is 0.5

        var path = Path.Combine(Path.GetTempPath(), $"deepml-{preset}-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, split.TrainSet.Schema, path);
            var fresh = new MLContext(7);
            var loaded = fresh.Model.Load(path, out _);
            Assert.Equal(scored.GetColumn<float>("Score").Select(BitConverter.SingleToInt32Bits), loaded.Transform(split.TestSet).GetColumn<float>("Score").Select(BitConverter.SingleToInt32Bits));
            var engine = fresh.Model.CreatePredictionEngine<BinaryRow, ScoreRow>(loaded, inputSchemaDefinition: TestData.Definition<BinaryRow>(8));
            Assert.Equal(scored.GetColumn<float>("Score").First(), engine.Predict(ml.Data.CreateEnumerable<BinaryRow>(split.TestSet, false, schemaDefinition: TestData.Definition<BinaryRow>(8)).First()).Score);
            (loaded as IDisposable)?.Dispose();
        }
        finally
        {
            File.Delete(path);
        }
    }

    private sealed class ScoreRow
    {
        public float Score { get; set; }
    }

    private static DenseLayer Identity(int units) => new(units, useBias: false);

    private static float[] IdentityMatrix(int n) => Enumerable.Range(0, n * n).Select(i => i / n == i % n ? 1f : 0f).ToArray();

    /// <summary>The TorchSharp forward pass and ONNX Runtime (optimizations off and on) on the same weights.</summary>
    private static IEnumerable<float[]> Both(NetworkWeights weights, float[] features, int rows)
    {
        TorchRuntime.EnsureLoaded();
        var spec = weights.Spec;
        using (var network = TorchNetwork.Build(spec))
        {
            TorchNetwork.Load(network, weights);
            network.eval();
            yield return TorchBatchPredictor.Forward(network, CPU, features, rows, spec.InputSize, spec.OutputSize);
        }
        var classes = Enumerable.Range(0, spec.OutputSize).Select(i => $"c{i}").ToArray();
        var onnx = OnnxExporter.Export(new NetworkModel(weights, PredictionKind.MulticlassClassification, "Features", classes));
        foreach (var level in new[] { GraphOptimizationLevel.ORT_DISABLE_ALL, GraphOptimizationLevel.ORT_ENABLE_ALL })
        {
            using var options = new SessionOptions { GraphOptimizationLevel = level };
            using var session = new InferenceSession(onnx, options);
            using var input = OrtValue.CreateTensorValueFromMemory(features, [rows, spec.InputSize]);
            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, [OnnxNames.Features], [input], [OnnxNames.Logits]);
            yield return outputs[0].GetTensorDataAsSpan<float>().ToArray();
        }
    }
}
