using System.Reflection;

namespace DeepML.Cli.Tests;

/// <summary>Paths in the repository and a scratch folder per test.</summary>
internal static class Repository
{
    public static string Root { get; } = Path.GetFullPath(typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!);

    public static string Data(params string[] parts) => Path.Combine([Root, "data", .. parts]);

    public static string Scratch(string name) => Directory.CreateTempSubdirectory($"deepml-cli-{name}-").FullName;

    /// <summary>Writes <paramref name="lines"/> as a CSV file in a new scratch folder.</summary>
    public static string Csv(string name, params string[] lines)
    {
        var path = Path.Combine(Scratch(name), name + ".csv");
        File.WriteAllLines(path, lines);
        return path;
    }
}
