// Compression: make DeepML networks smaller and faster, and measure what each step costs and gains, side by side.
// 1. Adult MLP: magnitude pruning (90 %, fine-tuned), structured pruning (half the units, fine-tuned), and knowledge
//    distillation twice — FastTree → a small network, and the big network → a small one — beside the small network
//    trained on the labels alone.
//    Then int8: dynamic (weights int8, activations per row at run time) and static QDQ (activation ranges from
//    the training rows, MinMax), both written by DeepML as ONNX graphs.
// 2. Fashion-MNIST CNN (the repository's subset): structured pruning of half the filters, fine-tuned; static int8.
// Each part prints a compression report (parameters, non-zeros, multiply-adds, ONNX/zip bytes, the metric, CPU latency
// at batch 1 and rows/s at batch 256, measured in one run) and writes it as JSON and PNG; ends with `name: value` lines.
// DEEPML_EXPORT_DIR=folder also writes every model's ONNX graph there.
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
using var magnitude = compress.MagnitudePruning(big, new PruningOptions { FinalSparsity = 0.9 }, Mlp([256, 128], 3)).Fit(train);
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
var dynamicInt8 = compress.Quantize(big);
var staticInt8 = compress.Quantize(big, train, new QuantizationOptions { Method = QuantizationMethod.Static });
using var dynamicModel = dynamicInt8.Transformer;
using var staticModel = staticInt8.Transformer;
var adult = compress.Report(
[
    ("MLP 256-128", big), ("magnitude 90 %", magnitude), ("units halved", structured),
    ("MLP 32 (labels)", small), ("MLP 32 ← FastTree", fromTrees), ("MLP 32 ← MLP 256", fromBig),
    ("int8 dynamic", dynamicModel), ("int8 static", staticModel),
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
var cnnInt8 = compress.Quantize(cnn, images, new QuantizationOptions { Method = QuantizationMethod.Static });
using var cnnInt8Model = cnnInt8.Transformer;
Console.WriteLine($"CNN int8: {cnnInt8.QuantizedLayers.Count} layers int8, float: {string.Join(", ", cnnInt8.FloatLayers.Select(l => $"{l.Path} {l.Kind} ({l.Reason})"))}");
var fashion = compress.Report([("CNN 32-64-128", cnn), ("filters halved", thinCnn), ("int8 static", cnnInt8Model)], imageTest);
Console.WriteLine("Fashion-MNIST subset (2,000 test images):");
Console.WriteLine(fashion.ToTable());
File.WriteAllText(Path.Combine(outDir, "fashion_mnist_compression.json"), fashion.ToJson());
fashion.SavePngs(Path.Combine(outDir, "fashion_mnist"));
Console.WriteLine($"Reports in {outDir}");
// DEEPML_EXPORT_DIR: every model's ONNX graph, for scripts/check_onnx.py (ONNX's own checker and strict shape inference).
if (Environment.GetEnvironmentVariable("DEEPML_EXPORT_DIR") is { Length: > 0 } exportDir)
{
    using var perBatch = compress.Quantize(big, null, new QuantizationOptions { DynamicScale = DynamicActivationScale.PerBatch }).Transformer;
    Directory.CreateDirectory(exportDir);
    foreach (var (name, model) in new (string, NetworkScoringTransformer)[]
    {
        ("adult-mlp", big), ("adult-magnitude", magnitude), ("adult-structured", structured), ("adult-distilled", fromTrees),
        ("adult-int8-dynamic", dynamicModel), ("adult-int8-dynamic-per-batch", perBatch), ("adult-int8-static", staticModel),
        ("fashion-cnn", cnn), ("fashion-cnn-structured", thinCnn), ("fashion-cnn-int8-static", cnnInt8Model),
    })
        model.SaveOnnx(Path.Combine(exportDir, $"compression-{name}.onnx"));
}

CompressionEntry A(string name) => adult.Entries.Single(x => x.Name == name);
CompressionEntry F(string name) => fashion.Entries.Single(x => x.Name == name);
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
Console.WriteLine($"adult_auc_int8_dynamic: {A("int8 dynamic").Metric:F4}");
Console.WriteLine($"adult_auc_int8_static: {A("int8 static").Metric:F4}");
Console.WriteLine($"adult_int8_onnx_ratio: {(double)A("int8 static").OnnxBytes / e[0].OnnxBytes:F3}");
Console.WriteLine($"adult_int8_static_speedup_batch256: {A("int8 static").RowsPerSecond / e[0].RowsPerSecond:F2}");
// The issue's names (Adult's metric is AUC, so the "accuracy" lines of the MLP are AUC points):
Console.WriteLine($"int8_static_speedup_mlp: {A("int8 static").RowsPerSecond / e[0].RowsPerSecond:F2}");
Console.WriteLine($"int8_static_accuracy_drop_mlp: {e[0].Metric - A("int8 static").Metric:F4}");
Console.WriteLine($"int8_size_ratio: {(double)A("int8 static").OnnxBytes / e[0].OnnxBytes:F3}");
Console.WriteLine($"structured_speedup: {e[2].RowsPerSecond / e[0].RowsPerSecond:F2}");
Console.WriteLine($"sparsity90_accuracy_drop: {e[0].Metric - e[1].Metric:F4}");
Console.WriteLine($"distilled_student_accuracy: {e[5].Metric:F4}");
Console.WriteLine($"label_only_student_accuracy: {e[3].Metric:F4}");
Console.WriteLine($"fashion_accuracy_cnn: {f[0].Metric:F4}");
Console.WriteLine($"fashion_accuracy_int8_static: {F("int8 static").Metric:F4}");
Console.WriteLine($"fashion_int8_static_speedup_batch256: {F("int8 static").RowsPerSecond / f[0].RowsPerSecond:F2}");
Console.WriteLine($"fashion_accuracy_filters_halved: {f[1].Metric:F4}");
Console.WriteLine($"fashion_structured_macs_ratio: {(double)f[1].ForwardMultiplyAdds / f[0].ForwardMultiplyAdds:F3}");
Console.WriteLine($"fashion_structured_speedup_batch256: {f[1].RowsPerSecond / f[0].RowsPerSecond:F2}");
