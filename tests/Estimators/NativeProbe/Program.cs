using DeepML;
using TorchSharp;

// Prints one "key=value" line per fact so the parent test can parse it; exit code 2 on a loader error.
try
{
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
