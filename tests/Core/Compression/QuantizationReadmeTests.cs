using DeepML.Core.Tests.Persistence;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;
using static DeepML.Core.Tests.Compression.QuantizationFixtures;

namespace DeepML.Core.Tests.Compression;

/// <summary>The DeepML.Core readme's quantization example, as written there (a pipeline whose last step is the network).</summary>
public sealed class QuantizationReadmeTests
{
    [Fact]
    public void The_readme_example_runs_and_its_saved_model_scores_like_the_quantized_transformer()
    {
        var ml = new MLContext(1);
        var train = ml.Transforms.CopyColumns("Raw", "Features").Fit(Data(ml, 600, 7)).Transform(Data(ml, 600, 7));
        var raw = ml.Transforms.DropColumns("Features").Fit(train).Transform(train);
        var featurize = ml.Transforms.CopyColumns("Features", "Raw").Fit(raw);
        var model = new TransformerChain<ITransformer>(featurize, Fitted(ml, Mlp()));
        var path = PersistenceFixtures.TempPath(".zip");
        try
        {
            // From the readme:
            NetworkScoringTransformer fitted = (NetworkScoringTransformer)model.LastTransformer;
            var featurized = featurize.Transform(raw);
            var dynamic = ml.DeepML().Compression.Quantize(fitted);
            var result = ml.DeepML().Compression.Quantize(fitted, featurized, new QuantizationOptions
            {
                Method = QuantizationMethod.Static,
                Calibration = CalibrationMethod.Percentile, Percentile = 99.99,
                PerChannel = true,
                ActivationType = QuantizedActivationType.UInt8,
            });
            var scored = result.Transformer.Transform(featurized);
            ml.Model.Save(result.Transformer, featurized.Schema, path);

            Assert.Equal(512, result.CalibrationRows);
            Assert.Empty(result.FloatLayers);
            Assert.True(result.QuantizedOnnxBytes < result.FloatOnnxBytes);
            var loaded = new MLContext(5).Model.Load(path, out _);
            PersistenceFixtures.AssertSamePredictions(PredictionKind.BinaryClassification, scored, loaded.Transform(featurized));
            dynamic.Transformer.Dispose();
            result.Transformer.Dispose();
        }
        finally
        {
            File.Delete(path);
            ((IDisposable)model.LastTransformer).Dispose();
        }
    }
}
