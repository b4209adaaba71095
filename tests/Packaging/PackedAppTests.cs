using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace DeepML.Packaging.Tests;

/// <summary>
/// A new user's app: a console project outside the repository that references the DeepML packages
/// from the local feed by <c>PackageReference</c> only, plus the native packages that the README's
/// "Packages" table names for a CPU app, and whose Program.cs is the README's quick start.
/// </summary>
[Collection(PackageFeedCollection.Name)]
public sealed partial class PackedAppTests(PackageFeed feed, ITestOutputHelper output) : IDisposable
{
    // Measured: AUC 0.821 and accuracy 0.789 on the 299 held-out rows (seed 1); logistic regression
    // reaches about 0.79 AUC on German Credit, and predicting "good" for everyone gives accuracy 0.70.
    private const double AucFloor = 0.76;
    private const double AccuracyFloor = 0.73;

    private readonly string _app = Directory.CreateTempSubdirectory("deepml-app-").FullName;

    [Fact]
    public void Readme_quick_start_builds_from_the_packages_and_runs()
    {
        var references = ReadmeCpuPackages();
        Assert.Contains("DeepML.Estimators", references);
        WriteApp(references);

        var watch = Stopwatch.StartNew();
        var build = Dotnet.Run(_app, TimeSpan.FromMinutes(5), "build", "-c", "Release", "-nodeReuse:false", "-p:UseSharedCompilation=false");
        var buildSeconds = watch.Elapsed.TotalSeconds;
        watch.Restart();
        var data = Path.Combine(Repository.Root, "data", "german-credit", "german.data.gz");
        var run = Dotnet.Run(_app, TimeSpan.FromMinutes(3), Path.Combine("bin", "Release", "net10.0", "QuickStart.dll"), data);
        var runSeconds = watch.Elapsed.TotalSeconds;
        output.WriteLine($"pack {feed.PackSeconds:F1} s, restore + build {buildSeconds:F1} s, run {runSeconds:F1} s\n{run}");

        // The app got DeepML from the packages of this run, and nothing from the repository.
        var deps = File.ReadAllText(Path.Combine(_app, "bin", "Release", "net10.0", "QuickStart.deps.json"));
        // DeepML.Serving is an ASP.NET Core library (src/Serving): the console quick start does not take it.
        foreach (var id in PackageFeed.PackageIds.Where(id => id != "DeepML.Serving"))
            Assert.Contains($"\"{id}/{feed.Version}\"", deps);
        // A user's app builds clean. NU1603 (the source serves a newer patch of a transitive package than
        // ML.NET asks for) is the one expected warning, as in Directory.Build.props.
        Assert.Empty(BuildWarning().Matches(build).Select(m => m.Value).Where(w => !w.Contains("NU1603", StringComparison.Ordinal)).Distinct());

        var figures = Figures(run);
        Assert.True(figures["auc"] >= AucFloor, $"AUC {figures["auc"]:F4} is below the floor {AucFloor}:\n{run}");
        Assert.True(figures["accuracy"] >= AccuracyFloor, $"accuracy {figures["accuracy"]:F4} is below the floor {AccuracyFloor}:\n{run}");
        Assert.Equal(300, figures["test_rows"], 30.0);   // TrainTestSplit(testFraction: 0.3) of 1,000 rows
        Assert.Equal(0, figures["loaded_probability_mismatches"]);
        Assert.Equal(0, figures["prediction_engine_probability_diff"]);
        Assert.InRange(figures["demographic_parity_difference"], 0.0, 1.0);
    }

    /// <summary>The backticked package names in the CPU row of the README's "Packages" table.</summary>
    private static List<string> ReadmeCpuPackages()
    {
        var readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md"));
        var section = readme.IndexOf("\n## Packages", StringComparison.Ordinal);
        Assert.True(section >= 0, "README.md has no '## Packages' section.");
        var row = readme[section..].Split('\n').FirstOrDefault(l => l.StartsWith("| CPU", StringComparison.Ordinal));
        Assert.True(row is not null, "README.md's Packages table has no '| CPU' row.");
        return PackageName().Matches(row).Select(m => m.Groups[1].Value).Distinct().ToList();
    }

    private void WriteApp(IEnumerable<string> packages)
    {
        var references = string.Join("\n", packages.Select(id =>
            $"    <PackageReference Include=\"{id}\" Version=\"{(id.StartsWith("DeepML.", StringComparison.Ordinal) ? feed.Version : Repository.PinnedVersion(id))}\" />"));
        File.WriteAllText(Path.Combine(_app, "QuickStart.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
            {references}
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(_app, "Program.cs"), Repository.ReadmeQuickStart());
        // The machine's configured sources still serve ML.NET, TorchSharp and ONNX Runtime: no <clear/>.
        File.WriteAllText(Path.Combine(_app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="deepml-test-feed" value="{feed.Folder}" />
              </packageSources>
            </configuration>
            """);
        // Nothing from a folder above (a user's machine, the temp folder) may leak into the app's build.
        foreach (var file in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
            File.WriteAllText(Path.Combine(_app, file), "<Project />\n");
    }

    private static Dictionary<string, double> Figures(string run)
    {
        var figures = new Dictionary<string, double>();
        foreach (Match m in Figure().Matches(run))
            figures[m.Groups[1].Value] = double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        foreach (var name in new[] { "auc", "accuracy", "test_rows", "loaded_probability_mismatches", "prediction_engine_probability_diff", "demographic_parity_difference" })
            Assert.True(figures.ContainsKey(name), $"The quick start printed no '{name}: <number>' line:\n{run}");
        return figures;
    }

    [GeneratedRegex(@"warning [A-Z]+[0-9]+[^\n]*")]
    private static partial Regex BuildWarning();

    [GeneratedRegex(@"`([A-Za-z][A-Za-z0-9.\-]*)`")]
    private static partial Regex PackageName();

    [GeneratedRegex(@"^([a-z_]+): (-?[0-9.]+(?:E[-+]?[0-9]+)?)\s*$", RegexOptions.Multiline)]
    private static partial Regex Figure();

    public void Dispose() => Directory.Delete(_app, recursive: true);
}
