using System.Diagnostics;

namespace DeepML.Packaging.Tests;

/// <summary>Runs the dotnet CLI as a child process, without the test host's MSBuild environment.</summary>
internal static class Dotnet
{
    /// <summary>Runs <c>dotnet</c> with <paramref name="arguments"/> in <paramref name="directory"/>; fails the test on a non-zero exit or a timeout.</summary>
    public static string Run(string directory, TimeSpan timeout, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet", arguments)
        {
            WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        // `dotnet test` hands its child processes MSBuild variables (SDK paths, node settings) that
        // would make a nested build resolve against the test run's MSBuild; the app must build like a user's.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)
                     || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(name);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";   // no build node outlives the command and holds its output open
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"`dotnet {string.Join(' ', arguments)}` in {directory} did not finish within {timeout.TotalSeconds:F0} s.");
        }
        process.WaitForExit();
        var output = stdout.Result + stderr.Result;
        Assert.True(process.ExitCode == 0, $"`dotnet {string.Join(' ', arguments)}` in {directory} exited with {process.ExitCode}:\n{output}");
        return output;
    }
}
