using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace DeepML.Persistence;

/// <summary>
/// Loads an ML.NET model zip and swaps each DeepML network, saved as ML.NET transformers (see
/// <see cref="SurrogateChain"/>), for DeepML's batched <see cref="NetworkScoringTransformer"/> on the
/// requested device. Every problem with the file is reported as an <see cref="InvalidDataException"/>
/// that names the file and what is wrong.
/// </summary>
internal static class DeepMLModelLoader
{
    private const string Component = "DeepML Model.Load";
    private const string OnnxEntry = "OnnxModel";

    public static ITransformer Load(MLContext ml, string path, out DataViewSchema inputSchema, ScoringOptions? options)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
            throw new FileNotFoundException($"{Component}: model file '{full}' does not exist. Expected a file written by ml.Model.Save.", full);
        var bytes = File.ReadAllBytes(full);
        var networks = ReadNetworks(full, bytes);

        ITransformer loaded;
        try
        {
            loaded = ml.Model.Load(new MemoryStream(bytes, writable: false), out inputSchema);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw Corrupt(full, $"ML.NET could not load the model ({e.GetType().Name}: {e.Message})", e);
        }

        var options1 = options ?? new ScoringOptions();
        var host = ((IHostEnvironment)ml).Register("DeepML.ModelLoad");
        using var channel = host.Start("Load");
        var replaced = Replace(ml, loaded, "TransformerChain", networks, options1, m => channel.Info(MessageSensitivity.None, $"{Component}: {m}"));
        if (!ReferenceEquals(replaced, loaded))
            channel.Info(MessageSensitivity.None, $"{Component}: '{full}' loaded with {networks.Count} DeepML network(s) on {options1.Device}.");
        return replaced;
    }

    /// <summary>Reads every entry (so that a damaged archive fails here) and the DeepML networks, keyed by the entry's folder.</summary>
    private static Dictionary<string, (NetworkModel Model, byte[] Onnx)> ReadNetworks(string path, byte[] bytes)
    {
        var networks = new Dictionary<string, (NetworkModel, byte[])>(StringComparer.Ordinal);
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(new MemoryStream(bytes, writable: false), ZipArchiveMode.Read);
        }
        catch (InvalidDataException e)
        {
            throw Corrupt(path, $"it is not a readable zip archive ({e.Message}); an ML.NET model file is a zip. The file is truncated, damaged or not a model", e);
        }
        using (zip)
        {
            if (!zip.Entries.Any(e => e.Name == "Model.key"))
                throw Corrupt(path, $"the zip holds no ML.NET model (no 'Model.key' entry; entries: {string.Join(", ", zip.Entries.Take(10).Select(e => e.FullName))})", null);
            foreach (var entry in zip.Entries)
            {
                var stored = ReadEntry(path, entry);
                if (entry.Name != OnnxEntry)
                    continue;
                var content = OnnxBytes(path, entry.FullName, stored);
                IReadOnlyDictionary<string, string> map;
                try
                {
                    map = OnnxModelMetadata.ReadMetadataProps(content);
                }
                catch (FormatException e)
                {
                    throw Corrupt(path, $"the ONNX model in entry '{entry.FullName}' is damaged ({e.Message})", e);
                }
                if (!OnnxModelMetadata.IsDeepMLModel(map))
                    continue;
                try
                {
                    networks[entry.FullName[..^(OnnxEntry.Length + 1)]] = (OnnxNetworkReader.Read(content), content);
                }
                catch (FormatException e)
                {
                    throw Corrupt(path, $"the DeepML ONNX model in entry '{entry.FullName}' is damaged ({e.Message})", e);
                }
            }
        }
        return networks;
    }

    /// <summary>ML.NET's <c>OnnxModel</c> entry is the ONNX bytes after a 32-bit little-endian length.</summary>
    private static byte[] OnnxBytes(string path, string entry, byte[] stored)
    {
        var length = stored.Length >= sizeof(int) ? BitConverter.ToInt32(stored, 0) : -1;
        if (length != stored.Length - sizeof(int))
            throw Corrupt(path, $"entry '{entry}' holds {stored.Length} bytes but its length prefix says the ONNX model has {length} (expected {stored.Length - sizeof(int)})", null);
        return stored[sizeof(int)..];
    }

    private static byte[] ReadEntry(string path, ZipArchiveEntry entry)
    {
        try
        {
            using var stream = entry.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            if (copy.Length != entry.Length)
                throw new InvalidDataException($"read {copy.Length} bytes, the directory says {entry.Length}");
            return copy.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw Corrupt(path, $"zip entry '{entry.FullName}' is damaged ({e.Message})", e);
        }
    }

    /// <summary>Returns <paramref name="transformer"/> (saved under <paramref name="folder"/>) with DeepML networks swapped in.</summary>
    private static ITransformer Replace(MLContext ml, ITransformer transformer, string folder,
        Dictionary<string, (NetworkModel Model, byte[] Onnx)> networks, ScoringOptions options, Action<string> log)
    {
        if (transformer is not TransformerChain<ITransformer> chain)
            return transformer;
        var parts = chain.ToArray();
        if (IsSurrogate(parts) && FindNetwork(parts, folder, networks) is { } network)
        {
            var predictor = new OrtBatchPredictor(network.Onnx, options, log: log);
            try
            {
                var fast = new NetworkScoringTransformer(ml, network.Model, predictor, network.Onnx, options.BatchSize);
                chain.Dispose(); // the ML.NET OnnxTransformer sessions it replaces
                return fast;
            }
            catch
            {
                predictor.Dispose();
                throw;
            }
        }
        var changed = false;
        for (var i = 0; i < parts.Length; i++)
        {
            var part = Replace(ml, parts[i], $"{folder}/Transform_{i:000}", networks, options, log);
            if (!ReferenceEquals(part, parts[i]))
                (parts[i], changed) = (part, true);
        }
        return changed ? new TransformerChain<ITransformer>(parts) : transformer;
    }

    /// <summary>Whether a chain is DeepML's saved form of a network (it ends its head with a DeepML CustomMapping).</summary>
    private static bool IsSurrogate(ITransformer[] parts) =>
        parts.Any(p => p.GetType().IsGenericType && p.GetType().GetGenericArguments().Any(a => a == typeof(BinaryHeadInput) || a == typeof(RegressionHeadInput) || a == typeof(MulticlassHeadInput)));

    private static (NetworkModel Model, byte[] Onnx)? FindNetwork(ITransformer[] parts, string folder, Dictionary<string, (NetworkModel, byte[])> networks)
    {
        for (var i = 0; i < parts.Length; i++)
        {
            if (networks.TryGetValue($"{folder}/Transform_{i:000}", out var network))
                return network;
        }
        return null;
    }

    private static InvalidDataException Corrupt(string path, string what, Exception? inner) =>
        new($"{Component}: cannot load '{path}': {what}. Expected a model zip written by ml.Model.Save; save the model again or restore the file from a good copy.", inner);
}
