using System.Runtime.InteropServices;
using Google.Protobuf;

namespace DeepML.Onnx.Proto;

/// <summary>The header of a model: versions, producer and <c>metadata_props</c>.</summary>
internal sealed record OnnxModelHeader(long IrVersion, long Opset, string ProducerName, string ProducerVersion,
    IReadOnlyList<KeyValuePair<string, string>> Metadata);

/// <summary>
/// A node attribute; exactly one value is set: <see cref="Float"/>, <see cref="Int"/>, <see cref="Ints"/>,
/// <see cref="Floats"/>, <see cref="String"/> or <see cref="Tensor"/>.
/// </summary>
internal sealed record OnnxAttribute(string Name, float? Float = null, long? Int = null, long[]? Ints = null,
    float[]? Floats = null, string? String = null, TensorProto? Tensor = null)
{
    /// <summary>The generated message for this attribute.</summary>
    public AttributeProto ToProto()
    {
        var a = new AttributeProto { Name = Name };
        var set = 0;
        if (Float is { } f) { a.Type = AttributeProto.Types.AttributeType.Float; a.F = f; set++; }
        if (Int is { } i) { a.Type = AttributeProto.Types.AttributeType.Int; a.I = i; set++; }
        if (Ints is { } ii) { a.Type = AttributeProto.Types.AttributeType.Ints; a.Ints.AddRange(ii); set++; }
        if (Floats is { } ff) { a.Type = AttributeProto.Types.AttributeType.Floats; a.Floats.AddRange(ff); set++; }
        if (String is { } s) { a.Type = AttributeProto.Types.AttributeType.String; a.S = ByteString.CopyFromUtf8(s); set++; }
        if (Tensor is { } t) { a.Type = AttributeProto.Types.AttributeType.Tensor; a.T = t; set++; }
        if (set != 1)
            throw new InvalidOperationException($"OnnxAttribute '{Name}': exactly one value must be set, {set} are.");
        return a;
    }
}

/// <summary>ONNX element types (<c>TensorProto.DataType</c>) as the integers the graph builder takes.</summary>
internal static class OnnxDataType
{
    public const int Float = (int)TensorProto.Types.DataType.Float;
    public const int UInt8 = (int)TensorProto.Types.DataType.Uint8;
    public const int Int8 = (int)TensorProto.Types.DataType.Int8;
    public const int Double = (int)TensorProto.Types.DataType.Double;
    public const int Float16 = (int)TensorProto.Types.DataType.Float16;
    public const int Int32 = (int)TensorProto.Types.DataType.Int32;
    public const int Int64 = (int)TensorProto.Types.DataType.Int64;
    public const int String = (int)TensorProto.Types.DataType.String;
    public const int Bool = (int)TensorProto.Types.DataType.Bool;
}

/// <summary>
/// A tensor graph input, output or intermediate value info. Each dimension is a fixed size
/// (<c>long</c> or <c>int</c>) or a symbolic name (<c>string</c>, for example the batch dimension
/// <c>"N"</c>); <paramref name="ElementType"/> is a <c>TensorProto.DataType</c> (see <see cref="OnnxDataType"/>);
/// <paramref name="Sequence"/> declares a sequence of such tensors instead of one tensor.
/// </summary>
internal sealed record OnnxTensorInfo(string Name, object[] Dims, int ElementType = OnnxDataType.Float, bool Sequence = false)
{
    /// <summary>The generated message for this value.</summary>
    public ValueInfoProto ToProto()
    {
        var shape = new TensorShapeProto();
        foreach (var d in Dims)
        {
            shape.Dim.Add(d switch
            {
                string s => new TensorShapeProto.Types.Dimension { DimParam = s },
                long l => new TensorShapeProto.Types.Dimension { DimValue = l },
                int i => new TensorShapeProto.Types.Dimension { DimValue = i },
                _ => throw new InvalidOperationException($"OnnxTensorInfo '{Name}': a dimension must be a long, an int or a string, got {d?.GetType().Name ?? "null"}."),
            });
        }
        var tensor = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = ElementType, Shape = shape } };
        var type = Sequence ? new TypeProto { SequenceType = new TypeProto.Types.Sequence { ElemType = tensor } } : tensor;
        return new ValueInfoProto { Name = Name, Type = type };
    }
}

/// <summary>
/// Collects an ONNX graph (the message types generated from <c>onnx.proto3</c>) while the exporter
/// lowers a network: nodes in topological order, initializers, inputs, outputs and value infos, with
/// unique generated tensor names. <see cref="Encode"/> writes the model; the same graph gives the
/// same bytes (fields in number order, repeated fields in insertion order, no maps).
/// </summary>
internal sealed class OnnxGraph
{
    private readonly GraphProto _graph;
    private readonly HashSet<string> _names = [];

    public OnnxGraph(string name) => _graph = new GraphProto { Name = name };

    public string Name => _graph.Name;
    public IReadOnlyList<NodeProto> Nodes => _graph.Node;
    public IReadOnlyList<TensorProto> Initializers => _graph.Initializer;
    public IReadOnlyList<ValueInfoProto> Inputs => _graph.Input;
    public IReadOnlyList<ValueInfoProto> Outputs => _graph.Output;

    /// <summary>Whether <paramref name="name"/> is already a tensor of the graph.</summary>
    public bool Has(string name) => _names.Contains(name);

    public void AddInput(string name, params object[] dims) => AddTypedInput(name, OnnxDataType.Float, dims);

    public void AddOutput(string name, params object[] dims) => AddTypedOutput(name, OnnxDataType.Float, dims);

    /// <summary>Adds an input of element type <paramref name="elementType"/> (a <c>TensorProto.DataType</c>).</summary>
    public void AddTypedInput(string name, int elementType, params object[] dims)
    {
        Claim(name);
        _graph.Input.Add(new OnnxTensorInfo(name, dims, elementType).ToProto());
    }

    /// <summary>Adds an output of element type <paramref name="elementType"/> (a <c>TensorProto.DataType</c>).</summary>
    public void AddTypedOutput(string name, int elementType, params object[] dims) => _graph.Output.Add(new OnnxTensorInfo(name, dims, elementType).ToProto());

    /// <summary>Adds an output that is a sequence of tensors of element type <paramref name="elementType"/>.</summary>
    public void AddSequenceOutput(string name, int elementType, params object[] dims) => _graph.Output.Add(new OnnxTensorInfo(name, dims, elementType, Sequence: true).ToProto());

    /// <summary>Declares the type and shape of an intermediate tensor (symbolic dimensions as strings).</summary>
    public void AddValueInfo(string name, int elementType, params object[] dims) => _graph.ValueInfo.Add(new OnnxTensorInfo(name, dims, elementType).ToProto());

    /// <summary>Adds a float constant (little-endian <c>raw_data</c>) and returns its (unique) name.</summary>
    public string Constant(string name, float[] data, params long[] dims) => Add(name, OnnxDataType.Float, MemoryMarshal.AsBytes(data.AsSpan()), data.Length, dims);

    /// <summary>Adds an int64 constant (shapes, axes, indices) and returns its (unique) name.</summary>
    public string ConstantInt64(string name, long[] data, params long[] dims) => Add(name, OnnxDataType.Int64, MemoryMarshal.AsBytes(data.AsSpan()), data.Length, dims);

    /// <summary>Adds an int8 constant (quantized weights) and returns its (unique) name.</summary>
    public string ConstantInt8(string name, sbyte[] data, params long[] dims) => Add(name, OnnxDataType.Int8, MemoryMarshal.AsBytes(data.AsSpan()), data.Length, dims);

    /// <summary>Adds a uint8 constant (quantized weights, zero points) and returns its (unique) name.</summary>
    public string ConstantUInt8(string name, byte[] data, params long[] dims) => Add(name, OnnxDataType.UInt8, data, data.Length, dims);

    /// <summary>A scalar (rank-0) float constant, broadcast by element-wise operators.</summary>
    public string Scalar(string name, float value) => Constant(name, [value]);

    /// <summary>
    /// Adds a single-output node. The output is named <paramref name="output"/> exactly when given
    /// (graph outputs need fixed names), otherwise a unique name derived from <paramref name="name"/>.
    /// </summary>
    public string Node(string name, string opType, string[] inputs, string? output = null, params OnnxAttribute[] attributes)
    {
        var outName = output is null ? Unique(name) : Claim(output);
        var node = new NodeProto { Name = Unique(name + "/" + opType), OpType = opType };
        node.Input.AddRange(inputs);
        node.Output.Add(outName);
        node.Attribute.AddRange(attributes.Select(a => a.ToProto()));
        _graph.Node.Add(node);
        return outName;
    }

    /// <summary>
    /// Makes the value <paramref name="tensor"/> available under the fixed name <paramref name="name"/> (a graph
    /// output): the node that writes it is renamed when nothing else reads it, otherwise an <c>Identity</c> is added.
    /// </summary>
    public string Alias(string tensor, string name)
    {
        var producer = _graph.Node.LastOrDefault(n => n.Output.Contains(tensor));
        var consumed = _graph.Node.Any(n => n.Input.Contains(tensor)) || _graph.Input.Any(i => i.Name == tensor);
        if (producer is null || consumed)
            return Node(name, "Identity", [tensor], name);
        Claim(name);
        producer.Output[producer.Output.IndexOf(tensor)] = name;
        return name;
    }

    /// <summary>The model: this graph with the header's versions, producer, default-domain opset and metadata.</summary>
    public ModelProto ToModel(OnnxModelHeader header)
    {
        var model = new ModelProto
        {
            IrVersion = header.IrVersion,
            ProducerName = header.ProducerName,
            ProducerVersion = header.ProducerVersion,
            Graph = _graph.Clone(),
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = header.Opset });
        foreach (var (key, value) in header.Metadata)
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model;
    }

    /// <summary>The serialized <c>ModelProto</c>.</summary>
    public byte[] Encode(OnnxModelHeader header) => ToModel(header).ToByteArray();

    private string Add(string name, int type, ReadOnlySpan<byte> raw, int count, long[] dims)
    {
        var expected = dims.Aggregate(1L, (a, b) => a * b);
        if (expected != count)
            throw new InvalidOperationException($"OnnxGraph: constant '{name}' has {count} values but dims [{string.Join(", ", dims)}] hold {expected}.");
        name = Unique(name);
        var tensor = new TensorProto { Name = name, DataType = type, RawData = ByteString.CopyFrom(raw) };
        tensor.Dims.AddRange(dims);
        _graph.Initializer.Add(tensor);
        return name;
    }

    private string Unique(string name)
    {
        var candidate = name;
        for (var i = 1; !_names.Add(candidate); i++)
            candidate = $"{name}_{i}";
        return candidate;
    }

    private string Claim(string name)
    {
        if (!_names.Add(name))
            throw new InvalidOperationException($"OnnxGraph: tensor name '{name}' is used twice; graph input and output names must be unique.");
        return name;
    }
}
