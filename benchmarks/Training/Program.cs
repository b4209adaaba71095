// One training epoch of DeepML's trainer vs a hand-written TorchSharp loop, same data, same
// network, same batch size and optimizer, measured side by side in one process.
//
//   dotnet run -c Release --project benchmarks/Training [epochs] [rounds] [threads]
//   dotnet run -c Release --project benchmarks/Training cnn [rows] [epochs] [rounds] [threads] [--full]
//       the Fashion-MNIST CNN epoch instead (CnnEpoch.cs), beside this machine's matrix-multiply peak
//   dotnet run -c Release --project benchmarks/Training augment [rows] [epochs] [threads]
//       a small CNN with and without on-the-fly augmentation: test accuracy and seconds per epoch (AugmentationEffect.cs)
//
// DeepML's epoch time is the difference between consecutive TrainingProgress.Elapsed values
// (it includes the shuffle, the batch gathering, the step and the per-epoch validation pass,
// which is switched off here); the hand-written loop keeps the whole data set in one tensor and
// gathers batches with index_select, the fastest idiomatic TorchSharp loop.
using System.Diagnostics;
using System.Globalization;
using DeepML;
using DeepML.Examples;
using Microsoft.ML;
using Microsoft.ML.Data;
using TorchSharp;
using static TorchSharp.torch;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
Console.WriteLine(TorchRuntime.EnsureLoaded()); // before any torch.* call in this process
if (args.Length > 0 && args[0] == "cnn")
{
    int At(int i, int fallback) => args.Length > i && int.TryParse(args[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : fallback;
    if (args.Length > 4 && int.TryParse(args[4], NumberStyles.Integer, CultureInfo.InvariantCulture, out var cnnThreads))
        set_num_threads(cnnThreads);
    DeepML.Benchmarks.CnnEpoch.Run(At(1, 6000), At(2, 3), At(3, 2), args.Contains("--full"));
    return;
}
if (args.Length > 0 && args[0] == "augment")
{
    int At(int i, int fallback) => args.Length > i && int.TryParse(args[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : fallback;
    set_num_threads(At(3, 1));
    DeepML.Benchmarks.AugmentationEffect.Run(At(1, 2000), At(2, 12), At(3, 1));
    return;
}
var epochs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 4;
var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
// libtorch's intra-op threads (default: the core count). On a shared 2-core machine OpenMP's
// spin-waits dominate small ops, so the comparison is also worth running with 1.
if (args.Length > 2)
    set_num_threads(int.Parse(args[2], CultureInfo.InvariantCulture));
const int batchSize = 256;
int[] hidden = [128, 64];

var ml = new MLContext(seed: 1);
var train = ml.Data.LoadFromEnumerable(AdultDataset.LoadTrain());
var features = ml.Data.Cache(AdultDataset.Features(ml).Fit(train).Transform(train));
var (x, y, rows, width) = Materialize(features);
Console.WriteLine($"data: {rows} rows x {width} features; network {width} -> {string.Join(" -> ", hidden)} -> 1; batch {batchSize}; Adam; {rounds} alternating rounds of {epochs} epochs; torch threads {get_num_threads()}");

// Alternate the two in rounds so that a change in machine load hits both alike; the first epoch of each run is warm-up.
var deepEpochs = new List<double>();
var handEpochs = new List<double>();
var deepCpu = new List<double>();
var handCpu = new List<double>();
var fitSeconds = new List<double>();
for (var round = 0; round < rounds; round++)
{
    var times = new List<double>();
    var cpu = new List<double>();
    var last = TimeSpan.Zero;
    var lastCpu = CpuTime();
    var options = new NeuralNetworkOptions
    {
        Network = Networks.Mlp(hidden), Epochs = epochs, BatchSize = batchSize, ValidationFraction = 0, Seed = 3,
        Progress = new Inline(p =>
        {
            times.Add((p.Elapsed - last).TotalSeconds);
            last = p.Elapsed;
            var now = CpuTime();
            cpu.Add(now - lastCpu);
            lastCpu = now;
        }),
    };
    var fitClock = Stopwatch.StartNew();
    using (ml.DeepML().BinaryClassification.NeuralNetwork(options).Fit(features)) { }
    fitSeconds.Add(fitClock.Elapsed.TotalSeconds - times.Sum());
    deepEpochs.AddRange(times.Skip(1));
    deepCpu.AddRange(cpu.Skip(1));
    var handRun = HandWrittenLoop(x, y, rows, width, hidden, batchSize, epochs);
    handEpochs.AddRange(handRun.Wall.Skip(1));
    handCpu.AddRange(handRun.Cpu.Skip(1));
}

static double Median(List<double> v) { var s = v.Order().ToArray(); return s[s.Length / 2]; }
var deep = Median(deepEpochs);
var hand = Median(handEpochs);
Console.WriteLine($"DeepML epochs (s):       {string.Join(", ", deepEpochs.Select(e => e.ToString("F3")))}");
Console.WriteLine($"hand-written epochs (s): {string.Join(", ", handEpochs.Select(e => e.ToString("F3")))}");
Console.WriteLine($"deepml_epoch_seconds: {deep:F3}");
Console.WriteLine($"torchsharp_epoch_seconds: {hand:F3}");
Console.WriteLine($"epoch_ratio_deepml_over_torchsharp: {deep / hand:F3}");
Console.WriteLine($"epoch_cpu_ratio_deepml_over_torchsharp: {Median(deepCpu) / Median(handCpu):F3}  (process CPU seconds per epoch: {Median(deepCpu):F3} vs {Median(handCpu):F3}; less sensitive to other load)");
Console.WriteLine($"deepml_fit_overhead_seconds: {Median(fitSeconds):F2}  (reading the IDataView, building the network, ONNX export and session; once per Fit)");

static double CpuTime() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

static (List<double> Wall, List<double> Cpu) HandWrittenLoop(float[] xData, float[] yData, int rows, int width, int[] hidden, int batchSize, int epochs)
{
    manual_seed(3);
    var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
    var size = width;
    for (var i = 0; i < hidden.Length; i++)
    {
        layers.Add(($"l{i}", nn.Linear(size, hidden[i])));
        layers.Add(($"a{i}", nn.ReLU()));
        size = hidden[i];
    }
    layers.Add(("out", nn.Linear(size, 1)));
    using var model = nn.Sequential(layers);
    using var optimizer = optim.Adam(model.parameters(), 1e-3);
    using var X = tensor(xData, [rows, width]);
    using var Y = tensor(yData, [rows]);
    var times = new List<double>();
    var cpu = new List<double>();
    for (var epoch = 0; epoch < epochs; epoch++)
    {
        var clock = Stopwatch.StartNew();
        var cpuStart = CpuTime();
        model.train();
        using var perm = randperm(rows);
        for (var start = 0; start < rows; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var index = perm.narrow(0, start, Math.Min(batchSize, rows - start));
            var xb = X.index_select(0, index);
            var yb = Y.index_select(0, index);
            optimizer.zero_grad();
            var loss = nn.functional.binary_cross_entropy_with_logits(model.call(xb).squeeze(1), yb);
            loss.backward();
            optimizer.step();
        }
        times.Add(clock.Elapsed.TotalSeconds);
        cpu.Add(CpuTime() - cpuStart);
    }
    return (times, cpu);
}

static (float[] X, float[] Y, int Rows, int Width) Materialize(IDataView data)
{
    var width = ((VectorDataViewType)data.Schema["Features"].Type).Size;
    var x = new List<float>();
    var y = new List<float>();
    using var cursor = data.GetRowCursor(data.Schema.Where(c => c.Name is "Features" or "Label"));
    var getX = cursor.GetGetter<VBuffer<float>>(data.Schema["Features"]);
    var getY = cursor.GetGetter<bool>(data.Schema["Label"]);
    VBuffer<float> row = default;
    var label = false;
    while (cursor.MoveNext())
    {
        getX(ref row);
        getY(ref label);
        x.AddRange(row.DenseValues());
        y.Add(label ? 1 : 0);
    }
    return (x.ToArray(), y.ToArray(), y.Count, width);
}

sealed class Inline(Action<TrainingProgress> report) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value) => report(value);
}
