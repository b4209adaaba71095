using System.Diagnostics;
using Xunit;

namespace DeepML.Estimators.Tests.Runtime;

/// <summary>Runs tests/Estimators/NativeProbe in child processes: fresh processes see the cache as users do.</summary>
public class NativeProbeTests
{
    private static Dictionary<string, string> RunProbe(string? cache, string libtorchDir, out int exitCode, IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("exec");
        psi.ArgumentList.Add(NativeTestPaths.ProbePath);
        if (cache is null)
            psi.Environment.Remove("DEEPML_NATIVE_CACHE");
        else
            psi.Environment["DEEPML_NATIVE_CACHE"] = cache;
        psi.Environment["DEEPML_LIBTORCH_DIR"] = libtorchDir;
        psi.Environment.Remove("TORCH_LIB");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            psi.Environment[name] = value;
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var lines = process.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(process.WaitForExit(60_000), "NativeProbe did not finish within 60 s");
        exitCode = process.ExitCode;
        var result = lines.Where(l => l.Contains('=') && !l.StartsWith("log=", StringComparison.Ordinal))
            .Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        result["stderr"] = stderr.Result;
        result["log"] = string.Join("\n", lines.Where(l => l.StartsWith("log=", StringComparison.Ordinal)));
        return result;
    }

    [Fact]
    public void AnUnwritableDefaultCacheFallsBackToTheTemporaryFolderAndSaysSo()
    {
        if (NativeTestPaths.HostMissingVersions().Count == 0)
            return; // nothing is patched on this host, so no cache is written (SecondProcess... covers that path)
        var temp = Directory.CreateTempSubdirectory("deepml-tmp-").FullName;
        var libtorch = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");
        try
        {
            // Nothing can be created under /proc, even by root: the default cache cannot be written.
            var result = RunProbe(null, libtorch, out var rc, new Dictionary<string, string> { ["XDG_CACHE_HOME"] = "/proc/deepml-no-such-cache", ["TMPDIR"] = temp });
            Assert.True(rc == 0, $"probe failed: {string.Join("; ", result)}");
            Assert.Equal("7,10,15,22", result["matmul"]);
            Assert.Equal("Created", result["status"]);
            Assert.StartsWith(Path.Combine(temp, "deepml-native-"), result["cache"]);
            Assert.Contains("/proc/deepml-no-such-cache", result["log"]);
            Assert.Contains("DEEPML_NATIVE_CACHE", result["log"]);
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    [Fact]
    public void SecondProcessReusesThePatchedCopyWithoutWriting()
    {
        var cache = Directory.CreateTempSubdirectory("deepml-native-cache-").FullName;
        var libtorch = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native"); // libtorch-cpu-linux-x64 in the test output
        try
        {
            bool patchNeeded = NativeTestPaths.HostMissingVersions().Count > 0;

            var first = RunProbe(cache, libtorch, out int rc1);
            Assert.True(rc1 == 0, $"first probe failed: {string.Join("; ", first)}");
            Assert.Equal("7,10,15,22", first["matmul"]);
            Assert.Equal("DEEPML_LIBTORCH_DIR", first["source"]);
            Assert.Equal(libtorch.TrimEnd('/'), first["folder"].TrimEnd('/'));
            if (!patchNeeded)
            {
                Assert.Equal("NotNeeded", first["status"]);
                Assert.Empty(Directory.EnumerateFileSystemEntries(cache));
                return;
            }
            Assert.Equal("Created", first["status"]);
            var cached = first["cache"];
            Assert.StartsWith(cache, cached);
            Assert.Equal(first["path"], cached);
            var mtime = File.GetLastWriteTimeUtc(cached);
            var hash = NativeTestPaths.Sha256(cached);

            var second = RunProbe(cache, libtorch, out int rc2);
            Assert.True(rc2 == 0, $"second probe failed: {string.Join("; ", second)}");
            Assert.Equal("Reused", second["status"]);
            Assert.Equal(cached, second["cache"]);
            Assert.Equal("7,10,15,22", second["matmul"]);
            Assert.Contains("reused patched copy", second["log"]);
            Assert.Equal(mtime, File.GetLastWriteTimeUtc(cached));
            Assert.Equal(hash, NativeTestPaths.Sha256(cached));
            Assert.Single(Directory.EnumerateFiles(Path.GetDirectoryName(cached)!)); // no temp files left behind
            Assert.Equal(NativeTestPaths.Sha256InNupkg(), NativeTestPaths.Sha256(NativeTestPaths.NuGetLibTorchSharp));
        }
        finally
        {
            Directory.Delete(cache, recursive: true);
        }
    }

    [Fact]
    public void WithoutANativeOnnxRuntimePackage_FitFailsBeforeTheFirstEpoch_NamingThePackage()
    {
        // The probe references no native ONNX Runtime package, like an application that forgot one.
        var libtorch = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");
        var result = RunProbe(Path.Combine(Path.GetTempPath(), "deepml-native-probe-ort"), libtorch, out var rc,
            new Dictionary<string, string> { ["DEEPML_PROBE_FIT"] = "1", ["DEEPML_ONNXRUNTIME_DIR"] = "" });
        Assert.Equal(2, rc);
        Assert.Equal("7,10,15,22", result["matmul"]);
        Assert.StartsWith("DllNotFoundException: DeepML: the native ONNX Runtime (libonnxruntime.so) could not be loaded (Unable to load shared library 'onnxruntime' or one of its dependencies). ", result["error"]);
        Assert.Contains("Fix: add <PackageReference Include=\"Microsoft.ML.OnnxRuntime\" Version=\"1.32.0\" /> to the application project to score on the CPU, or Microsoft.ML.OnnxRuntime.Gpu.Linux", result["error"]);
        Assert.Equal("0", result["epochs"]);
        Assert.False(result.ContainsKey("fit"));
    }

    [Fact]
    public void ChildProcessWithEmptyLibTorchFolderGetsAnActionableError()
    {
        var cache = Directory.CreateTempSubdirectory("deepml-native-cache-").FullName;
        var empty = Directory.CreateTempSubdirectory("deepml-nolibtorch-").FullName;
        try
        {
            var result = RunProbe(cache, empty, out int rc);

            Assert.Equal(2, rc);
            Assert.StartsWith("DllNotFoundException:", result["error"]);
            Assert.Contains($"DEEPML_LIBTORCH_DIR is set to '{empty}', but that folder holds no libtorch_cpu.so", result["error"]);
            Assert.Contains("libtorch-cpu-linux-x64 2.10.0", result["error"]);
            Assert.Empty(Directory.EnumerateFileSystemEntries(cache));
        }
        finally
        {
            Directory.Delete(cache, recursive: true);
            Directory.Delete(empty, recursive: true);
        }
    }
}
