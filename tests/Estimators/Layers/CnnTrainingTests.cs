using System.Globalization;
using DeepML.Estimators.Tests.Trainers;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace DeepML.Estimators.Tests.Layers;

/// <summary>
/// A small CNN (Conv2d, BatchNorm2d, residual block, Flatten) on scikit-learn's 8×8 digits, declared as
/// <c>[1, 8, 8]</c> through <see cref="NeuralNetworkOptions.InputShape"/>: it trains, beats chance by far,
/// and its saved zip loads with identical predictions.
/// </summary>
[Collection(TorchTrainingCollection.Name)]
public sealed class CnnTrainingTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static NetworkSpec Cnn() => new([
        new Conv2dLayer(8, 3, padding: 1, useBias: false), new BatchNormLayer(), new ActivationLayer(ActivationKind.Relu),
        new ResidualLayer(new SequentialLayer(new Conv2dLayer(16, 3, stride: 2, padding: 1), new BatchNormLayer(), new ActivationLayer(ActivationKind.Relu),
            new Conv2dLayer(16, 3, padding: 1)), new Conv2dLayer(16, 1, stride: 2)),
        new ActivationLayer(ActivationKind.Relu), new DropoutLayer(0.1), new FlattenLayer()]);

    [Fact]
    public void TinyCnnOnDigitsBeatsChanceByFarAndSavesAndLoads()
    {
        var ml = new MLContext(seed: 1);
        var (train, test) = Digits(ml);
        var trainer = ml.DeepML().MulticlassClassification.NeuralNetwork(new NeuralNetworkOptions
        {
            Network = Cnn(), InputShape = new TensorShape(1, 8, 8), Epochs = 6, BatchSize = 32, LearningRate = 0.01, Seed = 2,
        });
        var model = trainer.Fit(train);
        Assert.Equal("[1, 8, 8] → Conv2d(8, 3x3, pad 1x1) → BatchNorm → Relu → Residual(Sequential(Conv2d(16, 3x3, stride 2x2, pad 1x1) → BatchNorm → Relu → Conv2d(16, 3x3, pad 1x1)), shortcut Conv2d(16, 1x1, stride 2x2)) → Relu → Dropout(0.1) → Flatten → Dense(10)",
            model.Model.Spec.ToString());
        var scored = model.Transform(test);
        var metrics = ml.MulticlassClassification.Evaluate(scored);
        // Chance is 10 %; linear models reach about 95 % on this split, a CNN after 6 epochs should too.
        output.WriteLine($"digits CNN: test accuracy {metrics.MicroAccuracy:P2} after {trainer.LastTraining!.EpochsRun} epochs");
        Assert.True(metrics.MicroAccuracy >= 0.9, $"test accuracy {metrics.MicroAccuracy:P1}");

        var path = Path.Combine(Path.GetTempPath(), $"deepml-cnn-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, train.Schema, path);
            foreach (var loaded in new[] { new MLContext(3).Model.Load(path, out _), new MLContext(4).DeepML().Model.Load(path, out _) })
            {
                var again = loaded.Transform(test);
                Assert.Equal(scored.GetColumn<float[]>("Score").SelectMany(v => v).Select(BitConverter.SingleToInt32Bits),
                    again.GetColumn<float[]>("Score").SelectMany(v => v).Select(BitConverter.SingleToInt32Bits));
                var engine = new MLContext(5).Model.CreatePredictionEngine<ClassRow, ScoredRow>(loaded, inputSchemaDefinition: TestData.Definition<ClassRow>(64));
                var first = test.Preview(1).RowView[0].Values.First(v => v.Key == "Features").Value;
                var single = engine.Predict(new ClassRow { Features = ((VBuffer<float>)first).DenseValues().ToArray(), Class = "0" });
                Assert.Equal(scored.GetColumn<float[]>("Score").First(), single.Score); // one row through PredictionEngine = the batched run
                (loaded as IDisposable)?.Dispose();
            }
        }
        finally
        {
            File.Delete(path);
            model.Dispose();
        }
    }

    [Fact]
    public void DeclaredShapeThatDoesNotFitTheColumnFailsBeforeTraining()
    {
        var ml = new MLContext(seed: 1);
        var (train, _) = Digits(ml);
        var trainer = ml.DeepML().MulticlassClassification.NeuralNetwork(new NeuralNetworkOptions { Network = Cnn(), InputShape = new TensorShape(1, 8, 7), Epochs = 1 });
        var e = Assert.Throws<ArgumentException>(() => trainer.Fit(train));
        Assert.Equal("NeuralNetworkOptions: InputShape [1, 8, 7] holds 56 values per example, but feature column 'Features' has 64 slots. Declare a shape whose dimensions multiply to 64, or resize the column (for example ResizeImages before ExtractPixels). (Parameter 'InputShape')", e.Message);
        Assert.Null(trainer.LastTraining);

        var early = Assert.Throws<ArgumentException>(() => ml.DeepML().MulticlassClassification.NeuralNetwork(new NeuralNetworkOptions { Network = Cnn(), InputShape = new TensorShape(64) }));
        Assert.Equal("InputShape", early.ParamName); // at construction, before any data
        Assert.StartsWith("NetworkSpec: layer 0 (Conv2d) cannot take an input of shape [64]; it expects [C, H, W].", Assert.IsType<LayerShapeException>(early.InnerException).Message);

        var flat = ml.DeepML().MulticlassClassification.NeuralNetwork(new NeuralNetworkOptions { Network = Cnn(), Epochs = 1 });
        var shape = Assert.Throws<LayerShapeException>(() => flat.Fit(train));
        Assert.StartsWith("NetworkSpec: layer 0 (Conv2d) cannot take an input of shape [64]; it expects [C, H, W].", shape.Message);
    }

    public sealed class ScoredRow
    {
        public float[] Score { get; set; } = [];
    }

    private static (IDataView Train, IDataView Test) Digits(MLContext ml)
    {
        using var stream = new System.IO.Compression.GZipStream(File.OpenRead(Path.Combine(TestData.DataDirectory, "sklearn", "digits.csv.gz")), System.IO.Compression.CompressionMode.Decompress);
        using var reader = new StreamReader(stream);
        var rows = new List<ClassRow>();
        for (string? line; (line = reader.ReadLine()) is not null;)
        {
            var parts = line.Split(',');
            if (parts.Length != 65 || !float.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                continue; // header
            rows.Add(new ClassRow
            {
                Features = parts[..64].Select(p => float.Parse(p, CultureInfo.InvariantCulture) / 16f).ToArray(),
                Class = ((int)float.Parse(parts[64], CultureInfo.InvariantCulture)).ToString(CultureInfo.InvariantCulture),
            });
        }
        Assert.Equal(1797, rows.Count); // scikit-learn's digits
        var view = ml.Data.LoadFromEnumerable(rows, TestData.Definition<ClassRow>(64));
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label", "Class").Fit(view).Transform(view);
        var split = ml.Data.TrainTestSplit(keyed, testFraction: 0.4, seed: 5);
        return (split.TrainSet, split.TestSet);
    }
}
