using System.Globalization;
using DeepML.Examples;
using Microsoft.ML;

namespace DeepML.Benchmarks;

/// <summary>
/// The same small CNN on a Fashion-MNIST subset with and without on-the-fly augmentation (horizontal flip, random crop with
/// padding 2, random erasing), same seed and epochs: test accuracy on the 2,000 test images of the repository's subset, and
/// seconds per epoch (the augmentation's overhead). Reports; asserts nothing.
/// </summary>
internal static class AugmentationEffect
{
    public static void Run(int rows, int epochs, int threads)
    {
        var folder = FashionMnistData.Folder(full: false);
        var trainRows = FashionMnistData.Load(folder, train: true, limit: rows);
        var testRows = FashionMnistData.Load(folder, train: false);
        var ml = new MLContext(seed: 1);
        var labels = ml.Transforms.Conversion.MapValueToKey("Label", "Class", keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
            .Fit(ml.Data.LoadFromEnumerable(trainRows));
        var train = labels.Transform(ml.Data.LoadFromEnumerable(trainRows));
        var test = labels.Transform(ml.Data.LoadFromEnumerable(testRows));
        var options = new NeuralNetworkOptions
        {
            FeatureColumnName = "Pixels", Network = Networks.Cnn(channels: [16, 32], denseUnits: [64]), InputShape = new TensorShape(1, 28, 28),
            Epochs = epochs, BatchSize = 64, LearningRate = 1e-3, ValidationFraction = 0, Seed = 1, NumberOfThreads = threads,
        };
        var augmentation = new AugmentationOptions { Steps = [new HorizontalFlip(), new RandomCrop { Padding = 2 }, new RandomErasing()] };
        var light = new AugmentationOptions { Steps = [new HorizontalFlip(), new RandomCrop { Padding = 2 }] };
        Console.WriteLine($"Fashion-MNIST subset: {trainRows.Count} training images, {testRows.Count} test images; {options.Network}; {epochs} epochs, batch 64, seed 1, {threads} thread(s).");
        foreach (var (name, aug) in new[] { ("none", (AugmentationOptions?)null), ("flip + crop(pad 2) + erasing", augmentation), ("flip + crop(pad 2)", light),
            ("flip", new AugmentationOptions { Steps = [new HorizontalFlip()] }), ("crop(pad 2)", new AugmentationOptions { Steps = [new RandomCrop { Padding = 2 }] }),
            ("erasing", new AugmentationOptions { Steps = [new RandomErasing()] }) })
        {
            var trainer = ml.DeepML().MulticlassClassification.NeuralNetwork(options with { Augmentation = aug });
            using var model = trainer.Fit(train);
            var history = trainer.LastTraining!.History;
            var seconds = history.Select((h, i) => (h.Elapsed - (i == 0 ? TimeSpan.Zero : history[i - 1].Elapsed)).TotalSeconds).ToArray();
            var accuracy = ml.MulticlassClassification.Evaluate(model.Transform(test)).MicroAccuracy;
            var trainAccuracy = ml.MulticlassClassification.Evaluate(model.Transform(train)).MicroAccuracy;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"augmentation {name,-30} test accuracy {accuracy:P2}  train accuracy {trainAccuracy:P2}  final training loss {history[^1].TrainingLoss:F4}  " +
                $"s/epoch mean {seconds.Average():F2} (first {seconds[0]:F2}, median {seconds.Order().ElementAt(seconds.Length / 2):F2})"));
        }
    }
}
