// Fashion-MNIST with DeepML's presets: a CNN (Networks.Cnn), a small ResNet (Networks.ResNet), each trained on 28×28 grey
// images declared as InputShape [1, 28, 28], and an LSTM (Networks.Lstm) reading each image as 28 rows of 28 pixels ([28, 28]); evaluated on the test split with ML.NET's evaluator (accuracy and
// confusion matrix), timed (seconds per epoch, training GFLOP/s), saved and reloaded with ml.Model.Save/Load.
//
//   dotnet run -c Release --project examples/FashionMnist                 # the repository's subset (6,000 / 2,000), 2 epochs each
//   dotnet run -c Release --project examples/FashionMnist -- --full       # the full 60,000 / 10,000 set, the models' full epochs
//   options: --epochs N (every model), --threads N, --only cnn|resnet|lstm; DEEPML_EXPORT_DIR=folder writes each ONNX model there;
//   DEEPML_DEVICE=cuda:0 trains on the GPU (a CUDA libtorch through DEEPML_LIBTORCH_DIR or TORCH_LIB).
using System.Globalization;
using DeepML.Examples;
using Microsoft.ML;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;

// The models, one line each (another model, for example a sequence model over the image rows, is one more line).
ModelRun[] runs =
[
    ModelRuns.Cnn,    // cnn_test_accuracy, cnn_epoch_seconds, ...
    ModelRuns.ResNet, // resnet_test_accuracy, resnet_epoch_seconds, ...
    ModelRuns.Lstm,   // lstm_test_accuracy, lstm_epoch_seconds, ...
];

var full = args.Contains("--full");
var settings = new RunSettings(full, IntArg("--epochs"), IntArg("--threads") ?? Environment.ProcessorCount, Environment.GetEnvironmentVariable("DEEPML_EXPORT_DIR"),
    Environment.GetEnvironmentVariable("DEEPML_DEVICE") is { Length: > 0 } device ? device : "cpu");
var only = Arg("--only");
var folder = FashionMnistData.Folder(full);
var ml = new MLContext(seed: 1);
var trainRows = FashionMnistData.Load(folder, train: true);
var testRows = FashionMnistData.Load(folder, train: false);
// The label key: classes "0".."9" in value order, so key k is the file's label k − 1.
var labels = ml.Transforms.Conversion.MapValueToKey("Label", "Class", keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
    .Fit(ml.Data.LoadFromEnumerable(trainRows));
var train = labels.Transform(ml.Data.LoadFromEnumerable(trainRows));
var test = labels.Transform(ml.Data.LoadFromEnumerable(testRows));
Console.WriteLine($"Fashion-MNIST from {folder}: {trainRows.Count} training and {testRows.Count} test images, {settings.Threads} threads, device {settings.Device}.");

foreach (var run in runs.Where(r => only is null || r.Name == only))
    run.Run(ml, train, test, settings);
ModelRun.Print("train_rows", trainRows.Count, "N0");
ModelRun.Print("test_rows", testRows.Count, "N0");

string? Arg(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

int? IntArg(string name) => Arg(name) is { } v
    ? int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 1 ? n
        : throw new ArgumentException($"FashionMnist: {name} takes a whole number ≥ 1, got '{v}'.")
    : null;
