// Augmentation: (1) the Fashion-MNIST CNN trained on a 2,000-image subset with and without on-the-fly augmentation (same seed
// and epochs), evaluated on the full test set when it is found (else the repository's 2,000 test images), with a picture of
// what the network saw; (2) UCI Adult rebalanced by each rebalancer before FastTree, and by SMOTE before a DeepML network:
// minority (>50K) recall and precision on the official test split, and a chart of the class counts. Ends with `name: value` lines.
using System.Globalization;
using DeepML;
using DeepML.Augmentation;
using DeepML.Examples;
using DeepML.Explainability;
using Microsoft.ML;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var outDir = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "augmentation-report");
Directory.CreateDirectory(outDir);
var ml = new MLContext(seed: 1);
var epochs = int.TryParse(Environment.GetEnvironmentVariable("DEEPML_AUGMENT_EPOCHS"), out var e) ? e : 15;

// ---- 1. Fashion-MNIST: 2,000 training images, with and without augmentation -----------------------
var subset = FashionMnistData.Load(FashionMnistData.Folder(full: false), train: true, limit: 2000);
List<FashionRow> testRows;
string testName;
try
{
    testRows = FashionMnistData.Load(FashionMnistData.Folder(full: true), train: false);
    testName = "the full test set";
}
catch (DirectoryNotFoundException)
{
    testRows = FashionMnistData.Load(FashionMnistData.Folder(full: false), train: false);
    testName = "the repository's test subset";
}
var key = ml.Transforms.Conversion.MapValueToKey("Label", "Class", keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
    .Fit(ml.Data.LoadFromEnumerable(subset));
var train = ml.Data.Cache(key.Transform(ml.Data.LoadFromEnumerable(subset)));
var test = ml.Data.Cache(key.Transform(ml.Data.LoadFromEnumerable(testRows)));
var shape = new TensorShape(1, 28, 28);
var augmentation = new AugmentationOptions { Steps = [new HorizontalFlip(), new RandomCrop { Padding = 2 }, new RandomErasing()] };
NeuralNetworkOptions Cnn(AugmentationOptions? steps) => new()
{
    Network = Networks.Cnn(channels: [16, 32], denseUnits: [64]), FeatureColumnName = "Pixels", InputShape = shape, Epochs = epochs,
    BatchSize = 64, LearningRate = 1e-3, Seed = 1, NumberOfThreads = 1, ValidationFraction = 0, Augmentation = steps,
};
(double Accuracy, double EpochSeconds) Run(AugmentationOptions? steps)
{
    var trainer = ml.DeepML().MulticlassClassification.NeuralNetwork(Cnn(steps));
    using var model = trainer.Fit(train);
    var history = trainer.LastTraining!.History;
    return (ml.MulticlassClassification.Evaluate(model.Transform(test)).MicroAccuracy, history[^1].Elapsed.TotalSeconds / history.Count);
}
var plain = Run(null);
var augmented = Run(augmentation);
Console.WriteLine($"Fashion-MNIST CNN, 2,000 training images, {epochs} epochs, on {testName} ({testRows.Count} images):");
Console.WriteLine($"  no augmentation           accuracy {plain.Accuracy:F4}   {plain.EpochSeconds:F2} s/epoch");
Console.WriteLine($"  flip + crop(2) + erasing  accuracy {augmented.Accuracy:F4}   {augmented.EpochSeconds:F2} s/epoch");

// What the network saw: six training images, then four epochs' draws of each.
var sample = subset.Take(6).Select(r => r.Pixels).ToArray();
var draws = Enumerable.Range(1, 4).Select(epoch => AugmentationPreview.Apply(augmentation, sample.SelectMany(p => p).ToArray(), 6, shape, seed: 1, epoch)).ToArray();
var grid = sample.Select((image, i) => (IReadOnlyList<HeatmapPanel>)
    [new(image, null, "original"), .. draws.Select((d, k) => new HeatmapPanel(d.AsSpan(i * 784, 784).ToArray(), null, $"epoch {k + 1}"))]).ToArray();
HeatmapGrid.Save(Path.Combine(outDir, "fashion_mnist_augmented.png"), 28, 28, grid, scale: 4);

// ---- 2. Adult: rebalancing before FastTree and before a DeepML network ------------------------------
var adultTrain = ml.Data.LoadFromEnumerable(AdultDataset.LoadTrain());
var adultTest = ml.Data.LoadFromEnumerable(AdultDataset.LoadTest());
string[] categorical = ["Sex", "Relationship", "MaritalStatus", "Race"];
var features = ml.Transforms.Categorical.OneHotEncoding(categorical.Select(c => new InputOutputColumnPair(c + "Hot", c)).ToArray())
    .Append(ml.Transforms.Concatenate("Features", [.. AdultDataset.NumericColumns, .. categorical.Select(c => c + "Hot")]))
    .Append(ml.Transforms.NormalizeMeanVariance("Features"))
    .Fit(adultTrain);
var adultFeatures = ml.Data.Cache(features.Transform(adultTrain));
var adultTestFeatures = ml.Data.Cache(features.Transform(adultTest));
var augment = ml.DeepML().Augmentation;
var views = new (string Name, IDataView Data)[]
{
    ("none", adultFeatures),
    ("random over-sampling", augment.RandomOverSample(adultFeatures, seed: 1)),
    ("random under-sampling", augment.RandomUnderSample(adultFeatures, seed: 1)),
    ("SMOTE", augment.Smote(adultFeatures, seed: 1)),
    ("Borderline-SMOTE", augment.BorderlineSmote(adultFeatures, seed: 1)),
};
Console.WriteLine("Adult, FastTree (20 leaves, 100 trees), official test split, class >50K:");
var recall = new Dictionary<string, double>();
foreach (var (name, data) in views)
{
    var model = ml.BinaryClassification.Trainers.FastTree(numberOfLeaves: 20, numberOfTrees: 100).Fit(data);
    var m = ml.BinaryClassification.Evaluate(model.Transform(adultTestFeatures));
    recall[name] = m.PositiveRecall;
    Console.WriteLine($"  {name,-22} rows {data.GetRowCount(),6}   recall {m.PositiveRecall:F4}   precision {m.PositivePrecision:F4}   accuracy {m.Accuracy:F4}   AUC {m.AreaUnderRocCurve:F4}");
}
var smote = (RebalancedData)views[3].Data;
Console.WriteLine(smote.Report);
smote.Report.SaveBarChart(Path.Combine(outDir, "adult_smote_class_counts.png"));
NeuralNetworkOptions Mlp() => new() { Network = Networks.Mlp([64, 32]), Epochs = 8, BatchSize = 256, NumberOfThreads = 1, Seed = 1 };
var networkPlain = ml.BinaryClassification.Evaluate(ml.DeepML().BinaryClassification.NeuralNetwork(Mlp()).Fit(adultFeatures).Transform(adultTestFeatures));
var networkSmote = ml.BinaryClassification.Evaluate(ml.DeepML().BinaryClassification.NeuralNetwork(Mlp()).Fit(smote).Transform(adultTestFeatures));
Console.WriteLine($"Adult, DeepML MLP 64-32: recall {networkPlain.PositiveRecall:F4} → {networkSmote.PositiveRecall:F4} with SMOTE, precision {networkPlain.PositivePrecision:F4} → {networkSmote.PositivePrecision:F4}");
Console.WriteLine($"Pictures in {outDir}");

Console.WriteLine();
Console.WriteLine($"subset_accuracy_plain: {plain.Accuracy:F4}");
Console.WriteLine($"subset_accuracy_augmented: {augmented.Accuracy:F4}");
Console.WriteLine($"augment_epoch_overhead: {augmented.EpochSeconds / plain.EpochSeconds - 1:F3}");
Console.WriteLine($"minority_recall_plain: {recall["none"]:F4}");
Console.WriteLine($"minority_recall_smote: {recall["SMOTE"]:F4}");
Console.WriteLine($"minority_recall_borderline_smote: {recall["Borderline-SMOTE"]:F4}");
Console.WriteLine($"minority_recall_oversampling: {recall["random over-sampling"]:F4}");
Console.WriteLine($"minority_recall_undersampling: {recall["random under-sampling"]:F4}");
Console.WriteLine($"network_minority_recall_plain: {networkPlain.PositiveRecall:F4}");
Console.WriteLine($"network_minority_recall_smote: {networkSmote.PositiveRecall:F4}");
