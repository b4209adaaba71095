using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace DeepML.Packaging.Tests;

/// <summary>Where the repository is, how it was built, and what its central files say.</summary>
internal static partial class Repository
{
    private static readonly Dictionary<string, string> Metadata = typeof(Repository).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().ToDictionary(a => a.Key, a => a.Value ?? "");

    /// <summary>The repository root (where DeepML.sln is).</summary>
    public static string Root { get; } = Path.GetFullPath(Metadata["RepositoryRoot"]);

    /// <summary>The configuration the libraries were built in (the packages are packed from that output).</summary>
    public static string Configuration => Metadata["Configuration"];

    /// <summary>The NuGet global packages folder that restores here use.</summary>
    public static string NuGetPackageRoot => Metadata["NuGetPackageRoot"];

    /// <summary>The version pinned for <paramref name="package"/> in Directory.Packages.props.</summary>
    public static string PinnedVersion(string package)
    {
        var file = Path.Combine(Root, "Directory.Packages.props");
        var version = XDocument.Load(file).Descendants("PackageVersion")
            .FirstOrDefault(e => string.Equals((string?)e.Attribute("Include"), package, StringComparison.OrdinalIgnoreCase))
            ?.Attribute("Version")?.Value;
        return version ?? throw new InvalidOperationException($"{file} pins no version of {package}; the packaging test takes the versions from there.");
    }

    /// <summary>The first C# block under the README's "## Quick start" heading: the quick start program.</summary>
    public static string ReadmeQuickStart()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        var section = readme.IndexOf("\n## Quick start", StringComparison.Ordinal);
        Assert.True(section >= 0, "README.md has no '## Quick start' section.");
        var match = CSharpBlock().Match(readme, section);
        Assert.True(match.Success, "README.md's Quick start section has no ```csharp block.");
        return match.Groups["code"].Value;
    }

    [GeneratedRegex(@"```csharp\n(?<code>.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}
