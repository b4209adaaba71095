// Compression: make DeepML networks smaller and faster, and measure what each step costs and gains, side by side.
// 1. Adult MLP: magnitude pruning (80 %, fine-tuned), structured pruning (half the units, fine-tuned), and knowledge
//    distillation twice — FastTree → a small network, and the big network → a small one — beside the small network
//    trained on the labels alone.
// 2. Fashion-MNIST CNN (the repository's subset): structured pruning of half the filters, fine-tuned.
// Each part prints a compression report (parameters, non-zeros, multiply-adds, ONNX/zip bytes, the metric, CPU latency
// at batch 1 and rows/s at batch 256, measured in one run) and writes it as JSON and PNG; ends with `name: value` lines.
using System.Globalization;
using DeepML;
using DeepML.Examples;
using Microsoft.ML;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var outDir = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "compression-report");
var ml = new MLContext(seed: 1);
var compress = ml.DeepML().Compression;

// ---- 1. Adult ------------------------------------------------------------------------------------
var trainRows = AdultDataset.LoadTrain();
var featurizer = AdultDataset.Features(ml).Fit(ml.Data.LoadFromEnumerable(trainRows));
var train = ml.Data.Cache(featurizer.Transform(ml.Data.LoadFromEnumerable(trainRows)));
var test = ml.Data.Cache(featurizer.Transform(ml.Data.LoadFromEnumerable(AdultDataset.LoadTest())));
NeuralNetworkOptions Mlp(int[] units, int epochs) => new()
{
    Network = Networks.Mlp(units, dropout: 0.1), Epochs = epochs, BatchSize = 256, LearningRate = 1e-3, NumberOfThreads = 1, Seed = 1,
};
using var big = ml.DeepML().BinaryClassification.NeuralNetwork(Mlp([256, 128], 8)).Fit(train);
using var magnitude = compress.MagnitudePruning(big, new PruningOptions { FinalSparsity = 0.8 }, Mlp([256, 128], 3)).Fit(train);
var halved = compress.PruneUnits(big.Model, new StructuredPruningOptions { Fraction = 0.5 });
Console.WriteLine($"Structured pruning: {halved}");
using var structured = compress.FineTune(halved.Model, Mlp([128, 64], 3)).Fit(train);
var fastTree = ml.BinaryClassification.Trainers.FastTree().Fit(train);
using var small = ml.DeepML().BinaryClassification.NeuralNetwork(Mlp([32], 8)).Fit(train);
using var fromTrees = ml.DeepML().BinaryClassification.NeuralNetwork(Mlp([32], 8) with
{
    Distillation = new DistillationOptions { Teacher = fastTree, Temperature = 2, SoftLossWeight = 0.5 },
}).Fit(train);
using var fromBig = ml.DeepML().BinaryClassification.NeuralNetwork(Mlp([32], 8) with
{
    Distillation = new DistillationOptions { Teacher = big, Temperature = 2, SoftLossWeight = 0.5 },
}).Fit(train);
var fastTreeAuc = ml.BinaryClassification.Evaluate(fastTree.Transform(test)).AreaUnderRocCurve;
var adult = compress.Report(
[
    ("MLP 256-128", big), ("magnitude 80 %", magnitude), ("units halved", structured),
    ("MLP 32 (labels)", small), ("MLP 32 ← FastTree", fromTrees), ("MLP 32 ← MLP 256", fromBig),
], test);
Console.WriteLine($"Adult, official test split (FastTree teacher AUC {fastTreeAuc:F4}):");
Console.WriteLine(adult.ToTable());
Directory.CreateDirectory(outDir);
File.WriteAllText(Path.Combine(outDir, "adult_compression.json"), adult.ToJson());
adult.SavePngs(Path.Combine(outDir, "adult"));

// ---- 2. Fashion-MNIST CNN ------------------------------------------------------------------------
var folder = FashionMnistData.Folder(full: false);
var fashionTrain = FashionMnistData.Load(folder, train: true);
var key = ml.Transforms.Conversion.MapValueToKey("Label", "Class", keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
    .Fit(ml.Data.LoadFromEnumerable(fashionTrain));
var images = ml.Data.Cache(key.Transform(ml.Data.LoadFromEnumerable(fashionTrain)));
var imageTest = ml.Data.Cache(key.Transform(ml.Data.LoadFromEnumerable(FashionMnistData.Load(folder, train: false))));
NeuralNetworkOptions Cnn(int epochs) => new()
{
    Network = Networks.Cnn(), FeatureColumnName = "Pixels", InputShape = new TensorShape(1, 28, 28), Epochs = epochs, BatchSize = 128,
    LearningRate = 2e-3, Optimizer = OptimizerKind.AdamW, NumberOfThreads = Environment.ProcessorCount, Seed = 1,
};
using var cnn = ml.DeepML().MulticlassClassification.NeuralNetwork(Cnn(2)).Fit(images);
var thinner = compress.PruneUnits(cnn.Model, new StructuredPruningOptions { Fraction = 0.5 });
Console.WriteLine($"Structured pruning: {thinner}");
using var thinCnn = compress.FineTune(thinner.Model, Cnn(1)).Fit(images);
var fashion = compress.Report([("CNN 32-64-128", cnn), ("filters halved", thinCnn)], imageTest);
Console.WriteLine("Fashion-MNIST subset (2,000 test images):");
Console.WriteLine(fashion.ToTable());
File.WriteAllText(Path.Combine(outDir, "fashion_mnist_compression.json"), fashion.ToJson());
fashion.SavePngs(Path.Combine(outDir, "fashion_mnist"));
Console.WriteLine($"Reports in {outDir}");

var e = adult.Entries;
var f = fashion.Entries;
Console.WriteLine();
Console.WriteLine($"adult_auc_big: {e[0].Metric:F4}");
Console.WriteLine($"adult_auc_magnitude_pruned: {e[1].Metric:F4}");
Console.WriteLine($"adult_magnitude_nonzero_fraction: {(double)e[1].NonZeroParameters / e[1].Parameters:F4}");
Console.WriteLine($"adult_magnitude_zip_ratio: {(double)e[1].ZipBytes / e[0].ZipBytes:F3}");
Console.WriteLine($"adult_auc_structured: {e[2].Metric:F4}");
Console.WriteLine($"adult_structured_parameter_ratio: {(double)e[2].Parameters / e[0].Parameters:F3}");
Console.WriteLine($"adult_structured_speedup_batch256: {e[2].RowsPerSecond / e[0].RowsPerSecond:F2}");
Console.WriteLine($"adult_auc_small_labels: {e[3].Metric:F4}");
Console.WriteLine($"adult_auc_small_distilled_fasttree: {e[4].Metric:F4}");
Console.WriteLine($"adult_auc_small_distilled_big: {e[5].Metric:F4}");
Console.WriteLine($"fashion_accuracy_cnn: {f[0].Metric:F4}");
Console.WriteLine($"fashion_accuracy_filters_halved: {f[1].Metric:F4}");
Console.WriteLine($"fashion_structured_macs_ratio: {(double)f[1].ForwardMultiplyAdds / f[0].ForwardMultiplyAdds:F3}");
Console.WriteLine($"fashion_structured_speedup_batch256: {f[1].RowsPerSecond / f[0].RowsPerSecond:F2}");
