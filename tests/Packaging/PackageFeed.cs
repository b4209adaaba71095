using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;

namespace DeepML.Packaging.Tests;

/// <summary>
/// Packs the DeepML libraries once per test run into a local folder feed, at a version no earlier
/// run used (<c>0.1.0-test.&lt;ticks&gt;</c>), so that a package cached by an earlier run cannot stand in
/// for a broken one. Removes the feed and the restored copies of that version afterwards.
/// </summary>
public sealed class PackageFeed : IDisposable
{
    /// <summary>The libraries that ship as packages.</summary>
    public static readonly string[] PackageIds = ["DeepML.Core", "DeepML.Estimators", "DeepML.Fairness", "DeepML.Serving", "DeepML.Transforms", "DeepML.Tuning"];

    private static readonly Dictionary<string, string> ProjectFolders = new()
    {
        ["DeepML.Core"] = "src/Core", ["DeepML.Estimators"] = "src/Estimators", ["DeepML.Fairness"] = "src/Fairness",
        ["DeepML.Serving"] = "src/Serving", ["DeepML.Transforms"] = "src/Transforms", ["DeepML.Tuning"] = "src/Tuning",
    };

    public PackageFeed()
    {
        Version = $"0.1.0-test.{DateTime.UtcNow.Ticks}";
        Folder = Directory.CreateTempSubdirectory("deepml-feed-").FullName;
        var scratch = Directory.CreateTempSubdirectory("deepml-nuspec-").FullName;
        var watch = Stopwatch.StartNew();
        try
        {
            // From the build output the test run already has (the test project references the libraries):
            // packing must not rebuild them with another version under the other test projects' feet.
            foreach (var id in PackageIds)
                Dotnet.Run(Repository.Root, TimeSpan.FromMinutes(3), "pack", ProjectFolders[id], "-c", Repository.Configuration,
                    "--no-build", "-o", Folder, $"-p:Version={Version}", $"-p:NuspecOutputPath={scratch}/", "-nodeReuse:false");
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
        PackSeconds = watch.Elapsed.TotalSeconds;
    }

    /// <summary>The package version of this run.</summary>
    public string Version { get; }

    /// <summary>The local folder feed.</summary>
    public string Folder { get; }

    /// <summary>How long packing took.</summary>
    public double PackSeconds { get; }

    /// <summary>The path of the package <paramref name="id"/> in the feed.</summary>
    public string PackagePath(string id) => Path.Combine(Folder, $"{id}.{Version}.nupkg");

    /// <summary>The nuspec inside the package <paramref name="id"/>.</summary>
    public XElement Nuspec(string id)
    {
        using var zip = ZipFile.OpenRead(PackagePath(id));
        using var stream = zip.GetEntry($"{id}.nuspec")!.Open();
        return XDocument.Load(stream).Root!;
    }

    /// <summary>The names of the files inside the package <paramref name="id"/>.</summary>
    public IReadOnlyList<string> Files(string id)
    {
        using var zip = ZipFile.OpenRead(PackagePath(id));
        return zip.Entries.Select(e => e.FullName).ToList();
    }

    /// <summary>The text of one file inside the package <paramref name="id"/>.</summary>
    public string ReadText(string id, string entry)
    {
        using var zip = ZipFile.OpenRead(PackagePath(id));
        using var reader = new StreamReader(zip.GetEntry(entry)!.Open());
        return reader.ReadToEnd();
    }

    public void Dispose()
    {
        Directory.Delete(Folder, recursive: true);
        // The app's restore copied this run's packages into the global packages folder; they are never used again.
        foreach (var id in PackageIds)
        {
            var restored = Path.Combine(Repository.NuGetPackageRoot, id.ToLowerInvariant(), Version);
            if (Directory.Exists(restored))
                Directory.Delete(restored, recursive: true);
            var idFolder = Path.GetDirectoryName(restored)!;
            if (Directory.Exists(idFolder) && !Directory.EnumerateFileSystemEntries(idFolder).Any())
                Directory.Delete(idFolder);
        }
    }
}
