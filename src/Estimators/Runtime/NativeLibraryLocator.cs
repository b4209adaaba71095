namespace DeepML;

/// <summary>Finds the native libtorch folder, TorchSharp's <c>libLibTorchSharp.so</c> and the loaded libstdc++.</summary>
internal static class NativeLibraryLocator
{
    internal const string LibTorchDirVariable = "DEEPML_LIBTORCH_DIR";
    internal const string TorchLibVariable = "TORCH_LIB";
    internal const string LibTorchSharpFile = "libLibTorchSharp.so";
    internal const string LibTorchCpuFile = "libtorch_cpu.so";
    internal const string CpuPackage = "libtorch-cpu-linux-x64";
    internal const string CpuPackageVersion = "2.10.0";

    /// <summary>The application folders searched when no folder is configured.</summary>
    internal static IReadOnlyList<string> ApplicationFolders()
    {
        var baseDir = AppContext.BaseDirectory;
        var torchDir = Path.GetDirectoryName(typeof(TorchSharp.torch).Assembly.Location);
        var folders = new List<string> { baseDir, Path.Combine(baseDir, "runtimes", "linux-x64", "native") };
        if (!string.IsNullOrEmpty(torchDir))
        {
            folders.Add(torchDir);
            folders.Add(Path.Combine(torchDir, "runtimes", "linux-x64", "native"));
        }
        return folders.Select(Path.GetFullPath).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Picks the libtorch folder: <c>DEEPML_LIBTORCH_DIR</c>, else <c>TORCH_LIB</c>, else the first application
    /// folder holding <c>libtorch_cpu.so</c>. A configured folder without libtorch is an error, never skipped.
    /// </summary>
    /// <exception cref="DllNotFoundException">No native libtorch was found.</exception>
    internal static (string Folder, string Source) ResolveLibTorchFolder(string? deepmlDir, string? torchLib, IReadOnlyList<string> appFolders)
    {
        foreach (var (value, variable) in new[] { (deepmlDir, LibTorchDirVariable), (torchLib, TorchLibVariable) })
        {
            if (string.IsNullOrWhiteSpace(value)) continue;
            var folder = Path.GetFullPath(value);
            if (File.Exists(Path.Combine(folder, LibTorchCpuFile))) return (folder, variable);
            throw new DllNotFoundException(
                $"TorchRuntime: {variable} is set to '{folder}', but that folder holds no {LibTorchCpuFile}. " +
                $"Expected a libtorch 'lib' folder (libtorch.so, libtorch_cpu.so, libc10.so), for example a PyTorch install's torch/lib. " +
                $"Fix: point {variable} at such a folder, or unset it to use the libtorch next to the application " +
                $"(reference the NuGet package {CpuPackage} {CpuPackageVersion}).");
        }
        foreach (var folder in appFolders)
            if (File.Exists(Path.Combine(folder, LibTorchCpuFile))) return (folder, "application folder");
        throw new DllNotFoundException(MissingLibTorchMessage(appFolders));
    }

    internal static string MissingLibTorchMessage(IReadOnlyList<string> searched) =>
        $"TorchRuntime: no native libtorch found: {LibTorchCpuFile} is in none of [{string.Join(", ", searched)}] and " +
        $"neither {LibTorchDirVariable} nor {TorchLibVariable} is set. Expected the native libtorch next to the application. " +
        $"Fix: reference the NuGet package {CpuPackage} {CpuPackageVersion} from the application (CPU on Linux), or set " +
        $"{LibTorchDirVariable} to a CUDA libtorch folder such as a PyTorch install's torch/lib.";

    /// <summary>Finds TorchSharp's own <c>libLibTorchSharp.so</c> (application folders, then the NuGet package folder, read-only).</summary>
    /// <exception cref="DllNotFoundException">It was found nowhere.</exception>
    internal static string FindLibTorchSharp(string libTorchFolder, IReadOnlyList<string> appFolders)
    {
        var candidates = new List<string>(appFolders) { libTorchFolder };
        var version = typeof(TorchSharp.torch).Assembly.GetName().Version;
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (string.IsNullOrEmpty(packages))
            packages = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        if (version is not null)
            candidates.Add(Path.Combine(packages, "torchsharp", $"{version.Major}.{version.Minor}.{version.Build}", "runtimes", "linux-x64", "native"));
        foreach (var folder in candidates)
        {
            var path = Path.Combine(folder, LibTorchSharpFile);
            if (File.Exists(path)) return Path.GetFullPath(path);
        }
        throw new DllNotFoundException(
            $"TorchRuntime: {LibTorchSharpFile} was not found in [{string.Join(", ", candidates)}]. Expected it in the " +
            "application's runtimes/linux-x64/native folder, where the TorchSharp package puts it. " +
            "Fix: reference the TorchSharp package (0.107.0) from the application and rebuild.");
    }

    /// <summary>The path of the <paramref name="soname"/> mapped into this process (from /proc/self/maps), or null.</summary>
    internal static string? FindLoadedLibrary(string soname)
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/maps"))
            {
                int slash = line.IndexOf('/');
                if (slash < 0) continue;
                var path = line[slash..].Trim();
                if (Path.GetFileName(path).StartsWith(soname, StringComparison.Ordinal) && File.Exists(path)) return path;
            }
        }
        catch (IOException)
        {
            // /proc not mounted: fall through to the standard locations.
        }
        foreach (var dir in new[] { "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib" })
        {
            var path = Path.Combine(dir, soname);
            if (File.Exists(path)) return path;
        }
        return null;
    }
}
