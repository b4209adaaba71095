using System.Diagnostics;
using Xunit;

namespace DeepML.Estimators.Tests.Runtime;

/// <summary>
/// Kill and resume as after a crash: a child process trains with a checkpoint and is killed after
/// epoch 3; a fresh child whose first torch use is <c>Fit</c> with <c>ResumeFromCheckpoint</c>
/// finishes the run; a third child runs uninterrupted. The resumed run must end bit-identical.
/// </summary>
public sealed class FreshProcessResumeTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("deepml-fresh-resume-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static Process Start(params string[] args)
    {
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("exec");
        psi.ArgumentList.Add(NativeTestPaths.ProbePath);
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        // As a user's app: libtorch from the test output (the probe has none of its own), the default patch cache.
        psi.Environment["DEEPML_LIBTORCH_DIR"] = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");
        // The probe carries no native ONNX Runtime (another test needs its absence); a finished Fit scores in ONNX
        // Runtime, so the checkpoint runs load this test output's CPU libonnxruntime.so, as an app may choose to.
        psi.Environment["DEEPML_ONNXRUNTIME_DIR"] = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");
        psi.Environment.Remove("TORCH_LIB");
        return Process.Start(psi)!;
    }

    private static Dictionary<string, string> Finish(Process process, string what)
    {
        var stderr = process.StandardError.ReadToEndAsync();
        var lines = process.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(process.WaitForExit(120_000), $"{what} did not finish within 120 s");
        var result = lines.Where(l => l.Contains('=')).Select(l => l.Split('=', 2)).GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.Last()[1]);
        Assert.True(process.ExitCode == 0, $"{what} failed (exit {process.ExitCode}): {string.Join(" | ", lines)} {stderr.Result}");
        return result;
    }

    [Fact]
    public async Task AFreshProcessWhoseFirstTorchUseIsAResumeEndsBitIdenticalToAnUninterruptedRun()
    {
        var checkpoint = Path.Combine(_folder, "run.ckpt");
        using (var interrupted = Start("checkpoint", "interrupt", checkpoint, "3"))
        {
            var stderr = interrupted.StandardError.ReadToEndAsync();
            var reached = Task.Run(() =>
            {
                string? line;
                while ((line = interrupted.StandardOutput.ReadLine()) is not null)
                {
                    if (line == "epoch=3")
                        return true;
                }
                return false;
            });
            Assert.True(await reached.WaitAsync(TimeSpan.FromSeconds(120)), "the interrupted run ended before reporting epoch 3");
            interrupted.Kill(); // a crash: no cleanup, no further epoch
            Assert.True(interrupted.WaitForExit(30_000), "the interrupted run did not die");
            _ = stderr;
        }
        Assert.True(File.Exists(checkpoint));

        using var resume = Start("checkpoint", "resume", checkpoint);
        var resumed = Finish(resume, "the resumed run");
        using var full = Start("checkpoint", "full", checkpoint);
        var uninterrupted = Finish(full, "the uninterrupted run");

        Assert.Equal("6", resumed["epochs"]);
        Assert.Equal(uninterrupted["weights"], resumed["weights"]); // bit for bit, every weight
        Assert.Equal(uninterrupted["scores"], resumed["scores"]);   // and every prediction
        Assert.Equal(300 * 8, resumed["scores"].Length);            // 300 rows, 8 hex digits each
    }
}
