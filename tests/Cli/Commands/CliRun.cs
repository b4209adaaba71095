using System.Diagnostics;
using System.Globalization;

namespace DeepML.Cli.Tests.Commands;

/// <summary>Runs the built deepml tool as a child process, as a script would, and reads its <c>name: value</c> lines.</summary>
public sealed record CliRun(int ExitCode, string Output, string Error)
{
    public static CliRun Start(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "deepml.dll");
        Assert.True(File.Exists(dll), $"deepml.dll is not beside the tests at {dll}.");
        var start = new ProcessStartInfo("dotnet", [dll, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"deepml {string.Join(' ', args)} did not finish within 5 minutes.");
        }
        return new CliRun(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>The <c>name: value</c> lines (the last value of a repeated name).</summary>
    public IReadOnlyDictionary<string, string> Values => Output.Split('\n')
        .Select(l => l.TrimEnd('\r'))
        .Where(l => l.IndexOf(": ", StringComparison.Ordinal) > 0 && !l.StartsWith(' '))
        .Select(l => (Name: l[..l.IndexOf(": ", StringComparison.Ordinal)], Value: l[(l.IndexOf(": ", StringComparison.Ordinal) + 2)..]))
        .Where(p => !p.Name.Contains(' '))
        .GroupBy(p => p.Name).ToDictionary(g => g.Key, g => g.Last().Value);

    public double Number(string name) => double.Parse(Values[name], CultureInfo.InvariantCulture);

    public CliRun Succeeded()
    {
        Assert.True(ExitCode == 0, $"exit code {ExitCode}\nstdout:\n{Output}\nstderr:\n{Error}");
        return this;
    }
}
