using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;
using static DeepML.Core.Tests.Persistence.PersistenceFixtures;

namespace DeepML.Core.Tests.Persistence;

/// <summary><c>ml.DeepML().Model.Load</c>: the saved zip comes back with DeepML's batched scorer in place of ML.NET's OnnxTransformer.</summary>
public sealed class DeepMLModelLoadTests
{
    [Theory]
    [MemberData(nameof(SurrogateSaveTests.Tasks), MemberType = typeof(SurrogateSaveTests))]
    public void LoadReturnsBatchedScorerWithBitIdenticalPredictions(PredictionKind task)
    {
        var ml = new MLContext(seed: 1);
        var data = Data(ml, 1500, seed: 8);
        var network = Model(task);
        using var model = Pipeline(ml, data, network);
        var path = TempPath(".zip");
        try
        {
            ml.Model.Save(model, data.Schema, path);
            var fresh = new MLContext(seed: 5);
            var loaded = fresh.DeepML().Model.Load(path, out var inputSchema, new ScoringOptions { BatchSize = 256 });

            AssertSameSchema(data.Schema, inputSchema);
            var chain = Assert.IsType<TransformerChain<ITransformer>>(loaded);
            var scorer = Assert.IsType<NetworkScoringTransformer>(chain.Last());
            Assert.Equal(256, scorer.BatchSize);
            Assert.Equal(OnnxExporter.Export(network), scorer.ExportOnnx());
            Assert.Equal(task, scorer.Model.Task);
            Assert.Equal(network.ClassNames, scorer.Model.ClassNames);
            var expected = model.Transform(data);
            var actual = loaded.Transform(data);
            AssertSameSchema(expected.Schema, actual.Schema);
            AssertSamePredictions(task, expected, actual);
            // And the loaded model saves again into a file that plain ML.NET loads with the same predictions.
            var again = TempPath(".zip");
            try
            {
                fresh.Model.Save(loaded, inputSchema, again);
                AssertSamePredictions(task, expected, new MLContext(seed: 6).Model.Load(again, out _).Transform(data));
            }
            finally
            {
                File.Delete(again);
                scorer.Dispose();
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void LoadOfANetworkSavedAloneReturnsTheScorerItself()
    {
        var ml = new MLContext(seed: 1);
        var data = Data(ml, 50, seed: 9);
        var features = ml.Transforms.CopyColumns("Features", "Raw").Fit(data).Transform(data);
        var network = Model(PredictionKind.Regression);
        using var scorer = new NetworkScoringTransformer(ml, network, new OrtBatchPredictor(OnnxExporter.Export(network)));
        var path = TempPath(".zip");
        try
        {
            ml.Model.Save(scorer, features.Schema, path);
            using var loaded = Assert.IsType<NetworkScoringTransformer>(new MLContext(2).DeepML().Model.Load(path, out _));
            AssertSamePredictions(PredictionKind.Regression, scorer.Transform(features), loaded.Transform(features));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void LoadOfAModelWithoutDeepMLStepsReturnsWhatMLNetLoads()
    {
        var ml = new MLContext(seed: 1);
        var data = Data(ml, 50, seed: 10);
        var model = ml.Transforms.NormalizeMinMax("Features", "Raw").Fit(data);
        var path = TempPath(".zip");
        try
        {
            ml.Model.Save(model, data.Schema, path);
            var loaded = new MLContext(2).DeepML().Model.Load(path, out _);
            Assert.Equal(model.Transform(data).GetColumn<float[]>("Features").SelectMany(v => v), loaded.Transform(data).GetColumn<float[]>("Features").SelectMany(v => v));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
