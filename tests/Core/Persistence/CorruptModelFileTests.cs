using System.IO.Compression;
using Microsoft.ML;
using Xunit;
using static DeepML.Core.Tests.Persistence.PersistenceFixtures;

namespace DeepML.Core.Tests.Persistence;

/// <summary>Damaged files fail <c>ml.DeepML().Model.Load</c> with an <see cref="InvalidDataException"/> that names the file and the problem.</summary>
public sealed class CorruptModelFileTests : IDisposable
{
    private readonly List<string> _files = [];

    public void Dispose()
    {
        foreach (var file in _files)
            File.Delete(file);
    }

    [Fact]
    public void RandomBytesAreNotAZip()
    {
        var bytes = new byte[4096];
        new Random(1).NextBytes(bytes);
        var error = LoadFails(Write(bytes));
        Assert.Contains("is not a readable zip archive", error.Message);
    }

    [Fact]
    public void ZipCutInHalfIsNotAReadableZip()
    {
        var good = File.ReadAllBytes(SaveGoodModel());
        var error = LoadFails(Write(good[..(good.Length / 2)]));
        Assert.Contains("is not a readable zip archive", error.Message);
    }

    [Fact]
    public void ZipWithoutAModelSaysSo()
    {
        var path = NewPath();
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using var writer = new StreamWriter(zip.CreateEntry("notes/readme.txt").Open());
            writer.Write("not a model");
        }
        var error = LoadFails(path);
        Assert.Contains("holds no ML.NET model", error.Message);
        Assert.Contains("notes/readme.txt", error.Message);
    }

    [Fact]
    public void OnnxEntryWithGarbageNamesTheEntry()
    {
        var garbage = new byte[600];
        new Random(2).NextBytes(garbage);
        var path = RewriteOnnxEntry(SaveGoodModel(), [.. BitConverter.GetBytes(garbage.Length), .. garbage]);
        var error = LoadFails(path);
        Assert.Contains("TransformerChain/Transform_001/Transform_001/OnnxModel", error.Message);
        Assert.Contains("is damaged", error.Message);
    }

    [Fact]
    public void OnnxEntryCutShortFailsOnItsLengthPrefix()
    {
        var good = SaveGoodModel();
        byte[] stored;
        using (var zip = ZipFile.OpenRead(good))
        using (var stream = new MemoryStream())
        {
            zip.Entries.Single(e => e.Name == "OnnxModel").Open().CopyTo(stream);
            stored = stream.ToArray();
        }
        var error = LoadFails(RewriteOnnxEntry(good, stored[..(stored.Length / 2)]));
        Assert.Contains("length prefix", error.Message);
    }

    [Fact]
    public void FlippedBytesInsideTheCompressedOnnxEntryAreDetected()
    {
        var good = SaveGoodModel();
        long offset;
        using (var zip = ZipFile.OpenRead(good))
        {
            // The local header of the OnnxModel entry is followed by its compressed data: damage the middle of it.
            var names = zip.Entries.Select(e => e.FullName).ToList();
            Assert.Contains(names, n => n.EndsWith("/OnnxModel", StringComparison.Ordinal));
        }
        var bytes = File.ReadAllBytes(good);
        var name = System.Text.Encoding.ASCII.GetBytes("TransformerChain/Transform_001/Transform_001/OnnxModel");
        offset = bytes.AsSpan().IndexOf(name);
        Assert.True(offset > 0);
        for (var i = 0; i < 40; i++)
            bytes[offset + name.Length + 200 + i] ^= 0x5A;
        var error = LoadFails(Write(bytes));
        Assert.Contains("OnnxModel", error.Message);
    }

    [Fact]
    public void MissingFileIsFileNotFound()
    {
        var path = NewPath();
        var error = Assert.Throws<FileNotFoundException>(() => new MLContext(1).DeepML().Model.Load(path, out _));
        Assert.Contains(path, error.Message);
    }

    private InvalidDataException LoadFails(string path)
    {
        var error = Assert.Throws<InvalidDataException>(() => new MLContext(1).DeepML().Model.Load(path, out _));
        Assert.Contains(path, error.Message);
        Assert.Contains("ml.Model.Save", error.Message); // the fix: save again
        return error;
    }

    private string SaveGoodModel()
    {
        var ml = new MLContext(seed: 1);
        var data = Data(ml, 20, seed: 3);
        using var model = Pipeline(ml, data, Model(PredictionKind.BinaryClassification));
        var path = NewPath();
        ml.Model.Save(model, data.Schema, path);
        return path;
    }

    private string RewriteOnnxEntry(string source, byte[] content)
    {
        var path = NewPath();
        using var input = ZipFile.OpenRead(source);
        using var output = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var entry in input.Entries)
        {
            using var target = output.CreateEntry(entry.FullName).Open();
            if (entry.Name == "OnnxModel")
                target.Write(content);
            else
                entry.Open().CopyTo(target);
        }
        return path;
    }

    private string Write(byte[] bytes)
    {
        var path = NewPath();
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private string NewPath()
    {
        var path = TempPath(".zip");
        _files.Add(path);
        return path;
    }
}
