namespace DeepML.Persistence;

/// <summary>File helpers shared by saving and loading.</summary>
internal static class ModelFiles
{
    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> through a temporary file renamed over it.</summary>
    public static void WriteAtomically(string path, byte[] bytes, string component)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"{component}: folder '{folder}' for '{path}' does not exist. Create it first.");
        var temp = full + ".tmp";
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }
}
