using System.Runtime.InteropServices;
using DeepML.Onnx.Proto;
using Google.Protobuf;

namespace DeepML.Persistence;

/// <summary>
/// Rebuilds a <see cref="NetworkModel"/> from an ONNX model that <see cref="OnnxExporter"/> wrote:
/// the description comes from the DeepML metadata, the weights from the graph's initializers.
/// </summary>
/// <remarks>
/// The graph holds the network in inference form (dropout removed, batch norm folded into the dense
/// layer before it), so the rebuilt model is that inference form: same task, feature column, class
/// names and outputs, a description without <see cref="DropoutLayer"/>, and a batch norm with no
/// dense layer before it kept as a <see cref="BatchNormLayer"/> whose statistics reproduce the exported
/// scale and shift exactly (mean 0, variance 0, ε = 1). Exporting the rebuilt model gives a graph that
/// computes bit-identical outputs.
/// </remarks>
internal static class OnnxNetworkReader
{
    /// <summary>Reads the network of a DeepML ONNX model.</summary>
    /// <exception cref="FormatException">The bytes are not a DeepML ONNX model or a weight is missing or malformed.</exception>
    public static NetworkModel Read(byte[] onnx)
    {
        var metadata = OnnxModelMetadata.FromBytes(onnx);
        var tensors = ReadInitializers(onnx);
        var spec = metadata.Spec;
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
        var inference = new NetworkSpec(layers, spec.InputSize);
        try
        {
            return new NetworkModel(new NetworkWeights(inference, weights), metadata.Task, metadata.FeatureColumnName, metadata.ClassNames, metadata.FeatureNames);
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"DeepML ONNX model: the weights do not fit the stored description {spec} ({e.Message}).", e);
        }
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
    internal static Dictionary<string, (long[] Dims, float[] Data)> ReadInitializers(byte[] onnx)
    {
        var result = new Dictionary<string, (long[], float[])>();
        try
        {
            var model = new CodedInputStream(onnx);
            for (uint tag; (tag = model.ReadTag()) != 0;)
            {
                if (WireFormat.GetTagFieldNumber(tag) != ModelFields.Graph || WireFormat.GetTagWireType(tag) != WireFormat.WireType.LengthDelimited)
                {
                    model.SkipLastField();
                    continue;
                }
                var graph = model.ReadBytes().CreateCodedInput();
                for (uint g; (g = graph.ReadTag()) != 0;)
                {
                    if (WireFormat.GetTagFieldNumber(g) == GraphFields.Initializer && WireFormat.GetTagWireType(g) == WireFormat.WireType.LengthDelimited)
                    {
                        var (name, dims, data) = ReadTensor(graph.ReadBytes());
                        result[name] = (dims, data);
                    }
                    else
                    {
                        graph.SkipLastField();
                    }
                }
            }
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new FormatException($"DeepML ONNX model: the {onnx.Length} bytes are not a readable ONNX model ({e.Message}).", e);
        }
        return result;
    }

    private static (string Name, long[] Dims, float[] Data) ReadTensor(ByteString bytes)
    {
        var input = bytes.CreateCodedInput();
        var name = "";
        var dims = new List<long>();
        var type = 0;
        float[] data = [];
        var floats = new List<float>();
        for (uint tag; (tag = input.ReadTag()) != 0;)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case TensorFields.Dims when WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited:
                    var packed = input.ReadBytes().CreateCodedInput();
                    while (!packed.IsAtEnd)
                        dims.Add(packed.ReadInt64());
                    break;
                case TensorFields.Dims: dims.Add(input.ReadInt64()); break;
                case TensorFields.DataType: type = input.ReadInt32(); break;
                case TensorFields.Name: name = input.ReadString(); break;
                case TensorFields.RawData:
                    var raw = input.ReadBytes().Span;
                    if (raw.Length % sizeof(float) != 0)
                        throw new FormatException($"DeepML ONNX model: initializer raw data of {raw.Length} bytes is not a whole number of floats.");
                    data = MemoryMarshal.Cast<byte, float>(raw).ToArray();
                    break;
                case 4 when WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited: // float_data, packed
                    var values = input.ReadBytes().CreateCodedInput();
                    while (!values.IsAtEnd)
                        floats.Add(values.ReadFloat());
                    break;
                default: input.SkipLastField(); break;
            }
        }
        if (type != TensorFields.DataTypeFloat)
            throw new FormatException($"DeepML ONNX model: initializer '{name}' has element type {type}, expected float ({TensorFields.DataTypeFloat}).");
        return (name, dims.ToArray(), data.Length > 0 ? data : floats.ToArray());
    }
}
