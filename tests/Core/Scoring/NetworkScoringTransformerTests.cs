using DeepML;
using DeepML.Core.Tests.Onnx;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Xunit;

namespace DeepML.Core.Tests.Scoring;

/// <summary>
/// The fitted-model transformer on hand-made networks: its columns hold the reference network's
/// numbers, batching changes nothing, pass-through columns stay aligned, and ML.NET's evaluators
/// and PredictionEngine accept the output.
/// </summary>
public sealed class NetworkScoringTransformerTests
{
    private const int Width = 5;

    private sealed class Row
    {
        public int Id { get; set; }
        [VectorType(Width)] public float[] Features { get; set; } = [];
        public bool Label { get; set; }
        public uint Class { get; set; }
        public float Target { get; set; }
    }

    private sealed class BinaryPrediction
    {
        public float Score { get; set; }
        public float Probability { get; set; }
        public bool PredictedLabel { get; set; }
    }

    private static List<Row> Rows(int count, int seed)
    {
        var x = TestModels.Inputs(count, Width, seed);
        return Enumerable.Range(0, count).Select(i => new Row
        {
            Id = i, Features = x[(i * Width)..((i + 1) * Width)], Label = i % 3 == 0, Class = (uint)(i % 3) + 1, Target = i * 0.5f,
        }).ToList();
    }

    private static NetworkScoringTransformer Scorer(MLContext ml, NetworkModel model, int batchSize) =>
        new(ml, model, new OrtBatchPredictor(OnnxExporter.Export(model)), batchSize);

    private static NetworkModel Binary() =>
        TestModels.Model(PredictionKind.BinaryClassification, Width, 3, new DenseLayer(8), new ActivationLayer(ActivationKind.Tanh), new DenseLayer(1));

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1024)]
    public void BinaryColumnsHoldTheReferenceNumbersWhateverTheBatchSize(int batchSize)
    {
        var ml = new MLContext(seed: 1);
        var rows = Rows(50, 9);
        var model = Binary();
        using var scorer = Scorer(ml, model, batchSize);
        var scored = scorer.Transform(ml.Data.LoadFromEnumerable(rows));
        var raw = ReferenceNetwork.Forward(model.Weights, rows.SelectMany(r => r.Features).ToArray(), rows.Count);

        var ids = scored.GetColumn<int>("Id").ToArray();
        var score = scored.GetColumn<float>("Score").ToArray();
        var probability = scored.GetColumn<float>("Probability").ToArray();
        var predicted = scored.GetColumn<bool>("PredictedLabel").ToArray();
        Assert.Equal(Enumerable.Range(0, 50), ids); // pass-through rows stay aligned with their scores
        TestModels.AssertClose(raw, score, "Score");
        TestModels.AssertClose(raw.Select(ReferenceNetwork.Sigmoid).ToArray(), probability, "Probability");
        Assert.Equal(raw.Select(v => v > 0).ToArray(), predicted);
    }

    [Fact]
    public void PredictionEngineMatchesBulkScoringBitForBit()
    {
        var ml = new MLContext(seed: 1);
        var rows = Rows(40, 4);
        using var scorer = Scorer(ml, Binary(), 16);
        var data = ml.Data.LoadFromEnumerable(rows);
        var bulk = scorer.Transform(data).GetColumn<float>("Score").ToArray();
        var engine = ml.Model.CreatePredictionEngine<Row, BinaryPrediction>(scorer, data.Schema);
        var single = rows.Select(r => engine.Predict(r).Score).ToArray();
        Assert.Equal(bulk, single);
    }

    [Fact]
    public void BinaryEvaluatorAcceptsTheOutputAndAgreesWithAClosedFormAuc()
    {
        var ml = new MLContext(seed: 1);
        var rows = Rows(300, 5);
        using var scorer = Scorer(ml, Binary(), 64);
        var scored = scorer.Transform(ml.Data.LoadFromEnumerable(rows));
        var metrics = ml.BinaryClassification.Evaluate(scored);
        var scores = scored.GetColumn<float>("Score").ToArray();
        double pairs = 0, wins = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            for (var j = 0; j < rows.Count; j++)
            {
                if (!rows[i].Label || rows[j].Label)
                    continue;
                pairs++;
                wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
            }
        }
        Assert.Equal(wins / pairs, metrics.AreaUnderRocCurve, 6);
    }

    [Fact]
    public void MulticlassOutputFeedsMLNetsEvaluatorAndKeepsKeyValues()
    {
        var ml = new MLContext(seed: 1);
        var rows = Rows(90, 6);
        var model = TestModels.Model(PredictionKind.MulticlassClassification, Width, 8, new DenseLayer(6), new ActivationLayer(ActivationKind.Relu), new DenseLayer(3));
        using var scorer = Scorer(ml, model, 32);
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label", "Class").Fit(ml.Data.LoadFromEnumerable(rows)).Transform(ml.Data.LoadFromEnumerable(rows));
        var scored = scorer.Transform(keyed);

        var metrics = ml.MulticlassClassification.Evaluate(scored);
        var raw = ReferenceNetwork.Forward(model.Weights, rows.SelectMany(r => r.Features).ToArray(), rows.Count);
        var argmax = raw.Chunk(3).Select(r => Array.IndexOf(r, r.Max())).ToArray();
        var truth = rows.Select(r => (int)r.Class - 1).ToArray();
        Assert.Equal(argmax.Zip(truth).Count(p => p.First == p.Second) / 90.0, metrics.MicroAccuracy, 6);

        var keyType = Assert.IsType<KeyDataViewType>(scored.Schema["PredictedLabel"].Type);
        Assert.Equal(3UL, keyType.Count);
        VBuffer<ReadOnlyMemory<char>> names = default;
        scored.Schema["PredictedLabel"].Annotations.GetValue("KeyValues", ref names);
        Assert.Equal(["class0", "class1", "class2"], names.DenseValues().Select(n => n.ToString()).ToArray());
        var probabilities = scored.GetColumn<VBuffer<float>>("Score").Select(v => v.DenseValues().Sum()).ToArray();
        Assert.All(probabilities, p => Assert.Equal(1.0, p, 5));
    }

    [Fact]
    public void RegressionScoreIsAScalarThatTheRegressionEvaluatorAccepts()
    {
        var ml = new MLContext(seed: 1);
        var rows = Rows(30, 7);
        var model = TestModels.Model(PredictionKind.Regression, Width, 2, new DenseLayer(4), new ActivationLayer(ActivationKind.Gelu), new DenseLayer(1));
        using var scorer = Scorer(ml, model, 8);
        var scored = scorer.Transform(ml.Data.LoadFromEnumerable(rows));
        Assert.Equal(NumberDataViewType.Single, scored.Schema["Score"].Type);
        var metrics = ml.Regression.Evaluate(scored, labelColumnName: "Target");
        var raw = ReferenceNetwork.Forward(model.Weights, rows.SelectMany(r => r.Features).ToArray(), rows.Count);
        var mae = raw.Zip(rows).Average(p => Math.Abs(p.First - p.Second.Target));
        Assert.Equal(mae, metrics.MeanAbsoluteError, 4);
    }

    [Fact]
    public void WrongFeatureSizeFailsAtTransformNamingColumnAndSizes()
    {
        var ml = new MLContext(seed: 1);
        using var scorer = Scorer(ml, TestModels.Model(PredictionKind.Regression, 4, 2, new DenseLayer(1)), 8);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => scorer.Transform(ml.Data.LoadFromEnumerable(Rows(3, 1))));
        Assert.Contains("feature column 'Features': expected vector of Single of size 4 (the size the model was trained on), got Vector<Single, 5>", e.Message);
    }

    [Fact]
    public void DisposedTransformerThrowsObjectDisposed()
    {
        var ml = new MLContext(seed: 1);
        var scorer = Scorer(ml, Binary(), 8);
        var data = ml.Data.LoadFromEnumerable(Rows(3, 1));
        scorer.Dispose();
        scorer.Dispose(); // twice is fine
        Assert.Throws<ObjectDisposedException>(() => scorer.Transform(data));
    }
}
