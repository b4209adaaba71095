using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using Xunit;

namespace DeepML.Core.Tests.Runtime;

/// <summary>
/// One run of tests/Core/OrtProbe in a child process. The native ONNX Runtime is chosen once per process,
/// so each case starts the probe the way a user's application is started: with DEEPML_ONNXRUNTIME_DIR set
/// to a folder, or unset (the probe references no native package, so then it has none).
/// </summary>
internal sealed record OrtProbeProcess(int ExitCode, string Output, float[]? Outputs)
{
    public string[] Lines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public string[] Log => Lines.Where(l => l.StartsWith("log: ", StringComparison.Ordinal)).Select(l => l[5..]).ToArray();

    /// <summary>The probe's single "error: TYPE: MESSAGE" line.</summary>
    public string Error => Assert.Single(Lines, l => l.StartsWith("error: ", StringComparison.Ordinal));

    private static string Metadata(string key) => typeof(OrtProbeProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .First(a => a.Key == key).Value!;

    /// <summary>The linux-x64 native folder of a restored ONNX Runtime package, or null when it is not in the NuGet cache.</summary>
    public static string? PackageNativeFolder(string packageId)
    {
        var version = typeof(Microsoft.ML.OnnxRuntime.OrtEnv).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+', '-')[0];
        var folder = Path.Combine(Metadata("NuGetPackageRoot"), packageId.ToLowerInvariant(), version, "runtimes", "linux-x64", "native");
        return File.Exists(Path.Combine(folder, "libonnxruntime.so")) ? folder : null;
    }

    /// <summary>Runs <c>OrtProbe init</c>: only <see cref="OnnxRuntimeNative.Initialize"/>.</summary>
    public static OrtProbeProcess Init(string? onnxRuntimeFolder) => Start(onnxRuntimeFolder, ["init"], null);

    /// <summary>Scores <paramref name="inputs"/> (rows of <paramref name="width"/> floats) with <paramref name="model"/> in the probe.</summary>
    public static OrtProbeProcess Score(NetworkModel model, int width, string? onnxRuntimeFolder, string device, bool fallback, float[] inputs, string engine = "deepml")
    {
        var work = Directory.CreateTempSubdirectory("deepml-ortprobe-");
        try
        {
            var path = Path.Combine(work.FullName, "model.onnx");
            var input = Path.Combine(work.FullName, "inputs.f32");
            var output = Path.Combine(work.FullName, "outputs.f32");
            OnnxExporter.ExportToFile(model, path);
            File.WriteAllBytes(input, MemoryMarshal.AsBytes(inputs.AsSpan()).ToArray());
            return Start(onnxRuntimeFolder, [path, input, (inputs.Length / width).ToString(), device, fallback ? "true" : "false", output, engine], output);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static OrtProbeProcess Start(string? onnxRuntimeFolder, string[] args, string? outputFile)
    {
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("exec");
        psi.ArgumentList.Add(Metadata("OrtProbePath"));
        foreach (var arg in args)
            psi.ArgumentList.Add(arg);
        if (onnxRuntimeFolder is null)
            psi.Environment.Remove(OnnxRuntimeNative.DirectoryVariable);
        else
            psi.Environment[OnnxRuntimeNative.DirectoryVariable] = onnxRuntimeFolder;
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(120_000), "OrtProbe did not finish within 120 s");
        var outputs = outputFile is not null && File.Exists(outputFile) ? MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(outputFile)).ToArray() : null;
        return new OrtProbeProcess(process.ExitCode, stdout + stderr.Result, outputs);
    }
}
