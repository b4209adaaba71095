using DeepML.Core.Tests.Persistence;
using DeepML.Onnx.Proto;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace DeepML.Core.Tests.Scoring;

/// <summary>ScoreOnnxModel on a model with several inputs and outputs of Single, Double, Int32, Int64 and Boolean.</summary>
public sealed class OnnxMultiIoScoringTests
{
    private static readonly byte[] Model = MultiIoModel.Build();

    private static OnnxScoringOptions Options(int batchSize = 4, byte[]? model = null) => new()
    {
        InputColumnNames = MultiIoModel.Inputs, OutputColumnNames = MultiIoModel.Outputs, ModelBytes = model ?? Model, Scoring = new ScoringOptions { BatchSize = batchSize },
    };

    [Fact]
    public void ScoresEveryOutputInBatchesAndPerRowWithTheClosedFormValues()
    {
        var ml = new MLContext(seed: 1);
        var rows = MultiIoModel.Rows(13);
        var data = ml.Data.LoadFromEnumerable(rows);
        using var scorer = ml.DeepML().Onnx.ScoreOnnxModel(Options()).Fit(data);
        var scored = scorer.Transform(data);

        Assert.Equal(MultiIoModel.ExpectedRows(rows), MultiIoModel.Read(scored));
        Assert.Equal(Enumerable.Range(0, 13), scored.GetColumn<int>("Id"));
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 1, 3), scored.Schema["sum"].Type);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Int64, 1, 2), scored.Schema["twice"].Type);
        Assert.Equal(new VectorDataViewType(BooleanDataViewType.Instance, 1, 1), scored.Schema["positive"].Type);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Double, 1, 2), scored.Schema["dx"].Type);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Int32, 1, 1), scored.Schema["kk"].Type);
        Assert.Equal(MultiIoModel.Inputs, scorer.OnnxInputNames);

        var engine = ml.Model.CreatePredictionEngine<MultiIoRow, MultiIoOutput>(scorer);
        foreach (var row in rows)
            MultiIoModel.AssertEqual(MultiIoModel.Expected(row), engine.Predict(row));
    }

    [Fact]
    public void MatchesMlNetsApplyOnnxModelColumnByColumn()
    {
        var ml = new MLContext(seed: 1);
        var rows = MultiIoModel.Rows(21);
        var data = ml.Data.LoadFromEnumerable(rows);
        using var scorer = ml.DeepML().Onnx.ScoreOnnxModel(Options(batchSize: 8)).Fit(data);
        var ours = scorer.Transform(data);
        var theirs = ml.Transforms.ApplyOnnxModel(MultiIoModel.Outputs, MultiIoModel.Inputs, new MemoryStream(Model)).Fit(data).Transform(data);

        foreach (var name in MultiIoModel.Outputs)
        {
            Assert.Equal(theirs.Schema[name].Type, ours.Schema[name].Type);
            Assert.Equal(MultiIoModel.Read(theirs, [name]), MultiIoModel.Read(ours, [name]));
        }
    }

    [Fact]
    public void ExplicitOnnxNamesMapRenamedColumnsAndSurviveSaveAndLoad()
    {
        var ml = new MLContext(seed: 1);
        var rows = MultiIoModel.Rows(17);
        var data = Renamed(ml, ml.Data.LoadFromEnumerable(rows));
        using var scorer = ml.DeepML().Onnx.ScoreOnnxModel(new OnnxScoringOptions
        {
            InputColumnNames = ["A", "B", "X", "K", "Flag"], OnnxInputNames = MultiIoModel.Inputs,
            OutputColumnNames = ["Twice", "sum", "Positive", "kk"], OnnxOutputNames = ["twice", "sum", "positive", "kk"],
            ModelBytes = Model, Scoring = new ScoringOptions { BatchSize = 5 },
        }).Fit(data);
        var scored = scorer.Transform(data);
        // Columns named like their ONNX output come first, renamed ones after (the saved chain's order).
        string[] names = ["sum", "kk", "Twice", "Positive"];
        var expected = MultiIoModel.ExpectedRows(rows, names, ["sum", "kk", "twice", "positive"]);
        Assert.Equal(expected, MultiIoModel.Read(scored, names));
        Assert.Equal(["Id", "A", "B", "X", "K", "Flag", .. names], scored.Schema.Where(c => !c.IsHidden).Select(c => c.Name));

        var (fresh, loaded, _) = PersistenceFixtures.SaveAndLoadFresh(ml, scorer, data.Schema, seed: 2);
        var path = PersistenceFixtures.TempPath(".zip");
        try
        {
            ml.Model.Save(scorer, data.Schema, path);
            var viaDeepML = new MLContext(seed: 3).DeepML().Model.Load(path, out _);
            foreach (var reloaded in new[] { loaded, viaDeepML })
            {
                var output = reloaded.Transform(Renamed(fresh, fresh.Data.LoadFromEnumerable(rows)));
                Assert.Equal(scored.Schema.Where(c => !c.IsHidden).Select(c => (c.Name, c.Type)), output.Schema.Where(c => !c.IsHidden).Select(c => (c.Name, c.Type)));
                Assert.Equal(expected, MultiIoModel.Read(output, names));
                (reloaded as IDisposable)?.Dispose();
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void AModelWithAFixedBatchOfOneIsScoredOneRowPerRun()
    {
        var ml = new MLContext(seed: 1);
        var rows = MultiIoModel.Rows(6);
        var data = ml.Data.LoadFromEnumerable(rows);
        using var scorer = ml.DeepML().Onnx.ScoreOnnxModel(Options(batchSize: 64, model: MultiIoModel.Build(1L))).Fit(data);
        Assert.Equal(1, scorer.BatchSize);
        Assert.Equal(MultiIoModel.ExpectedRows(rows), MultiIoModel.Read(scorer.Transform(data)));
    }

    [Fact]
    public void ModelAndColumnProblemsFailBeforeAnyRowWithClearMessages()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(MultiIoModel.Rows(3));

        var unfed = Assert.Throws<ArgumentException>(() => ml.DeepML().Onnx.ScoreOnnxModel(Options() with { InputColumnNames = ["a", "b", "x", "k"] }));
        Assert.Contains("OnnxScoringEstimator: model input 'flag' (Bool [N, 1]) has no column. Every model input must be fed", unfed.Message);

        var noOutput = Assert.Throws<ArgumentException>(() => ml.DeepML().Onnx.ScoreOnnxModel(Options() with { OutputColumnNames = ["sum", "total"] }));
        Assert.Contains("the model has no output 'total' (for column 'total'). The model's outputs: 'sum' Float [N, 3], 'twice' Int64 [N, 2], 'positive' Bool [N, 1]", noOutput.Message);

        var fixedBatch = Assert.Throws<InvalidOperationException>(() => ml.DeepML().Onnx.ScoreOnnxModel(Options(model: MultiIoModel.Build(4L))));
        Assert.Contains("model input 'a' (column 'a') is Float [4, 3], with a fixed batch dimension of 4; expected a symbolic batch dimension (N or -1) or 1", fixedBatch.Message);

        var asFloat = ml.Transforms.Conversion.ConvertType("x", outputKind: DataKind.Single).Fit(data).Transform(data);
        var estimator = ml.DeepML().Onnx.ScoreOnnxModel(Options());
        var wrongType = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Fit(asFloat));
        Assert.Contains("OnnxScoringEstimator: schema mismatch for input column 'x': expected known-size vector of Double, got Vector<Single, 2>. The column feeds ONNX input 'x' (Double [N, 2])", wrongType.Message);
        Assert.Contains("expected known-size vector of Double, got Vector<Single>", Assert.Throws<ArgumentOutOfRangeException>(() => estimator.GetOutputSchema(DeepML.Testing.ContractData.ShapeOf(asFloat.Schema))).Message);
        using var fitted = estimator.Fit(data);
        Assert.Contains("input column 'x'", Assert.Throws<ArgumentOutOfRangeException>(() => fitted.Transform(asFloat)).Message);

        var wide = ml.Transforms.Concatenate("a", "a", "b").Fit(data).Transform(data);
        Assert.Contains("schema mismatch for input column 'a': expected vector of Single of size 3 (the size the model was trained on), got Vector<Single, 6>", Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Fit(wide)).Message);

        var missing = ml.Transforms.DropColumns("k").Fit(data).Transform(data);
        Assert.Contains("input column 'k' was not found. Available columns: 'a', 'b', 'x', 'flag', 'Id'", Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Fit(missing)).Message);
    }

    [Fact]
    public void ANonTensorOutputIsRejectedWhenTheEstimatorIsMade()
    {
        var graph = new OnnxGraph("sequence");
        graph.AddTypedInput("a", OnnxDataType.Float, "N", 3L);
        graph.Node("seq", "SequenceConstruct", ["a"], "seq");
        graph.Node("y", "Identity", ["a"], "y");
        graph.AddSequenceOutput("seq", OnnxDataType.Float, "N", 3L);
        graph.AddTypedOutput("y", OnnxDataType.Float, "N", 3L);
        var model = graph.Encode(new OnnxModelHeader(8, 17, "test", "0", []));
        var ml = new MLContext(seed: 1);
        var e = Assert.Throws<InvalidOperationException>(() => ml.DeepML().Onnx.ScoreOnnxModel(new OnnxScoringOptions { InputColumnNames = ["a"], OutputColumnNames = ["y", "seq"], ModelBytes = model }));
        Assert.Contains("OnnxScoringEstimator: model output 'seq' (column 'seq') is a ONNX_TYPE_SEQUENCE; expected a tensor. Sequences, maps and optional values are not supported", e.Message);

        var data = ml.Data.LoadFromEnumerable(MultiIoModel.Rows(3));
        using var scorer = ml.DeepML().Onnx.ScoreOnnxModel(new OnnxScoringOptions { InputColumnNames = ["a"], OutputColumnNames = ["y"], ModelBytes = model }).Fit(data);
        Assert.Equal(MultiIoModel.Rows(3).Select(r => r.A), scorer.Transform(data).GetColumn<float[]>("y"));
    }

    [Fact]
    public void OptionsThatCannotFitTogetherAreRejectedNamingTheOption()
    {
        var ml = new MLContext(seed: 1);
        var both = Assert.Throws<ArgumentException>(() => ml.DeepML().Onnx.ScoreOnnxModel(Options() with { InputColumnName = "a" }));
        Assert.Equal("InputColumnNames", both.ParamName);
        Assert.Contains("give exactly one of InputColumnName and InputColumnNames (got both)", both.Message);
        var count = Assert.Throws<ArgumentException>(() => ml.DeepML().Onnx.ScoreOnnxModel(Options() with { OnnxOutputNames = ["sum"] }));
        Assert.Equal("OnnxOutputNames", count.ParamName);
        Assert.Equal("OutputColumnNames", Assert.Throws<ArgumentException>(() => new OnnxScoringOptions { OutputColumnNames = ["sum", "sum"] }).ParamName);
        Assert.Equal("OnnxInputNames", Assert.Throws<ArgumentException>(() => new OnnxScoringOptions { OnnxInputNames = [] }).ParamName);
        Assert.Equal("InputColumnNames", Assert.Throws<ArgumentException>(() => new OnnxScoringOptions { InputColumnNames = ["a", " "] }).ParamName);
    }

    [Fact]
    public void TheArrayOverloadMapsColumnsByOnnxName()
    {
        var ml = new MLContext(seed: 1);
        var rows = MultiIoModel.Rows(5);
        var data = ml.Data.LoadFromEnumerable(rows);
        var path = PersistenceFixtures.TempPath(".onnx");
        File.WriteAllBytes(path, Model);
        try
        {
            using var scorer = ml.DeepML().Onnx.ScoreOnnxModel(["notflag", "dx"], MultiIoModel.Inputs, path).Fit(data);
            Assert.Equal(MultiIoModel.ExpectedRows(rows, ["notflag", "dx"]), MultiIoModel.Read(scorer.Transform(data), ["notflag", "dx"]));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ARankOneInputIsScoredFromAScalarColumnButCannotBeSavedForApplyOnnxModel()
    {
        var graph = new OnnxGraph("rank_one");
        graph.AddTypedInput("v", OnnxDataType.Int64, "N");
        graph.Node("w", "Add", ["v", "v"], "w");
        graph.AddTypedOutput("w", OnnxDataType.Int64, "N");
        var model = graph.Encode(new OnnxModelHeader(8, 17, "test", "0", []));
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { -3L, 0L, 5L, long.MaxValue / 4 }.Select(v => new LongRow { Value = v }));
        using var scorer = ml.DeepML().Onnx.ScoreOnnxModel(new OnnxScoringOptions { InputColumnName = "Value", OutputColumnName = "Twice", ModelBytes = model }).Fit(data);
        var scored = scorer.Transform(data);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Int64, 1), scored.Schema["Twice"].Type);
        Assert.Equal(new[] { -6L, 0L, 10L, long.MaxValue / 4 * 2 }, scored.GetColumn<long[]>("Twice").Select(v => v.Single()));
        var e = Assert.Throws<NotSupportedException>(() => ml.Model.Save(scorer, data.Schema, new MemoryStream()));
        Assert.Contains("OnnxScoringTransformer: cannot save ONNX input 'v' (Int64 [N]) as ML.NET's OnnxTransformer", e.Message);
    }

    [Fact]
    public void SwappedInputNamesFeedTheRightTensorsInProcessAndAfterSaveAndLoad()
    {
        // d = a − b is not symmetric: column "a" feeds ONNX input "b" and column "b" feeds "a", so d = col b − col a.
        var graph = new OnnxGraph("swap");
        graph.AddTypedInput("a", OnnxDataType.Float, "N", 2L);
        graph.AddTypedInput("b", OnnxDataType.Float, "N", 2L);
        graph.Node("d", "Sub", ["a", "b"], "d");
        graph.AddTypedOutput("d", OnnxDataType.Float, "N", 2L);
        var model = graph.Encode(new OnnxModelHeader(8, 17, "test", "0", []));
        var ml = new MLContext(seed: 1);
        var rows = new[] { new PairRow { A = [1, 2], B = [10, 20] }, new PairRow { A = [-3, 0.5f], B = [4, 4] } };
        var data = ml.Data.LoadFromEnumerable(rows);
        using var scorer = ml.DeepML().Onnx.ScoreOnnxModel(new OnnxScoringOptions
        {
            InputColumnNames = ["a", "b"], OnnxInputNames = ["b", "a"], OutputColumnNames = ["d"], ModelBytes = model,
        }).Fit(data);
        float[][] expected = [[9, 18], [7, 3.5f]];
        Assert.Equal(expected, scorer.Transform(data).GetColumn<float[]>("d").ToArray());
        var (fresh, loaded, _) = PersistenceFixtures.SaveAndLoadFresh(ml, scorer, data.Schema, seed: 2);
        var reloaded = loaded.Transform(fresh.Data.LoadFromEnumerable(rows));
        Assert.Equal(expected, reloaded.GetColumn<float[]>("d").ToArray());
        // The input columns pass through with their own values, as in process.
        Assert.Equal(rows.Select(r => r.A), reloaded.GetColumn<float[]>("a").ToArray());
        Assert.Equal(rows.Select(r => r.B), reloaded.GetColumn<float[]>("b").ToArray());
        Assert.Equal(rows.Select(r => r.A), scorer.Transform(data).GetColumn<float[]>("a").ToArray());
    }

    private sealed class PairRow
    {
        [ColumnName("a"), VectorType(2)]
        public float[] A { get; set; } = [];
        [ColumnName("b"), VectorType(2)]
        public float[] B { get; set; } = [];
    }

    private sealed class LongRow
    {
        public long Value { get; set; }
    }

    private static IDataView Renamed(MLContext ml, IDataView data)
    {
        var copy = ml.Transforms.CopyColumns("A", "a").Append(ml.Transforms.CopyColumns("B", "b")).Append(ml.Transforms.CopyColumns("X", "x"))
            .Append(ml.Transforms.CopyColumns("K", "k")).Append(ml.Transforms.CopyColumns("Flag", "flag")).Append(ml.Transforms.DropColumns(MultiIoModel.Inputs));
        return copy.Fit(data).Transform(data);
    }
}
