using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using DeepML;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML.Examples;

/// <summary>
/// An LSTM reads each Fashion-MNIST image as a sequence of 28 rows of 28 pixels (<c>InputShape = [28, 28]</c>) and
/// classifies it from the last step; ends with <c>lstm_test_accuracy: value</c>. Target on the full set: ≥ 0.88.
/// </summary>
public static class LstmRun
{
    /// <summary>Trains, evaluates, prints the figures, and writes the ONNX model into DEEPML_EXPORT_DIR when set.</summary>
    /// <param name="full">The official 60,000 / 10,000 split and a full-length run; otherwise the bundled subset, 3 epochs.</param>
    public static void Run(bool full)
    {
        var ml = new MLContext(seed: 1);
        var folder = FindData(full);
        var train = Load(ml, folder, "train");
        var test = Load(ml, folder, "t10k");
        var options = new NeuralNetworkOptions
        {
            Network = Networks.Lstm(full ? 128 : 64, denseUnits: [64]),
            InputShape = new TensorShape(28, 28), // 28 steps (rows) of 28 features (pixels)
            Epochs = full ? 15 : 3, BatchSize = 128, LearningRate = 0.002, Seed = 7,
        };
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label", "Class")
            .Append(ml.DeepML().MulticlassClassification.NeuralNetwork(options));
        var clock = Stopwatch.StartNew();
        var model = pipeline.Fit(train);
        var seconds = clock.Elapsed.TotalSeconds;
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test));
        if (Environment.GetEnvironmentVariable("DEEPML_EXPORT_DIR") is { Length: > 0 } dir)
        {
            Directory.CreateDirectory(dir);
            model.LastTransformer.SaveOnnx(Path.Combine(dir, "fashion-mnist-lstm.onnx"));
        }
        Console.WriteLine($"lstm_network: {model.LastTransformer.Model.Spec}");
        Console.WriteLine(FormattableString.Invariant($"lstm_train_rows: {Count(train)}"));
        Console.WriteLine(FormattableString.Invariant($"lstm_train_seconds: {seconds:F1}"));
        Console.WriteLine(FormattableString.Invariant($"lstm_test_accuracy: {metrics.MicroAccuracy:F4}"));
    }

    private static long Count(IDataView view) => view.GetRowCount() ?? view.GetColumn<string>("Class").LongCount();

    private sealed class Image
    {
        [VectorType(784)]
        public float[] Features { get; set; } = [];

        public string Class { get; set; } = "";
    }

    /// <summary>Reads the IDX files (gzip): pixels scaled to [0, 1], class names from the official label order.</summary>
    private static IDataView Load(MLContext ml, string folder, string prefix)
    {
        string[] names = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];
        var pixels = ReadIdx(Path.Combine(folder, $"{prefix}-images-idx3-ubyte.gz"), 2051);
        var labels = ReadIdx(Path.Combine(folder, $"{prefix}-labels-idx1-ubyte.gz"), 2049);
        var rows = Enumerable.Range(0, labels.Length).Select(i => new Image
        {
            Features = pixels.AsSpan(i * 784, 784).ToArray().Select(p => p / 255f).ToArray(),
            Class = names[labels[i]],
        });
        return ml.Data.LoadFromEnumerable(rows.ToArray());
    }

    private static byte[] ReadIdx(string path, int magic)
    {
        using var stream = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var reader = new BinaryReader(stream);
        int Next() => System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(reader.ReadBytes(4));
        var found = Next();
        if (found != magic)
            throw new InvalidDataException($"LstmRun: {path} starts with {found}, not the IDX magic number {magic}. Point FASHION_MNIST_DIR at the official gzip files.");
        var count = Next();
        var size = magic == 2051 ? Next() * Next() : 1;
        return reader.ReadBytes(count * size);
    }

    private static string FindData(bool full)
    {
        if (full)
        {
            string?[] candidates = [Environment.GetEnvironmentVariable("FASHION_MNIST_DIR"), "/work/shared/datasets/fashion-mnist", "/usr/share/datasets/fashion-mnist"];
            return candidates.FirstOrDefault(d => d is not null && File.Exists(Path.Combine(d, "train-images-idx3-ubyte.gz")))
                ?? throw new DirectoryNotFoundException("LstmRun: --full needs the official Fashion-MNIST files; none found in FASHION_MNIST_DIR, /work/shared/datasets/fashion-mnist or /usr/share/datasets/fashion-mnist. Set FASHION_MNIST_DIR to their folder.");
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "data", "fashion-mnist");
            if (File.Exists(Path.Combine(candidate, "train-images-idx3-ubyte.gz")))
                return candidate;
        }
        throw new DirectoryNotFoundException($"LstmRun: data/fashion-mnist was not found above {AppContext.BaseDirectory}. Run the example from the repository checkout.");
    }
}
