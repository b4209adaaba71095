using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using DeepML.Onnx;
using DeepML.Onnx.Proto;

namespace DeepML;

/// <summary>
/// DeepML's description of an exported model, read back from the ONNX <c>metadata_props</c>
/// (keys in <see cref="OnnxMetadataKeys"/>): task, feature column, class and feature names, the
/// network description and the graph's tensor names.
/// </summary>
/// <remarks>
/// Read it from ONNX bytes or a file without starting ONNX Runtime (<see cref="FromBytes"/>,
/// <see cref="FromFile"/>), or from an open session (<see cref="FromSession"/>).
/// </remarks>
public sealed class OnnxModelMetadata
{
    private OnnxModelMetadata(IReadOnlyDictionary<string, string> map)
    {
        string Get(string key) => map.TryGetValue(key, out var v)
            ? v
            : throw new FormatException($"DeepML ONNX metadata: key '{key}' is missing (present: {string.Join(", ", map.Keys.Order())}). Expected every key of OnnxMetadataKeys; re-export the model with OnnxExporter.");
        Version = Get(OnnxMetadataKeys.Version);
        var task = Get(OnnxMetadataKeys.Task);
        Task = Enum.TryParse<PredictionKind>(task, out var kind) && Enum.IsDefined(kind)
            ? kind
            : throw new FormatException($"DeepML ONNX metadata: '{OnnxMetadataKeys.Task}' is '{task}', expected one of {string.Join(", ", Enum.GetNames<PredictionKind>())}.");
        FeatureColumnName = Get(OnnxMetadataKeys.FeatureColumn);
        ClassNames = NetworkSpecJson.ReadStrings(OnnxMetadataKeys.ClassNames, Get(OnnxMetadataKeys.ClassNames));
        FeatureNames = NetworkSpecJson.ReadStrings(OnnxMetadataKeys.FeatureNames, Get(OnnxMetadataKeys.FeatureNames));
        SpecJson = Get(OnnxMetadataKeys.Spec);
        SpecFormat = map.TryGetValue(OnnxMetadataKeys.SpecFormat, out var format) ? format : null;
        Spec = NetworkSpecJson.Read(SpecJson);
        InputName = Get(OnnxMetadataKeys.Input);
        RawOutputName = Get(OnnxMetadataKeys.RawOutput);
        TaskOutputName = Get(OnnxMetadataKeys.TaskOutput);
    }

    /// <summary>DeepML version that wrote the model.</summary>
    public string Version { get; }

    /// <summary>The prediction task.</summary>
    public PredictionKind Task { get; }

    /// <summary>The ML.NET feature column the network reads.</summary>
    public string FeatureColumnName { get; }

    /// <summary>Multiclass class names in output order; otherwise empty.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Feature slot names where known; otherwise empty.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>The network description (layers and input shape) the graph was generated from: its inference form from format 2 on.</summary>
    public NetworkSpec Spec { get; }

    /// <summary>
    /// <see cref="OnnxMetadataKeys.SpecFormat"/>: <c>"2"</c> when <see cref="Spec"/> is the inference form and
    /// weights are named by path; null for models written by DeepML 0.1 (where <see cref="Spec"/> is the training form).
    /// </summary>
    public string? SpecFormat { get; }

    /// <summary>The network description as stored (JSON).</summary>
    public string SpecJson { get; }

    /// <summary>The graph input name.</summary>
    public string InputName { get; }

    /// <summary>The raw output name (logits or regression output).</summary>
    public string RawOutputName { get; }

    /// <summary>The task-shaped output name (probability, probabilities or score).</summary>
    public string TaskOutputName { get; }

    /// <summary>Whether a metadata map holds DeepML's keys (that is, DeepML wrote the model).</summary>
    /// <param name="map">An ONNX model's <c>metadata_props</c>.</param>
    public static bool IsDeepMLModel(IReadOnlyDictionary<string, string> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        return map.ContainsKey(OnnxMetadataKeys.Version) && map.ContainsKey(OnnxMetadataKeys.Spec);
    }

    /// <summary>Reads DeepML's metadata from a <c>metadata_props</c> map.</summary>
    /// <param name="map">An ONNX model's <c>metadata_props</c>.</param>
    /// <exception cref="FormatException">The map lacks a DeepML key or holds an unreadable value.</exception>
    public static OnnxModelMetadata FromMap(IReadOnlyDictionary<string, string> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        return new OnnxModelMetadata(map);
    }

    /// <summary>Reads DeepML's metadata from an open ONNX Runtime session (<c>ModelMetadata.CustomMetadataMap</c>).</summary>
    /// <param name="session">A session over a DeepML-exported model.</param>
    public static OnnxModelMetadata FromSession(InferenceSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return new OnnxModelMetadata(session.ModelMetadata.CustomMetadataMap);
    }

    /// <summary>Reads DeepML's metadata from ONNX model bytes, without ONNX Runtime.</summary>
    /// <param name="model">A serialized ONNX <c>ModelProto</c>.</param>
    public static OnnxModelMetadata FromBytes(byte[] model) => new(ReadMetadataProps(model));

    /// <summary>Reads DeepML's metadata from an ONNX file, without ONNX Runtime.</summary>
    /// <param name="path">Path of an ONNX file.</param>
    public static OnnxModelMetadata FromFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return FromBytes(File.ReadAllBytes(path));
    }

    /// <summary>Every <c>metadata_props</c> entry of an ONNX model (DeepML's or not), read without ONNX Runtime.</summary>
    /// <param name="model">A serialized ONNX <c>ModelProto</c>.</param>
    /// <exception cref="FormatException">The bytes are not a protobuf message.</exception>
    public static IReadOnlyDictionary<string, string> ReadMetadataProps(byte[] model) => MetadataOf(Parse(model, "OnnxModelMetadata"));

    /// <summary>Parses ONNX bytes with the message types generated from onnx.proto3.</summary>
    internal static ModelProto Parse(byte[] model, string component)
    {
        ArgumentNullException.ThrowIfNull(model);
        try
        {
            return ModelProto.Parser.ParseFrom(model);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new FormatException($"{component}: the {model.Length} bytes are not an ONNX model ({e.Message}). Expected a serialized ModelProto such as OnnxExporter.Export returns.", e);
        }
    }

    internal static Dictionary<string, string> MetadataOf(ModelProto model)
    {
        var map = new Dictionary<string, string>();
        foreach (var entry in model.MetadataProps)
            map[entry.Key] = entry.Value;
        return map;
    }
}
