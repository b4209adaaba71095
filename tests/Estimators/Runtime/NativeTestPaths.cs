using System.IO.Compression;
using System.Reflection;
using System.Security.Cryptography;

namespace DeepML.Estimators.Tests.Runtime;

/// <summary>Paths baked in at build time: the NuGet package root and the NativeProbe child program.</summary>
internal static class NativeTestPaths
{
    private static string? Metadata(string key) =>
        typeof(NativeTestPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value;

    public static string NuGetPackageRoot
    {
        get
        {
            var root = Metadata("NuGetPackageRoot");
            if (string.IsNullOrEmpty(root))
                root = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            return root;
        }
    }

    public static string TorchSharpPackage => Path.Combine(NuGetPackageRoot, "torchsharp", "0.107.0");

    /// <summary>The NuGet cache's libLibTorchSharp.so: read only, never written.</summary>
    public static string NuGetLibTorchSharp => Path.Combine(TorchSharpPackage, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    public static string ProbePath => Metadata("NativeProbePath") ?? throw new InvalidOperationException("NativeProbePath metadata missing");

    public static string Sha256(string path)
    {
        using var s = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(s));
    }

    /// <summary>SHA-256 of libLibTorchSharp.so as packed in the .nupkg: the independent reference for "unchanged".</summary>
    public static string Sha256InNupkg()
    {
        using var zip = ZipFile.OpenRead(Path.Combine(TorchSharpPackage, "torchsharp.0.107.0.nupkg"));
        var entry = zip.GetEntry("runtimes/linux-x64/native/libLibTorchSharp.so")
            ?? throw new InvalidOperationException("libLibTorchSharp.so not in the nupkg");
        using var s = entry.Open();
        return Convert.ToHexStringLower(SHA256.HashData(s));
    }

    /// <summary>Whether the libstdc++ in this process lacks a version that TorchSharp's library needs (Debian 12 and similar).</summary>
    public static IReadOnlyList<string> HostMissingVersions()
    {
        var needs = ElfVersionPatcher.Load(NuGetLibTorchSharp).GetVersionNeeds().Where(n => n.File == "libstdc++.so.6");
        var provider = NativeLibraryLocator.FindLoadedLibrary("libstdc++.so.6")!;
        var defined = ElfVersionPatcher.Load(provider).GetVersionDefinitions();
        return needs.Where(n => !defined.Contains(n.Name)).Select(n => n.Name).ToList();
    }
}
