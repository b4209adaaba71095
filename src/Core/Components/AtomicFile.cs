namespace DeepML;

/// <summary>
/// Writes a file so that readers see either the old file or the complete new one, never a part:
/// the content goes to a temporary file in the same folder, is flushed to disk, and the temporary
/// file is then renamed over the target. DeepML writes ONNX models and training checkpoints this
/// way; a crash while writing leaves the previous file intact.
/// </summary>
/// <remarks>
/// <para>The temporary file is named <c>{path}.{process id}.{random}.tmp</c>, so two processes (or
/// threads) writing the same target never share one; it is deleted when writing fails. The rename
/// is atomic where the platform's rename is (same folder, same file system: POSIX <c>rename</c>,
/// Windows <c>MoveFileEx</c> with replace). The folder must exist; create it first where a
/// component promises to (checkpoints do).</para>
/// <code>
/// AtomicFile.Write("model.onnx", bytes, "MyExporter");
/// AtomicFile.Write("state.bin", stream => serializer.Write(stream), "MyTrainer");
/// </code>
/// </remarks>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically.</summary>
    /// <param name="path">The target file; an existing file is replaced.</param>
    /// <param name="bytes">The complete content.</param>
    /// <param name="component">The writing component's public name, first word of any error.</param>
    /// <exception cref="DirectoryNotFoundException">The target's folder does not exist.</exception>
    public static void Write(string path, byte[] bytes, string component)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        Write(path, stream => stream.Write(bytes), component);
    }

    /// <summary>Writes what <paramref name="write"/> writes into the stream to <paramref name="path"/> atomically.</summary>
    /// <param name="path">The target file; an existing file is replaced.</param>
    /// <param name="write">Writes the complete content; the stream is flushed to disk and closed after it returns.
    /// If it throws, the target is left as it was and the exception propagates.</param>
    /// <param name="component">The writing component's public name, first word of any error.</param>
    /// <exception cref="DirectoryNotFoundException">The target's folder does not exist.</exception>
    public static void Write(string path, Action<Stream> write, string component)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException(MissingFolderMessage(component, folder, path));
        var temp = $"{full}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
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

    /// <summary>The message when the target's folder is missing: <c>{component}: folder '{folder}' for '{path}' does not exist. Create it first.</c></summary>
    /// <param name="component">The writing component's public name.</param>
    /// <param name="folder">The missing folder (full path).</param>
    /// <param name="path">The target as the caller gave it.</param>
    public static string MissingFolderMessage(string component, string folder, string path) =>
        $"{component}: folder '{folder}' for '{path}' does not exist. Create it first.";
}
