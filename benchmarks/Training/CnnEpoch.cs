using System.Diagnostics;
using System.Globalization;
using DeepML;
using DeepML.Examples;
using Microsoft.ML;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepML.Benchmarks;

/// <summary>
/// One Fashion-MNIST CNN epoch (Networks.Cnn(): 1→32→64 channels, 3×3 convolutions with batch norm, 2×2 max pooling,
/// Dense 128, dropout 0.25, Dense 10) through DeepML's multiclass trainer against the same network written by hand in
/// TorchSharp (all images in one tensor, batches by index_select, torch.optim.Adam, cross-entropy), same rows, batch
/// size, learning rate and thread count, alternating in one process; and this machine's float32 matrix-multiply peak
/// (torch.mm of 1024×1024 and 2048×2048 matrices), so the achieved training GFLOP/s can be read against it.
/// </summary>
internal static class CnnEpoch
{
    private const int BatchSize = 128;
    private const double LearningRate = 1e-3;

    public static void Run(int rowLimit, int epochs, int rounds, bool full)
    {
        var folder = FashionMnistData.Folder(full);
        var rows = FashionMnistData.Load(folder, train: true, rowLimit);
        var ml = new MLContext(seed: 1);
        var labels = ml.Transforms.Conversion.MapValueToKey("Label", "Class", keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue);
        var data = ml.Data.Cache(labels.Fit(ml.Data.LoadFromEnumerable(rows)).Transform(ml.Data.LoadFromEnumerable(rows)));
        var x = rows.SelectMany(r => r.Pixels).ToArray();
        var y = rows.Select(r => long.Parse(r.Class, CultureInfo.InvariantCulture)).ToArray();
        var flopsPerImage = NetworkFlops.TrainingFlops(Networks.Cnn().Bind(new TensorShape(1, 28, 28), new DenseLayer(10)));
        Console.WriteLine($"cnn data: {rows.Count} Fashion-MNIST images from {folder}; Networks.Cnn() → Dense(10); batch {BatchSize}; Adam {LearningRate}; {rounds} alternating rounds of {epochs} epochs; torch threads {get_num_threads()}; {flopsPerImage / 1e6:F1} MFLOP per training image");

        var deep = new List<double>();
        var hand = new List<double>();
        var deepCpu = new List<double>();
        var handCpu = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            var times = new List<double>();
            var cpu = new List<double>();
            var last = TimeSpan.Zero;
            var lastCpu = CpuSeconds();
            var options = new NeuralNetworkOptions
            {
                Network = Networks.Cnn(), InputShape = new TensorShape(1, 28, 28), FeatureColumnName = "Pixels", Epochs = epochs, BatchSize = BatchSize,
                LearningRate = LearningRate, ValidationFraction = 0, Seed = 3, NumberOfThreads = get_num_threads(),
                Progress = new Inline(p =>
                {
                    times.Add((p.Elapsed - last).TotalSeconds);
                    last = p.Elapsed;
                    cpu.Add(CpuSeconds() - lastCpu);
                    lastCpu = CpuSeconds();
                }),
            };
            using (ml.DeepML().MulticlassClassification.NeuralNetwork(options).Fit(data)) { }
            deep.AddRange(times.Skip(1)); // the first epoch of each run is warm-up
            deepCpu.AddRange(cpu.Skip(1));
            var (handTimes, handCpuTimes) = HandWritten(x, y, rows.Count, epochs);
            hand.AddRange(handTimes.Skip(1));
            handCpu.AddRange(handCpuTimes.Skip(1));
        }
        var deepEpoch = Median(deep);
        var handEpoch = Median(hand);
        var peak = MatMulPeak();
        Console.WriteLine($"cnn DeepML epochs (s):       {string.Join(", ", deep.Select(e => e.ToString("F2", CultureInfo.InvariantCulture)))}");
        Console.WriteLine($"cnn hand-written epochs (s): {string.Join(", ", hand.Select(e => e.ToString("F2", CultureInfo.InvariantCulture)))}");
        Print("cnn_rows", rows.Count);
        Print("cnn_deepml_epoch_seconds", deepEpoch);
        Print("cnn_torchsharp_epoch_seconds", handEpoch);
        Print("cnn_epoch_ratio_deepml_over_torchsharp", deepEpoch / handEpoch);
        // Process CPU seconds per epoch: less sensitive to other processes' load than wall time.
        Print("cnn_epoch_cpu_ratio_deepml_over_torchsharp", Median(deepCpu) / Median(handCpu));
        Print("cnn_deepml_training_gflop_per_second", rows.Count * flopsPerImage / deepEpoch / 1e9);
        Print("cnn_torchsharp_training_gflop_per_second", rows.Count * flopsPerImage / handEpoch / 1e9);
        Print("matmul_peak_gflop_per_second", peak);
    }

    private static double CpuSeconds() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

    private static (List<double> Wall, List<double> Cpu) HandWritten(float[] xData, long[] yData, int rows, int epochs)
    {
        manual_seed(3);
        using var model = nn.Sequential(
            ("c0", nn.Conv2d(1, 32, 3, padding: 1, bias: false)), ("b0", nn.BatchNorm2d(32)), ("r0", nn.ReLU()), ("p0", nn.MaxPool2d(2)),
            ("c1", nn.Conv2d(32, 64, 3, padding: 1, bias: false)), ("b1", nn.BatchNorm2d(64)), ("r1", nn.ReLU()), ("p1", nn.MaxPool2d(2)),
            ("f", nn.Flatten()), ("d0", nn.Linear(64 * 7 * 7, 128)), ("r2", nn.ReLU()), ("dr", nn.Dropout(0.25)), ("d1", nn.Linear(128, 10)));
        using var optimizer = optim.Adam(model.parameters(), LearningRate);
        using var X = tensor(xData, [rows, 1, 28, 28]);
        using var Y = tensor(yData, [rows]);
        var times = new List<double>();
        var cpu = new List<double>();
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            var cpuStart = CpuSeconds();
            model.train();
            using var perm = randperm(rows);
            for (var start = 0; start < rows; start += BatchSize)
            {
                using var scope = NewDisposeScope();
                var index = perm.narrow(0, start, Math.Min(BatchSize, rows - start));
                var xb = X.index_select(0, index); // [B, 1, 28, 28]
                var yb = Y.index_select(0, index); // [B]
                optimizer.zero_grad();
                var loss = nn.functional.cross_entropy(model.call(xb), yb);
                loss.backward();
                optimizer.step();
            }
            times.Add(clock.Elapsed.TotalSeconds);
            cpu.Add(CpuSeconds() - cpuStart);
        }
        return (times, cpu);
    }

    /// <summary>The best of several float32 torch.mm runs, in GFLOP/s (2n³ per product).</summary>
    private static double MatMulPeak()
    {
        var best = 0.0;
        foreach (var n in new[] { 1024, 2048 })
        {
            using var a = randn(n, n);
            using var b = randn(n, n);
            using (a.mm(b)) { } // warm-up
            for (var i = 0; i < 3; i++)
            {
                var clock = Stopwatch.StartNew();
                using (a.mm(b)) { }
                best = Math.Max(best, 2.0 * n * n * n / clock.Elapsed.TotalSeconds / 1e9);
            }
        }
        return best;
    }

    private static double Median(List<double> v)
    {
        var s = v.Order().ToArray();
        return s[s.Length / 2];
    }

    private static void Print(string name, double value) => Console.WriteLine($"{name}: {value.ToString("G4", CultureInfo.InvariantCulture)}");

    private sealed class Inline(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
