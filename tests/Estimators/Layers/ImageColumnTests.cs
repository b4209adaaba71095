using DeepML.Estimators.Tests.Trainers;
using DeepML.Examples;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using Xunit;

namespace DeepML.Estimators.Tests.Layers;

/// <summary>
/// ML.NET image columns into a CNN: <c>LoadImages → ResizeImages → ExtractPixels</c> gives a known-size Single vector of
/// C·H·W values, channel planes one after another (<c>interleavePixelColors: false</c>, the default), which is exactly the
/// row-major <c>[C, H, W]</c> that <see cref="NeuralNetworkOptions.InputShape"/> declares. Fashion-MNIST images (the
/// repository's subset) are written as PNG files, read back through ML.NET's image transforms, and trained on.
/// </summary>
[Collection(TorchTrainingCollection.Name)]
public sealed class ImageColumnTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("deepml-images-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private sealed class ImageFile
    {
        public string Path { get; set; } = "";
        public string Class { get; set; } = "";
    }

    /// <summary>Writes each image as a grey PNG (the grey value in R, G and B) and returns the file rows.</summary>
    private List<ImageFile> Write(IEnumerable<FashionRow> rows, string prefix) => rows.Select((row, i) =>
    {
        var bgra = new byte[28 * 28 * 4];
        for (var p = 0; p < 28 * 28; p++)
        {
            var v = (byte)Math.Round(row.Pixels[p] * 255);
            (bgra[4 * p], bgra[4 * p + 1], bgra[4 * p + 2], bgra[4 * p + 3]) = (v, v, v, 255);
        }
        var name = $"{prefix}-{i}.png";
        using var image = MLImage.CreateFromPixels(28, 28, MLPixelFormat.Bgra32, bgra);
        image.Save(System.IO.Path.Combine(_folder, name));
        return new ImageFile { Path = name, Class = row.Class };
    }).ToList();

    private IEstimator<ITransformer> Pixels(MLContext ml) =>
        ml.Transforms.LoadImages("Image", _folder, "Path")
            .Append(ml.Transforms.ResizeImages("Image", 28, 28, "Image"))
            .Append(ml.Transforms.ExtractPixels("Pixels", "Image", scaleImage: 1f / 255))
            .Append(ml.Transforms.Conversion.MapValueToKey("Label", "Class", keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue));

    [Fact]
    public void ExtractPixels_IsChannelPlanes_AndTrainsAsDeclaredShape()
    {
        var folder = FashionMnistData.Folder(full: false);
        var source = FashionMnistData.Load(folder, train: true, 800);
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(Write(source.Take(600), "train"));
        var test = ml.Data.LoadFromEnumerable(Write(source.Skip(600), "test"));
        var features = Pixels(ml).Fit(train);
        var trainPixels = ml.Data.Cache(features.Transform(train));

        // ExtractPixels: 3 × 28 × 28 Single values; the R, G and B planes each equal the original image, row-major.
        var column = trainPixels.Schema["Pixels"];
        Assert.Equal(3 * 28 * 28, ((VectorDataViewType)column.Type).Size);
        var first = trainPixels.GetColumn<float[]>("Pixels").First();
        for (var c = 0; c < 3; c++)
            for (var p = 0; p < 28 * 28; p++)
                Assert.Equal(source[0].Pixels[p], first[c * 784 + p], 5);

        var trainer = ml.DeepML().MulticlassClassification.NeuralNetwork(new NeuralNetworkOptions
        {
            FeatureColumnName = "Pixels", InputShape = new TensorShape(3, 28, 28), Network = Networks.Cnn([8, 16], [32]),
            Epochs = 4, BatchSize = 32, LearningRate = 3e-3, Seed = 2, ValidationFraction = 0,
        });
        using var model = trainer.Fit(trainPixels);
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(features.Transform(test)));
        // Chance is 10 %; 600 images and 4 epochs give about 0.7 here. The bar fails a network fed scrambled axes.
        Assert.True(metrics.MicroAccuracy >= 0.5, $"test accuracy {metrics.MicroAccuracy:F3} on 200 images");
        Assert.Equal("[3, 28, 28]", model.Model.Spec.InputShape!.ToString());
    }

    [Fact]
    public void WrongDeclaredShape_OrAnImageColumn_FailsBeforeTraining_NamingColumnAndShapes()
    {
        var ml = new MLContext(seed: 1);
        var rows = Write(FashionMnistData.Load(FashionMnistData.Folder(full: false), train: true, 20), "few");
        var data = Pixels(ml).Fit(ml.Data.LoadFromEnumerable(rows)).Transform(ml.Data.LoadFromEnumerable(rows));

        var grey = ml.DeepML().MulticlassClassification.NeuralNetwork(new NeuralNetworkOptions
        {
            FeatureColumnName = "Pixels", InputShape = new TensorShape(1, 28, 28), Network = Networks.Cnn([4], []), Epochs = 1,
        });
        var e = Assert.Throws<ArgumentException>(() => grey.Fit(data));
        Assert.Equal("NeuralNetworkOptions: InputShape [1, 28, 28] holds 784 values per example, but feature column 'Pixels' has 2352 slots. Declare a shape whose dimensions multiply to 2352, or resize the column (for example ResizeImages before ExtractPixels). (Parameter 'InputShape')", e.Message);
        Assert.Null(grey.LastTraining);

        // The MLImage column itself is not a vector of Single: rejected at pipeline construction and at Fit, naming it.
        var direct = ml.DeepML().MulticlassClassification.NeuralNetwork(new NeuralNetworkOptions
        {
            FeatureColumnName = "Image", InputShape = new TensorShape(3, 28, 28), Network = Networks.Cnn([4], []), Epochs = 1,
        });
        var schemaError = Assert.ThrowsAny<Exception>(() => direct.GetOutputSchema(SchemaShapes.FromSchema(data.Schema)));
        Assert.Contains("'Image'", schemaError.Message);
        Assert.Contains("Single", schemaError.Message);
        var fitError = Assert.ThrowsAny<Exception>(() => direct.Fit(data));
        Assert.Equal(schemaError.Message, fitError.Message);
    }
}
