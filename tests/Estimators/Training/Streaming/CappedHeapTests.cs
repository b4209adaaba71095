using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Xunit;

namespace DeepML.Estimators.Tests.Training.Streaming;

/// <summary>
/// Data larger than memory, for real: a child process (tests/Estimators/StreamingProbe) whose GC heap is capped at 96 MB
/// (<c>DOTNET_GCHeapHardLimit</c>) trains on 2,000,000 generated rows × 32 features (256 MB of Single, with no backing
/// array). With Streaming = Auto it must choose to stream by itself and reach the true model's AUC; with Never it must
/// fail before training with the in-memory path's message. TorchSharp's and ONNX Runtime's native memory is outside the GC heap.
/// </summary>
public sealed class CappedHeapTests
{
    private const string HeapLimit = "0x6000000"; // 96 MB
    private const int Rows = 2_000_000;

    private static string ProbePath => typeof(CappedHeapTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "StreamingProbePath").Value!;

    private static (int ExitCode, Dictionary<string, string> Lines, string Output) Run(string mode)
    {
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "exec", ProbePath, mode, Rows.ToString(CultureInfo.InvariantCulture), "1" })
            psi.ArgumentList.Add(a);
        var native = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");
        psi.Environment["DEEPML_LIBTORCH_DIR"] = native;       // the probe carries no native libraries of its own
        psi.Environment["DEEPML_ONNXRUNTIME_DIR"] = native;
        psi.Environment.Remove("TORCH_LIB");
        psi.Environment["DOTNET_GCHeapHardLimit"] = HeapLimit;
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(300_000), "the probe did not finish within 300 s");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.Contains(": ", StringComparison.Ordinal))
            .Select(l => l.Split(": ", 2)).GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.Last()[1].Trim());
        return (process.ExitCode, lines, output + stderr.Result);
    }

    [Theory]
    [InlineData("Auto")]             // the view reports its 2,000,000 rows: Auto streams before reading any
    [InlineData("AutoUnknownCount")] // it does not: Auto starts reading into memory and streams once the rows outgrow a third of the heap
    public void AutoStreamsDataSeveralTimesTheHeapLimitAndReachesTheTrueModelsAuc(string mode)
    {
        var (exit, lines, output) = Run(mode);

        Assert.True(exit == 0, $"the probe failed (exit {exit}): {output}");
        var limit = long.Parse(lines["gc heap limit"], CultureInfo.InvariantCulture);
        Assert.Equal(Convert.ToInt64(HeapLimit, 16), limit);                                        // the cap was in force
        Assert.True(long.Parse(lines["data bytes"], CultureInfo.InvariantCulture) > 2.5 * limit);    // 256 MB of features under a 96 MB heap
        Assert.Equal("true", lines["streamed"]);                                                      // chosen by Auto, not asked for
        Assert.True(long.Parse(lines["peak gc heap"], CultureInfo.InvariantCulture) < limit);
        var learned = double.Parse(lines["test auc"], CultureInfo.InvariantCulture);
        var truth = double.Parse(lines["true auc"], CultureInfo.InvariantCulture);
        Assert.InRange(truth, 0.85, 0.90);                 // the generator's logistic model on 20,000 fresh rows
        Assert.InRange(learned, truth - 0.01, truth + 0.002); // one streamed epoch gets within 0.01 of it
    }

    [Fact]
    public void NeverFailsWithTheInMemoryPathsMessage()
    {
        var (exit, lines, output) = Run("Never");

        Assert.True(exit == 3, $"the probe should have failed in Fit (exit 3), got {exit}: {output}");
        Assert.Equal("InsufficientMemoryException", lines["error type"]);
        Assert.Equal("BinaryNeuralNetworkTrainer: the training data needs about 0.3 GB in memory (2,000,000 rows × 32 features as Single), but the process has 0.1 GB available. " +
            "DeepML reads the training rows into memory before training. Train on a sample (ml.Data.TakeRows or ml.Data.BootstrapSample), reduce the features, or run with more memory.",
            lines["error"]);
    }
}
