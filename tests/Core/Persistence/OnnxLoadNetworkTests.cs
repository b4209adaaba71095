using DeepML.Persistence;
using Microsoft.ML;
using Xunit;
using static DeepML.Core.Tests.Persistence.PersistenceFixtures;

namespace DeepML.Core.Tests.Persistence;

/// <summary><c>ml.DeepML().Onnx.LoadNetwork</c>: an exported ONNX file becomes a fitted scorer with the same predictions.</summary>
public sealed class OnnxLoadNetworkTests
{
    [Theory]
    [MemberData(nameof(SurrogateSaveTests.Tasks), MemberType = typeof(SurrogateSaveTests))]
    public void ExportedFileScoresLikeTheOriginal(PredictionKind task)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Transforms.CopyColumns("Features", "Raw").Fit(Data(ml, 300, seed: 11)).Transform(Data(ml, 300, seed: 11));
        var network = Model(task);
        using var original = new NetworkScoringTransformer(ml, network, new OrtBatchPredictor(OnnxExporter.Export(network)));
        var path = TempPath(".onnx");
        try
        {
            original.SaveOnnx(path);
            using var loaded = ml.DeepML().Onnx.LoadNetwork(path, new ScoringOptions { BatchSize = 64 });
            Assert.Equal(File.ReadAllBytes(path), loaded.ExportOnnx());
            AssertSameSchema(original.Transform(data).Schema, loaded.Transform(data).Schema);
            AssertSamePredictions(task, original.Transform(data), loaded.Transform(data));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void OnnxWithoutDeepMLMetadataIsRejectedWithTheFix()
    {
        var ml = new MLContext(seed: 1);
        var error = Assert.Throws<InvalidDataException>(() => ml.DeepML().Onnx.LoadNetwork(SurrogateChain.ShapeGraph(3)));
        Assert.Contains("no DeepML metadata", error.Message);
        Assert.Contains("ApplyOnnxModel", error.Message);
    }
}
