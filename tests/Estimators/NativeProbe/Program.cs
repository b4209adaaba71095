using DeepML;
using DeepML.NativeProbe;
using TorchSharp;

// Prints one "key=value" line per fact so the parent test can parse it; exit code 2 on a loader error.
// With arguments "checkpoint <full|interrupt|resume> <path> [epoch]" it trains instead (CheckpointRun): there
// the first torch use of the process is the trainer's Fit, as in a user's app resuming after a crash.
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
    return 0;
}
catch (Exception ex)
{
    Console.WriteLine($"error={ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")}");
    return 2;
}
