using DeepML;
using DeepML.Core.Tests.Onnx;
using DeepML.Onnx.Proto;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace DeepML.Core.Tests.Scoring;

/// <summary>Batched scoring of arbitrary ONNX models (ml.DeepML().Onnx.ScoreOnnxModel).</summary>
public sealed class OnnxScoringTests
{
    private sealed class ImageRow
    {
        [VectorType(12)] public float[] Pixels { get; set; } = [];
        public int Id { get; set; }
    }

    private sealed class ImageOutput
    {
        [VectorType(1, 2, 2, 3)] public float[] Activations { get; set; } = [];
    }

    /// <summary>x [N, 2, 2, 3] → Relu(x) · 2 → y [N, 2, 2, 3]: an image-shaped model not written by DeepML.</summary>
    private static byte[] ImageModel()
    {
        var graph = new OnnxGraph("image");
        graph.AddInput("x", "N", 2L, 2L, 3L);
        graph.AddOutput("y", "N", 2L, 2L, 3L);
        graph.Node("relu", "Relu", ["x"], "r");
        graph.Node("double", "Add", ["r", "r"], "y");
        return graph.Encode(new OnnxModelHeader(8, 17, "test", "0", []));
    }

    private static List<ImageRow> Rows(int count) =>
        Enumerable.Range(0, count).Select(i => new ImageRow { Id = i, Pixels = Enumerable.Range(0, 12).Select(j => (float)((i * 7 + j) % 9 - 4)).ToArray() }).ToList();

    private static float[] Expected(ImageRow row) => row.Pixels.Select(v => 2 * Math.Max(v, 0f)).ToArray();

    [Fact]
    public void ScoresAnImageShapedModelInBatchesWithApplyOnnxModelsColumnType()
    {
        var ml = new MLContext(seed: 1);
        var rows = Rows(37);
        var data = ml.Data.LoadFromEnumerable(rows);
        using var scorer = ml.DeepML().Onnx.ScoreOnnxModel(new OnnxScoringOptions
        {
            OutputColumnName = "Activations", InputColumnName = "Pixels", ModelBytes = ImageModel(), Scoring = new ScoringOptions { BatchSize = 8 },
        }).Fit(data);
        var scored = scorer.Transform(data);

        Assert.Equal(rows.Select(Expected).ToArray(), scored.GetColumn<float[]>("Activations").ToArray());
        Assert.Equal(Enumerable.Range(0, 37), scored.GetColumn<int>("Id"));
        var mlnet = ml.Transforms.CopyColumns("x", "Pixels").Append(ml.Transforms.ApplyOnnxModel(["y"], ["x"], new MemoryStream(ImageModel()))).Fit(data);
        Assert.Equal(mlnet.GetOutputSchema(data.Schema)["y"].Type, scored.Schema["Activations"].Type);
    }

    [Fact]
    public void PredictionEngineAndReloadedModelGiveTheSameNumbers()
    {
        var ml = new MLContext(seed: 1);
        var rows = Rows(20);
        var data = ml.Data.LoadFromEnumerable(rows);
        using var scorer = ml.DeepML().Onnx.ScoreOnnxModel(new OnnxScoringOptions { OutputColumnName = "Activations", InputColumnName = "Pixels", ModelBytes = ImageModel() }).Fit(data);
        var engine = ml.Model.CreatePredictionEngine<ImageRow, ImageOutput>(scorer);
        Assert.Equal(rows.Select(Expected).ToArray(), rows.Select(r => engine.Predict(r).Activations).ToArray());

        var (fresh, loaded, _) = DeepML.Core.Tests.Persistence.PersistenceFixtures.SaveAndLoadFresh(ml, scorer, data.Schema, seed: 2);
        var reloaded = loaded.Transform(fresh.Data.LoadFromEnumerable(rows));
        Assert.Equal(scorer.GetOutputSchema(data.Schema).Select(c => (c.Name, c.Type)), reloaded.Schema.Where(c => !c.IsHidden).Select(c => (c.Name, c.Type)));
        Assert.Equal(rows.Select(Expected).ToArray(), reloaded.GetColumn<float[]>("Activations").ToArray());
        (loaded as IDisposable)?.Dispose();
    }

    [Fact]
    public void BadModelsAndColumnsFailBeforeAnyRowWithClearMessages()
    {
        var ml = new MLContext(seed: 1);
        var wrongSize = ml.Data.LoadFromEnumerable(new[] { new SmallRow { Pixels = new float[5] } });
        var estimator = ml.DeepML().Onnx.ScoreOnnxModel(new OnnxScoringOptions { OutputColumnName = "A", InputColumnName = "Pixels", ModelBytes = ImageModel() });
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Fit(wrongSize));
        Assert.Contains("input column 'Pixels': expected vector of Single of size 12 (the size the model was trained on), got Vector<Single, 5>", e.Message);

        Assert.Contains("does not exist", Assert.Throws<FileNotFoundException>(() =>
            ml.DeepML().Onnx.ScoreOnnxModel("A", "Pixels", "/nonexistent/model.onnx")).Message);
        Assert.Contains("give exactly one of ModelPath and ModelBytes", Assert.Throws<ArgumentException>(() =>
            ml.DeepML().Onnx.ScoreOnnxModel(new OnnxScoringOptions { OutputColumnName = "A", InputColumnName = "Pixels" })).Message);
        Assert.Contains("has no output 'missing'", Assert.Throws<ArgumentException>(() =>
            ml.DeepML().Onnx.ScoreOnnxModel(new OnnxScoringOptions { OutputColumnName = "A", InputColumnName = "Pixels", ModelBytes = ImageModel(), OnnxOutputName = "missing" })).Message);
    }

    private sealed class SmallRow
    {
        [VectorType(5)] public float[] Pixels { get; set; } = [];
    }
}
