using DeepML.Testing;
using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;
using static DeepML.Core.Tests.Persistence.PersistenceFixtures;

namespace DeepML.Core.Tests.Persistence;

/// <summary>
/// <c>ml.Model.Save</c> of a pipeline ending in a DeepML network, then <c>ml.Model.Load</c> in a fresh
/// <see cref="MLContext"/> (no RegisterAssembly call): same schema, bit-identical predictions through a
/// data view and a <c>PredictionEngine</c>, and ML.NET's evaluators give the same metrics.
/// </summary>
public sealed class SurrogateSaveTests
{
    public static TheoryData<PredictionKind> Tasks => [PredictionKind.BinaryClassification, PredictionKind.MulticlassClassification, PredictionKind.Regression];

    [Theory]
    [MemberData(nameof(Tasks))]
    public void SaveThenLoadInFreshContextSameSchemaAndBitIdenticalPredictions(PredictionKind task)
    {
        var ml = new MLContext(seed: 1);
        var data = Data(ml, 2500, seed: 4); // more than two 1024-row batches of the in-process scorer
        using var model = Pipeline(ml, data, Model(task));
        var (fresh, loaded, savedSchema) = SaveAndLoadFresh(ml, model, data.Schema, seed: 99);

        AssertSameSchema(data.Schema, savedSchema);
        var steps = ((IEnumerable<ITransformer>)loaded).SelectMany(t => t is TransformerChain<ITransformer> c ? c.ToArray() : [t]).ToArray();
        Assert.Contains(steps, t => t.GetType().Name == "OnnxTransformer");
        Assert.DoesNotContain(steps, t => t is NetworkScoringTransformer);
        var expected = model.Transform(data);
        var actual = loaded.Transform(fresh.Data.LoadFromEnumerable(fresh.Data.CreateEnumerable<Row>(data, reuseRowObject: false).ToArray()));
        AssertSameSchema(expected.Schema, actual.Schema);
        if (task == PredictionKind.MulticlassClassification)
        {
            Assert.Equal(ClassNames, KeyValues(actual.Schema["PredictedLabel"]));
            Assert.Equal(new KeyDataViewType(typeof(uint), Classes), actual.Schema["PredictedLabel"].Type);
            Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, Classes), actual.Schema["Score"].Type);
        }
        AssertSamePredictions(task, expected, actual);
    }

    [Theory]
    [MemberData(nameof(Tasks))]
    public void PredictionEngineOnLoadedModelMatchesOriginalBitForBit(PredictionKind task)
    {
        var ml = new MLContext(seed: 1);
        var data = Data(ml, 200, seed: 5);
        using var model = Pipeline(ml, data, Model(task));
        var (fresh, loaded, _) = SaveAndLoadFresh(ml, model, data.Schema, seed: 2);
        var rows = ml.Data.CreateEnumerable<Row>(data, reuseRowObject: false).ToArray();
        switch (task)
        {
            case PredictionKind.BinaryClassification:
                var b0 = ml.Model.CreatePredictionEngine<Row, BinaryPrediction>(model);
                var b1 = fresh.Model.CreatePredictionEngine<Row, BinaryPrediction>(loaded);
                var (e, a) = (rows.Select(b0.Predict).ToArray(), rows.Select(b1.Predict).ToArray());
                AssertBits(e.Select(p => p.Score), a.Select(p => p.Score), "Score");
                AssertBits(e.Select(p => p.Probability), a.Select(p => p.Probability), "Probability");
                Assert.Equal(e.Select(p => p.PredictedLabel), a.Select(p => p.PredictedLabel));
                Assert.Contains(e, p => p.PredictedLabel) ;
                Assert.Contains(e, p => !p.PredictedLabel);
                break;
            case PredictionKind.MulticlassClassification:
                var m0 = ml.Model.CreatePredictionEngine<Row, MulticlassPrediction>(model);
                var m1 = fresh.Model.CreatePredictionEngine<Row, MulticlassPrediction>(loaded);
                var (me, ma) = (rows.Select(m0.Predict).ToArray(), rows.Select(m1.Predict).ToArray());
                AssertBits(me.SelectMany(p => p.Score), ma.SelectMany(p => p.Score), "Score");
                Assert.Equal(me.Select(p => p.PredictedLabel), ma.Select(p => p.PredictedLabel));
                Assert.True(me.Select(p => p.PredictedLabel).Distinct().Count() > 1);
                break;
            default:
                var r0 = ml.Model.CreatePredictionEngine<Row, RegressionPrediction>(model);
                var r1 = fresh.Model.CreatePredictionEngine<Row, RegressionPrediction>(loaded);
                AssertBits(rows.Select(r => r0.Predict(r).Score), rows.Select(r => r1.Predict(r).Score), "Score");
                break;
        }
    }

    [Theory]
    [MemberData(nameof(Tasks))]
    public void EvaluatorsOnLoadedModelGiveTheSameMetrics(PredictionKind task)
    {
        var ml = new MLContext(seed: 1);
        var data = Data(ml, 600, seed: 6);
        using var model = Pipeline(ml, data, Model(task));
        var (fresh, loaded, _) = SaveAndLoadFresh(ml, model, data.Schema, seed: 3);
        var (expected, actual) = (model.Transform(data), loaded.Transform(data));
        switch (task)
        {
            case PredictionKind.BinaryClassification:
                var b0 = ml.BinaryClassification.Evaluate(expected, "BinaryLabel");
                var b1 = fresh.BinaryClassification.Evaluate(actual, "BinaryLabel");
                Assert.Equal((b0.AreaUnderRocCurve, b0.Accuracy, b0.LogLoss, b0.F1Score), (b1.AreaUnderRocCurve, b1.Accuracy, b1.LogLoss, b1.F1Score));
                Assert.InRange(b0.AreaUnderRocCurve, 0.01, 0.99);
                break;
            case PredictionKind.MulticlassClassification:
                var m0 = ml.MulticlassClassification.Evaluate(expected, "ClassLabel");
                var m1 = fresh.MulticlassClassification.Evaluate(actual, "ClassLabel");
                Assert.Equal((m0.MicroAccuracy, m0.MacroAccuracy, m0.LogLoss), (m1.MicroAccuracy, m1.MacroAccuracy, m1.LogLoss));
                Assert.True(m0.LogLoss > 0);
                break;
            default:
                var r0 = ml.Regression.Evaluate(expected, "Target");
                var r1 = fresh.Regression.Evaluate(actual, "Target");
                Assert.Equal((r0.RootMeanSquaredError, r0.MeanAbsoluteError, r0.RSquared), (r1.RootMeanSquaredError, r1.MeanAbsoluteError, r1.RSquared));
                Assert.True(r0.RootMeanSquaredError > 0);
                break;
        }
    }

    [Fact]
    public void SavedZipHoldsTheExportedOnnxModelAndOnlyBuiltInLoadersPlusDeepMLHeads()
    {
        var ml = new MLContext(seed: 1);
        var data = Data(ml, 10, seed: 7);
        var network = Model(PredictionKind.BinaryClassification);
        using var model = Pipeline(ml, data, network);
        var path = TempPath(".zip");
        try
        {
            ml.Model.Save(model, data.Schema, path);
            using var zip = ZipFile.OpenRead(path);
            var onnx = zip.Entries.Where(e => e.Name == "OnnxModel").ToArray();
            var entry = Assert.Single(onnx);
            using var stream = new MemoryStream();
            using (var s = entry.Open())
                s.CopyTo(stream);
            var stored = stream.ToArray();
            Assert.Equal(stored.Length - 4, BitConverter.ToInt32(stored)); // ML.NET writes a length prefix
            Assert.Equal(OnnxExporter.Export(network), stored[4..]);
            var text = string.Join("\n", zip.Entries.Select(e =>
            {
                using var reader = new StreamReader(e.Open());
                return reader.ReadToEnd();
            }));
            Assert.DoesNotContain("NetworkScoringTransformer", text);
            Assert.Contains("DeepML.BinaryHead.v1", text);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
