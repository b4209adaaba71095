using System.IO.Compression;
using Microsoft.ML.Data;

namespace DeepML.Examples;

/// <summary>One Fashion-MNIST image: 784 pixels scaled to [0, 1] (row-major 28×28, one channel) and its class "0".."9".</summary>
public sealed class FashionRow
{
    /// <summary>The pixels, row-major; declare them to the trainer as <c>[1, 28, 28]</c>.</summary>
    [VectorType(FashionMnistData.Pixels)]
    public float[] Pixels { get; set; } = [];

    /// <summary>The file's label 0..9 as text ("0" is T-shirt/top, "9" ankle boot; see <see cref="FashionMnistData.ClassNames"/>).</summary>
    public string Class { get; set; } = "";
}

/// <summary>
/// Reads Fashion-MNIST from its IDX files (gzip): the repository's subset under <c>data/fashion-mnist</c>
/// (the first 6,000 training and 2,000 test images of the official files) or the full 60,000 / 10,000 set.
/// </summary>
public static class FashionMnistData
{
    /// <summary>Pixels per image.</summary>
    public const int Pixels = 28 * 28;

    /// <summary>The ten class names, in label order.</summary>
    public static readonly string[] ClassNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>The folder with the four IDX files: the repository's subset, or the full set with <paramref name="full"/>.</summary>
    public static string Folder(bool full)
    {
        if (!full)
            return Path.Combine(RepositoryRoot(), "data", "fashion-mnist");
        // FASHION_MNIST_DIR, then the team's shared data sets beside the repository, then the Debian package's folder.
        string[] candidates = [.. new[] { Environment.GetEnvironmentVariable("FASHION_MNIST_DIR") }.OfType<string>(),
            Path.GetFullPath(Path.Combine(RepositoryRoot(), "..", "shared", "datasets", "fashion-mnist")), "/usr/share/datasets/fashion-mnist"];
        return candidates.FirstOrDefault(c => File.Exists(Path.Combine(c, "t10k-labels-idx1-ubyte.gz")))
            ?? throw new DirectoryNotFoundException($"FashionMnist: --full needs the full Fashion-MNIST IDX files; none found in {string.Join(" or ", candidates)}. Set FASHION_MNIST_DIR, install the Debian package dataset-fashion-mnist, or run without --full (the repository's subset).");
    }

    /// <summary>Reads the training or test split, at most <paramref name="limit"/> rows.</summary>
    public static List<FashionRow> Load(string folder, bool train, int limit = int.MaxValue)
    {
        var prefix = train ? "train" : "t10k";
        var images = ReadIdx(Path.Combine(folder, $"{prefix}-images-idx3-ubyte.gz"), 0x803, out var imageDims);
        var labels = ReadIdx(Path.Combine(folder, $"{prefix}-labels-idx1-ubyte.gz"), 0x801, out var labelDims);
        if (imageDims[1] * imageDims[2] != Pixels || imageDims[0] != labelDims[0])
            throw new InvalidDataException($"FashionMnist: {folder} holds {imageDims[0]} images of {imageDims[1]}×{imageDims[2]} and {labelDims[0]} labels; expected as many 28×28 images as labels.");
        var rows = new List<FashionRow>();
        for (var i = 0; i < Math.Min(limit, labelDims[0]); i++)
        {
            var pixels = new float[Pixels];
            for (var p = 0; p < Pixels; p++)
                pixels[p] = images[i * Pixels + p] / 255f;
            rows.Add(new FashionRow { Pixels = pixels, Class = labels[i].ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }
        return rows;
    }

    private static byte[] ReadIdx(string path, int magic, out int[] dims)
    {
        using var stream = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        var bytes = memory.ToArray();
        var found = BigEndian(bytes, 0);
        if (found != magic)
            throw new InvalidDataException($"FashionMnist: {path} starts with 0x{found:X}; expected the IDX magic number 0x{magic:X}.");
        dims = Enumerable.Range(0, magic & 0xFF).Select(d => BigEndian(bytes, 4 + 4 * d)).ToArray();
        return bytes[(4 + 4 * dims.Length)..];
    }

    private static int BigEndian(byte[] b, int at) => (b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3];

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DeepML.sln")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException($"FashionMnist: no DeepML.sln above {AppContext.BaseDirectory}; run the example from the repository.");
    }
}
