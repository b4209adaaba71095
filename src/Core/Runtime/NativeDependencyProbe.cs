using System.Runtime.InteropServices;

namespace DeepML;

/// <summary>
/// Finds the first shared library a native library needs that this process's dynamic loader cannot
/// load, by reading its <c>DT_NEEDED</c> entries (<see cref="ElfNeededLibraries"/>) and trying
/// <see cref="NativeLibrary.TryLoad(string, out IntPtr)"/> on each. ONNX Runtime reports a CUDA provider
/// that fails to load only as "Failed to load shared library"; this names the culprit, for example
/// <c>libcublasLt.so.13</c>.
/// </summary>
/// <remarks>
/// A dependency that the loader finds but cannot load is followed into its own dependencies (a
/// <c>libcublas.so.13</c> on the path that lacks its <c>libcublasLt.so.13</c>), so the answer is the
/// library to install, with the chain that needs it. Libraries loaded while probing are freed again.
/// Linux only; elsewhere the probe finds nothing.
/// </remarks>
internal static class NativeDependencyProbe
{
    private const int MaxDepth = 6;

    /// <summary>
    /// The chain from a direct dependency of <paramref name="library"/> down to the first library that
    /// cannot be loaded, for example <c>["libcublasLt.so.13"]</c> or <c>["libcublas.so.13", "libcublasLt.so.13"]</c>;
    /// empty when every dependency loads (or the file cannot be read as ELF).
    /// </summary>
    /// <param name="library">The native library, for example the path of <c>libonnxruntime_providers_cuda.so</c>.</param>
    public static IReadOnlyList<string> FirstUnresolvable(string library)
    {
        ArgumentNullException.ThrowIfNull(library);
        if (!OperatingSystem.IsLinux() || !File.Exists(library))
            return [];
        return Walk(Path.GetFullPath(library), new HashSet<string>(StringComparer.Ordinal), 0) ?? [];
    }

    /// <summary>"libcublasLt.so.13" or "libcublasLt.so.13 (needed by libcublas.so.13)".</summary>
    public static string Describe(IReadOnlyList<string> chain) =>
        chain.Count <= 1 ? string.Join("", chain) : $"{chain[^1]} (needed by {string.Join(" via ", chain.Take(chain.Count - 1).Reverse())})";

    private static List<string>? Walk(string path, HashSet<string> visited, int depth)
    {
        IReadOnlyList<string> needed;
        try
        {
            needed = ElfNeededLibraries.Read(path);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return null;
        }
        var folder = Path.GetDirectoryName(path)!;
        foreach (var name in needed)
        {
            if (!visited.Add(name) || TryLoad(name, folder))
                continue;
            // The loader refused it: either it is nowhere on the path, or one of its own needs is missing.
            var found = depth < MaxDepth ? Locate(name, folder) : null;
            var deeper = found is null ? null : Walk(found, visited, depth + 1);
            return deeper is null ? [name] : [name, .. deeper];
        }
        return null;
    }

    private static bool TryLoad(string name, string folder)
    {
        var beside = Path.Combine(folder, name);
        if (!NativeLibrary.TryLoad(File.Exists(beside) ? beside : name, out var handle))
            return false;
        NativeLibrary.Free(handle);
        return true;
    }

    /// <summary>The file the loader would consider for <paramref name="name"/>: beside the dependent, or on LD_LIBRARY_PATH.</summary>
    private static string? Locate(string name, string folder)
    {
        var folders = new List<string> { folder };
        folders.AddRange((Environment.GetEnvironmentVariable("LD_LIBRARY_PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries));
        return folders.Select(f => Path.Combine(f, name)).FirstOrDefault(File.Exists);
    }
}
