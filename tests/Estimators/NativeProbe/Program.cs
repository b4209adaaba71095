using DeepML;
using DeepML.NativeProbe;
using Microsoft.ML;
using TorchSharp;

// Prints one "key=value" line per fact so the parent test can parse it; exit code 2 on a loader error.
// With DEEPML_PROBE_FIT=1 it then fits a small network: this project references no native ONNX Runtime
// package, so Fit must fail before its first epoch (epochs=N counts the epochs that ran).
// With arguments "checkpoint <full|interrupt|resume> <path> [epoch]" it trains instead (CheckpointRun): there
// the first torch use of the process is the trainer's Fit, as in a user's app resuming after a crash.
var epochs = 0;
try
{
    if (args is ["checkpoint", var mode, var path, ..])
        return CheckpointRun.Run(mode, path, args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 0);
    var info = TorchRuntime.EnsureLoaded(message => Console.WriteLine($"log={message}"));
    Console.WriteLine($"status={info.PatchStatus}");
    Console.WriteLine($"path={info.LibTorchSharpPath}");
    Console.WriteLine($"cache={info.CachePath}");
    Console.WriteLine($"folder={info.LibTorchFolder}");
    Console.WriteLine($"source={info.LibTorchFolderSource}");
    using var a = torch.tensor(new float[] { 1, 2, 3, 4 }).reshape(2, 2);
    using var product = a.matmul(a);
    Console.WriteLine($"matmul={string.Join(",", product.data<float>().ToArray())}");
    if (Environment.GetEnvironmentVariable("DEEPML_PROBE_FIT") == "1")
    {
        var ml = new MLContext(seed: 1);
        var rows = Enumerable.Range(0, 64).Select(i => new ProbeRow { Features = [i % 8, i / 8f], Label = i % 8 > 3 }).ToList();
        ml.DeepML().BinaryClassification.NeuralNetwork(new NeuralNetworkOptions
        {
            Epochs = 3, BatchSize = 16, NumberOfThreads = 1,
            Progress = new Counting(() => Interlocked.Increment(ref epochs)),
        }).Fit(ml.Data.LoadFromEnumerable(rows));
        Console.WriteLine("fit=done");
    }
    return 0;
}
catch (Exception ex)
{
    Console.WriteLine($"error={ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")}");
    Console.WriteLine($"epochs={Volatile.Read(ref epochs)}");
    return 2;
}

internal sealed class ProbeRow
{
    [Microsoft.ML.Data.VectorType(2)]
    public float[] Features { get; set; } = [];

    public bool Label { get; set; }
}

/// <summary>Counts progress reports synchronously (Progress&lt;T&gt; would post them to the thread pool).</summary>
internal sealed class Counting(Action report) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value) => report();
}
