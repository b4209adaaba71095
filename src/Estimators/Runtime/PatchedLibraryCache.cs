using System.Security.Cryptography;

namespace DeepML;

/// <summary>
/// The per-user cache of patched native libraries:
/// <c>$DEEPML_NATIVE_CACHE</c> or <c>$XDG_CACHE_HOME/deepml/native</c> (default <c>~/.cache/deepml/native</c>),
/// then <c>&lt;sha256 of the original&gt;/&lt;file name&gt;</c>. Writes are atomic (temp file + rename) and a copy
/// whose SHA-256 equals the expected patched bytes is reused without writing.
/// </summary>
internal static class PatchedLibraryCache
{
    internal const string CacheVariable = "DEEPML_NATIVE_CACHE";

    /// <summary>The cache root from the environment.</summary>
    internal static string Root()
    {
        var configured = Environment.GetEnvironmentVariable(CacheVariable);
        if (!string.IsNullOrWhiteSpace(configured)) return Path.GetFullPath(configured);
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (string.IsNullOrWhiteSpace(xdg))
        {
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            if (string.IsNullOrWhiteSpace(home))
                return FallbackRoot(); // no home folder (some service accounts, containers)
            xdg = Path.Combine(home, ".cache");
        }
        return Path.Combine(xdg, "deepml", "native");
    }

    /// <summary>Whether the cache root was chosen by <see cref="CacheVariable"/> (then a failure to write it is the user's to fix).</summary>
    internal static bool IsConfigured => !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(CacheVariable));

    /// <summary>The per-user folder under the temporary directory, used when the default cache cannot be written.</summary>
    internal static string FallbackRoot() => Path.Combine(Path.GetTempPath(), $"deepml-native-{Environment.UserName}");

    internal static string Sha256Hex(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    internal static string Sha256Hex(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>
    /// Makes sure <paramref name="patched"/> is stored as the cached copy of the original with hash
    /// <paramref name="originalSha"/>. Returns the path and whether an existing valid copy was reused.
    /// </summary>
    /// <exception cref="IOException">The cache folder cannot be written.</exception>
    internal static (string Path, bool Reused) Store(string root, string originalSha, string fileName, byte[] patched)
    {
        var folder = Path.Combine(root, originalSha);
        var target = Path.Combine(folder, fileName);
        var expected = Sha256Hex(patched);
        if (File.Exists(target) && Sha256Hex(target) == expected) return (target, true);
        try
        {
            Directory.CreateDirectory(folder);
            var temp = Path.Combine(folder, $"{fileName}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
            try
            {
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    stream.Write(patched);
                    stream.Flush(flushToDisk: true);
                }
                // rename(2) is atomic: a concurrent process sees either no file or a complete one.
                File.Move(temp, target, overwrite: true);
            }
            finally
            {
                if (File.Exists(temp)) File.Delete(temp);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new IOException(
                $"TorchRuntime: could not write the patched {fileName} to '{target}': {ex.Message}. Expected a writable " +
                $"per-user cache folder. Fix: set {CacheVariable} to a writable folder.", ex);
        }
        if (Sha256Hex(target) != expected)
            throw new IOException($"TorchRuntime: the patched copy at '{target}' does not have the expected SHA-256 {expected} " +
                $"after writing. Expected a stable cache folder. Fix: delete '{folder}' or set {CacheVariable} to another folder.");
        return (target, false);
    }
}
