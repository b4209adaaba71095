using System.Diagnostics;
using System.Globalization;
using System.Reflection;

namespace DeepML.Examples.Tests;

/// <summary>Runs a built example as a child process and reads the <c>name: value</c> lines it ends with.</summary>
internal static class ExampleRunner
{
    public static (IReadOnlyDictionary<string, double> Figures, string Output) Run(string example, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        var metadata = typeof(ExampleRunner).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().ToDictionary(a => a.Key, a => a.Value!);
        var dll = Path.GetFullPath(Path.Combine(metadata["ExamplesRoot"], example, "bin", metadata["Configuration"], "net10.0", example + ".dll"));
        Assert.True(File.Exists(dll), $"Example {example} is not built at {dll}.");
        var start = new ProcessStartInfo("dotnet", [dll]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"Example {example} did not finish within {timeout.TotalSeconds:F0} s.");
        }
        var output = stdout.Result + stderr.Result;
        Assert.True(process.ExitCode == 0, $"Example {example} exited with {process.ExitCode}:\n{output}");
        var figures = new Dictionary<string, double>();
        foreach (var line in stdout.Result.Split('\n'))
        {
            var colon = line.IndexOf(": ", StringComparison.Ordinal);
            if (colon > 0 && line[..colon].All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_')
                && double.TryParse(line[(colon + 2)..].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                figures[line[..colon]] = value;
        }
        return (figures, output);
    }
}
