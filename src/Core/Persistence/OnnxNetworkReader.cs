using System.Runtime.InteropServices;
using DeepML.Compression.Quantization;
using DeepML.Onnx.Proto;

namespace DeepML.Persistence;

/// <summary>
/// Rebuilds a <see cref="NetworkModel"/> from an ONNX model that <see cref="OnnxExporter"/> wrote:
/// the description comes from the DeepML metadata, the weights from the graph's initializers.
/// </summary>
/// <remarks>
/// <para>Format 2 (<see cref="OnnxMetadataKeys.SpecFormat"/> = "2"): the metadata holds the inference-form
/// tree and every weight is an initializer named by its path, so reading is generic: each name of
/// <see cref="NetworkSpec.WeightShapes"/> is looked up, whatever the layer kinds.</para>
/// <para>DeepML 0.1 models (no format key): the metadata holds the flat training-form spec, the graph the
/// inference form (dropout removed, batch norm folded into the dense layer before it). The rebuilt
/// model is that inference form: a description without <see cref="DropoutLayer"/>, and a batch norm with
/// no dense layer before it kept as a <see cref="BatchNormLayer"/> whose statistics reproduce the exported
/// <c>{i}.scale</c> and <c>{i}.shift</c> exactly (mean 0, variance 0, ε = 1).</para>
/// </remarks>
internal static class OnnxNetworkReader
{
    /// <summary>Reads the network of a DeepML ONNX model.</summary>
    /// <exception cref="FormatException">The bytes are not a DeepML ONNX model or a weight is missing or malformed.</exception>
    public static NetworkModel Read(byte[] onnx)
    {
        var proto = OnnxModelMetadata.Parse(onnx, "DeepML ONNX model");
        var metadata = OnnxModelMetadata.FromMap(OnnxModelMetadata.MetadataOf(proto));
        var tensors = ReadInitializers(proto);
        var (spec, weights) = metadata.SpecFormat switch
        {
            OnnxExporter.SpecFormat => ReadByPath(metadata.Spec, tensors),
            null => ReadVersion01(metadata.Spec, tensors),
            var other => throw new FormatException($"DeepML ONNX model: '{OnnxMetadataKeys.SpecFormat}' is '{other}', this DeepML version reads '{OnnxExporter.SpecFormat}' and 0.1 models (no key). Load the model with the DeepML version that wrote it ({metadata.Version})."),
        };
        try
        {
            return new NetworkModel(new NetworkWeights(spec, weights), metadata.Task, metadata.FeatureColumnName, metadata.ClassNames, metadata.FeatureNames);
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"DeepML ONNX model: the weights do not fit the stored description {metadata.Spec} ({e.Message}).", e);
        }
    }

    private static (NetworkSpec, Dictionary<string, WeightArray>) ReadByPath(NetworkSpec spec, Dictionary<string, (long[] Dims, float[] Data)> tensors)
    {
        var weights = new Dictionary<string, WeightArray>();
        foreach (var (name, shape) in spec.WeightShapes())
            weights[name] = Tensor(tensors, name, shape);
        return (spec, weights);
    }

    private static (NetworkSpec, Dictionary<string, WeightArray>) ReadVersion01(NetworkSpec spec, Dictionary<string, (long[] Dims, float[] Data)> tensors)
    {
        var layers = new List<LayerSpec>();
        var weights = new Dictionary<string, WeightArray>();
        var size = spec.InputSize;
        var lastIsDense = false;
        for (var i = 0; i < spec.Layers.Count; i++)
        {
            var layer = spec.Layers[i];
            var index = layers.Count;
            switch (layer)
            {
                case DenseLayer dense:
                    weights[$"{index}.weight"] = Tensor(tensors, $"{i}.weight", dense.Units, size);
                    var hasBias = tensors.ContainsKey($"{i}.bias");
                    if (hasBias)
                        weights[$"{index}.bias"] = Tensor(tensors, $"{i}.bias", dense.Units);
                    layers.Add(new DenseLayer(dense.Units, hasBias));
                    lastIsDense = true;
                    break;
                case DropoutLayer:
                    break;
                case BatchNormLayer when lastIsDense:
                    break; // folded into the dense layer's weight and bias
                case BatchNormLayer:
                    weights[$"{index}.weight"] = Tensor(tensors, $"{i}.scale", size);
                    weights[$"{index}.bias"] = Tensor(tensors, $"{i}.shift", size);
                    weights[$"{index}.running_mean"] = new WeightArray(new float[size], [size]);
                    weights[$"{index}.running_var"] = new WeightArray(new float[size], [size]);
                    layers.Add(new BatchNormLayer(epsilon: 1.0));
                    lastIsDense = false;
                    break;
                default:
                    layers.Add(layer);
                    lastIsDense = false;
                    break;
            }
            size = layer.OutputSize(size);
        }
        return (new NetworkSpec(layers, spec.InputSize), weights);
    }

    private static WeightArray Tensor(Dictionary<string, (long[] Dims, float[] Data)> tensors, string name, params int[] shape)
    {
        if (!tensors.TryGetValue(name, out var tensor))
            throw new FormatException($"DeepML ONNX model: initializer '{name}' is missing (present: {string.Join(", ", tensors.Keys.Order())}). The graph does not match its DeepML metadata; re-export it with OnnxExporter.");
        if (!tensor.Dims.Select(d => (int)d).SequenceEqual(shape) || tensor.Data.Length != shape.Aggregate(1, (a, b) => a * b))
            throw new FormatException($"DeepML ONNX model: initializer '{name}' has shape [{string.Join(", ", tensor.Dims)}] and {tensor.Data.Length} values, expected [{string.Join(", ", shape)}].");
        return new WeightArray(tensor.Data, shape);
    }

    /// <summary>Every float initializer of the graph, by name.</summary>
    internal static Dictionary<string, (long[] Dims, float[] Data)> ReadInitializers(byte[] onnx) =>
        ReadInitializers(OnnxModelMetadata.Parse(onnx, "DeepML ONNX model"));

    private static Dictionary<string, (long[] Dims, float[] Data)> ReadInitializers(ModelProto model)
    {
        var result = new Dictionary<string, (long[], float[])>();
        foreach (var tensor in model.Graph?.Initializer ?? [])
        {
            if (tensor.DataType != OnnxDataType.Float)
                continue; // shapes and axes (int64) are lowering constants, never weights
            float[] data;
            if (!tensor.RawData.IsEmpty)
            {
                if (tensor.RawData.Length % sizeof(float) != 0)
                    throw new FormatException($"DeepML ONNX model: initializer '{tensor.Name}' has {tensor.RawData.Length} bytes of raw data, not a whole number of floats.");
                data = MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray();
            }
            else
            {
                data = tensor.FloatData.ToArray();
            }
            result[tensor.Name] = (tensor.Dims.ToArray(), data);
        }
        AddDequantized(model, result);
        return result;
    }

    /// <summary>
    /// A quantized graph (<c>ml.DeepML().Compression.Quantize</c>) stores a weight <c>W</c> as <c>W_quantized</c> (int8, or int32 for a
    /// bias) with <c>W_scale</c> (one, or one per channel of axis 0) and an optional <c>W_zero_point</c>; <c>W_transposed_quantized</c> is
    /// stored as <c>[K, U]</c> with channels on axis 1. Each becomes <c>W</c> again as <c>(q − zero_point) · scale</c>, in the layer's layout.
    /// </summary>
    private static void AddDequantized(ModelProto model, Dictionary<string, (long[] Dims, float[] Data)> floats)
    {
        const string quantized = QuantizedGraphWriter.QuantizedSuffix, transposed = QuantizedGraphWriter.TransposedSuffix;
        var all = (model.Graph?.Initializer ?? []).ToDictionary(t => t.Name);
        foreach (var tensor in all.Values.Where(t => t.Name.EndsWith(quantized, StringComparison.Ordinal)))
        {
            var stem = tensor.Name[..^quantized.Length];
            var isTransposed = stem.EndsWith(transposed, StringComparison.Ordinal) && tensor.Dims.Count == 2;
            var name = isTransposed ? stem[..^transposed.Length] : stem;
            if (floats.ContainsKey(name) || !floats.TryGetValue(stem + QuantizedGraphWriter.ScaleSuffix, out var scale))
                continue;
            long[] q = tensor.DataType switch
            {
                OnnxDataType.Int8 => MemoryMarshal.Cast<byte, sbyte>(tensor.RawData.Span).ToArray().Select(v => (long)v).ToArray(),
                (int)TensorProto.Types.DataType.Int32 => MemoryMarshal.Cast<byte, int>(tensor.RawData.Span).ToArray().Select(v => (long)v).ToArray(),
                _ => throw new FormatException($"DeepML ONNX model: quantized initializer '{tensor.Name}' has element type {tensor.DataType}; expected int8 or int32."),
            };
            var zero = all.TryGetValue(stem + QuantizedGraphWriter.ZeroPointSuffix, out var z) ? MemoryMarshal.Cast<byte, sbyte>(z.RawData.Span).ToArray() : [];
            var dims = tensor.Dims.ToArray();
            var channels = scale.Data.Length;
            var inner = isTransposed ? 1 : (int)(q.Length / Math.Max(1, dims.Length == 0 ? 1 : dims[0]));
            var values = new float[q.Length];
            for (var i = 0; i < q.Length; i++)
            {
                var c = channels == 1 ? 0 : isTransposed ? (int)(i % dims[1]) : i / inner % channels;
                values[i] = (q[i] - (zero.Length == 0 ? 0 : zero[zero.Length == 1 ? 0 : c])) * scale.Data[c];
            }
            floats[name] = isTransposed
                ? ([dims[1], dims[0]], QuantizableNode.Transposed(values, (int)dims[0], (int)dims[1]))
                : (dims, values);
        }
    }
}
