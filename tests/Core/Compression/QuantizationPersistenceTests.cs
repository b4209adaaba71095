using System.IO.Compression;
using DeepML.Core.Tests.Persistence;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;
using static DeepML.Core.Tests.Compression.QuantizationFixtures;

namespace DeepML.Core.Tests.Compression;

/// <summary>The quantized graph survives ml.Model.Save and both loaders; the float graph never comes back.</summary>
public sealed class QuantizationPersistenceTests
{
    [Theory]
    [InlineData("dynamic")]
    [InlineData("static-minmax")]
    [InlineData("static-int8-symmetric")]
    public void Save_then_load_in_a_fresh_context_gives_identical_predictions_from_the_int8_graph(string method)
    {
        var ml = new MLContext(1);
        using var fitted = Fitted(ml, Mlp());
        var data = Data(ml, 300, 7);
        var result = ml.DeepML().Compression.Quantize(fitted, data, QuantizationModelTests.OptionsFor(method));
        using var quantized = result.Transformer;
        var test = Data(ml, 1500, 8);
        var expected = quantized.Transform(test);

        var path = PersistenceFixtures.TempPath(".zip");
        try
        {
            ml.Model.Save(quantized, test.Schema, path);
            using (var zip = ZipFile.OpenRead(path))
            {
                var entry = zip.Entries.Single(e => e.Name == "OnnxModel");
                using var stream = entry.Open();
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                Assert.Equal(quantized.ExportOnnx(), copy.ToArray()[4..]);    // the stored graph is the int8 one
            }

            var plain = new MLContext(2).Model.Load(path, out var schema);
            PersistenceFixtures.AssertSameSchema(test.Schema, schema);
            PersistenceFixtures.AssertSamePredictions(PredictionKind.BinaryClassification, expected, plain.Transform(test));

            var fast = new MLContext(3).DeepML().Model.Load(path, out _);
            var network = Assert.IsType<NetworkScoringTransformer>(fast);
            using (network)
            {
                Assert.Equal(quantized.ExportOnnx(), network.ExportOnnx());
                PersistenceFixtures.AssertSamePredictions(PredictionKind.BinaryClassification, expected, network.Transform(test));
                Assert.Equal(quantized.Model.Weights["2.weight"].Data, network.Model.Weights["2.weight"].Data);   // dequantized, not the float originals
                Assert.NotEqual(fitted.Model.Weights["2.weight"].Data, network.Model.Weights["2.weight"].Data);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// ONNX Runtime's per-batch dynamic pattern: DeepML's loader scores in the same batches, so it is bit-identical; plain ML.NET's
    /// OnnxTransformer runs one row at a time, so each row gets its own scale and the scores move within the quantization error.
    /// </summary>
    [Fact]
    public void Per_batch_dynamic_round_trips_exactly_through_the_DeepML_loader_and_closely_through_plain_ML_NET()
    {
        var ml = new MLContext(1);
        using var fitted = Fitted(ml, Mlp());
        using var quantized = ml.DeepML().Compression.Quantize(fitted, null, QuantizationModelTests.OptionsFor("dynamic-per-batch")).Transformer;
        var test = Data(ml, 600, 8);
        var expected = quantized.Transform(test);
        var path = PersistenceFixtures.TempPath(".zip");
        try
        {
            ml.Model.Save(quantized, test.Schema, path);
            using var fast = (NetworkScoringTransformer)new MLContext(3).DeepML().Model.Load(path, out _);
            PersistenceFixtures.AssertSamePredictions(PredictionKind.BinaryClassification, expected, fast.Transform(test));
            var plain = new MLContext(2).Model.Load(path, out _).Transform(test).GetColumn<float>("Score").ToArray();
            var worst = expected.GetColumn<float>("Score").Zip(plain, (x, y) => Math.Abs(x - y)).Max();
            Assert.InRange(worst, 1e-7, 0.05);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_quantization_is_recorded_in_the_ONNX_metadata()
    {
        var ml = new MLContext(1);
        using var fitted = Fitted(ml, Mlp());
        var options = new QuantizationOptions { Method = QuantizationMethod.Static, Calibration = CalibrationMethod.Percentile, Percentile = 99.9 };
        using var quantized = ml.DeepML().Compression.Quantize(fitted, Data(ml, 64, 7), options).Transformer;
        var metadata = OnnxModelMetadata.ReadMetadataProps(quantized.ExportOnnx());
        Assert.Equal("""{"method":"Static","weights":"int8 symmetric per-channel","activations":"UInt8 asymmetric","calibration":"Percentile 99.9"}""", metadata[OnnxMetadataKeys.Quantization]);
        Assert.Equal("BinaryClassification", metadata[OnnxMetadataKeys.Task]);
    }
}
