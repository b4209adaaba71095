using Xunit;

namespace DeepML.Core.Tests.Components;

/// <summary>AtomicFile: the target is the old file or the whole new one, and no temporary file is left.</summary>
public sealed class AtomicFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("deepml-atomic-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void WriteCreatesAndReplacesTheFileAndLeavesNoTemporaryFile()
    {
        var path = Path.Combine(_folder, "model.onnx");
        AtomicFile.Write(path, [1, 2, 3], "MyExporter");
        Assert.Equal([1, 2, 3], File.ReadAllBytes(path));
        AtomicFile.Write(path, stream => { stream.Write([9, 8]); stream.WriteByte(7); }, "MyExporter");
        Assert.Equal([9, 8, 7], File.ReadAllBytes(path));
        Assert.Equal(["model.onnx"], Directory.GetFiles(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public void AFailingWriterLeavesThePreviousFileIntactAndNoTemporaryFile()
    {
        var path = Path.Combine(_folder, "state.bin");
        AtomicFile.Write(path, [4, 5, 6], "MyTrainer");
        var e = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[10_000]);                // some bytes reach the temporary file ...
            throw new InvalidOperationException("disk full"); // ... then the writer fails
        }, "MyTrainer"));
        Assert.Equal("disk full", e.Message);
        Assert.Equal([4, 5, 6], File.ReadAllBytes(path));
        Assert.Equal(["state.bin"], Directory.GetFiles(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public void WhileWritingTheTargetStillHoldsTheOldContent()
    {
        var path = Path.Combine(_folder, "model.onnx");
        AtomicFile.Write(path, [1], "MyExporter");
        byte[]? seenDuringWrite = null;
        string[]? filesDuringWrite = null;
        AtomicFile.Write(path, stream =>
        {
            stream.Write([2, 2]);
            stream.Flush();
            seenDuringWrite = File.ReadAllBytes(path);
            filesDuringWrite = Directory.GetFiles(_folder).Select(f => Path.GetFileName(f)!).Order().ToArray();
        }, "MyExporter");
        Assert.Equal([1], seenDuringWrite);
        Assert.Equal(2, filesDuringWrite!.Length);
        Assert.Matches(@"^model\.onnx\.\d+\.[0-9a-f]{32}\.tmp$", filesDuringWrite[1]);
        Assert.Equal([2, 2], File.ReadAllBytes(path));
    }

    [Fact]
    public void AMissingFolderIsReportedWithTheFix()
    {
        var folder = Path.Combine(_folder, "absent");
        var path = Path.Combine(folder, "model.onnx");
        var e = Assert.Throws<DirectoryNotFoundException>(() => AtomicFile.Write(path, [1], "MyExporter"));
        Assert.Equal($"MyExporter: folder '{folder}' for '{path}' does not exist. Create it first.", e.Message);
        Assert.Equal(AtomicFile.MissingFolderMessage("MyExporter", folder, path), e.Message);
        Assert.False(Directory.Exists(folder));
    }
}
