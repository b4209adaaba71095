namespace DeepML.Onnx.Proto;

/// <summary>A node attribute; exactly one of <see cref="Float"/> and <see cref="Int"/> is set.</summary>
internal sealed record OnnxAttribute(string Name, float? Float = null, long? Int = null);

/// <summary>One operator application.</summary>
internal sealed record OnnxNode(string Name, string OpType, string[] Inputs, string[] Outputs, OnnxAttribute[] Attributes);

/// <summary>A float constant, stored as little-endian <c>raw_data</c>.</summary>
internal sealed record OnnxInitializer(string Name, long[] Dims, float[] Data);

/// <summary>
/// A tensor graph input or output. Each dimension is a fixed size (<c>long</c>) or a symbolic
/// name (<c>string</c>, for example the batch dimension <c>"N"</c>); <paramref name="ElementType"/>
/// is a <c>TensorProto.DataType</c> (<see cref="TensorFields.DataTypeFloat"/> unless given);
/// <paramref name="Sequence"/> declares a sequence of such tensors instead of one tensor.
/// </summary>
internal sealed record OnnxTensorInfo(string Name, object[] Dims, int ElementType = TensorFields.DataTypeFloat, bool Sequence = false);

/// <summary>
/// Collects an ONNX graph while the exporter lowers a network: nodes in topological order,
/// initializers, inputs and outputs, with unique generated tensor names.
/// </summary>
internal sealed class OnnxGraph
{
    private readonly List<OnnxNode> _nodes = [];
    private readonly List<OnnxInitializer> _initializers = [];
    private readonly List<OnnxTensorInfo> _inputs = [];
    private readonly List<OnnxTensorInfo> _outputs = [];
    private readonly HashSet<string> _names = [];

    public OnnxGraph(string name) => Name = name;

    public string Name { get; }
    public IReadOnlyList<OnnxNode> Nodes => _nodes;
    public IReadOnlyList<OnnxInitializer> Initializers => _initializers;
    public IReadOnlyList<OnnxTensorInfo> Inputs => _inputs;
    public IReadOnlyList<OnnxTensorInfo> Outputs => _outputs;

    public void AddInput(string name, params object[] dims)
    {
        Claim(name);
        _inputs.Add(new OnnxTensorInfo(name, dims));
    }

    public void AddOutput(string name, params object[] dims) => _outputs.Add(new OnnxTensorInfo(name, dims));

    /// <summary>Adds an input of element type <paramref name="elementType"/> (a <c>TensorProto.DataType</c>).</summary>
    public void AddTypedInput(string name, int elementType, params object[] dims)
    {
        Claim(name);
        _inputs.Add(new OnnxTensorInfo(name, dims, elementType));
    }

    /// <summary>Adds an output of element type <paramref name="elementType"/> (a <c>TensorProto.DataType</c>).</summary>
    public void AddTypedOutput(string name, int elementType, params object[] dims) => _outputs.Add(new OnnxTensorInfo(name, dims, elementType));

    /// <summary>Adds an output that is a sequence of tensors of element type <paramref name="elementType"/>.</summary>
    public void AddSequenceOutput(string name, int elementType, params object[] dims) => _outputs.Add(new OnnxTensorInfo(name, dims, elementType, Sequence: true));

    /// <summary>Adds a constant and returns its (unique) name.</summary>
    public string Constant(string name, float[] data, params long[] dims)
    {
        name = Unique(name);
        _initializers.Add(new OnnxInitializer(name, dims, data));
        return name;
    }

    /// <summary>A scalar (rank-0) constant, broadcast by element-wise operators.</summary>
    public string Scalar(string name, float value) => Constant(name, [value]);

    /// <summary>
    /// Adds a single-output node. The output is named <paramref name="output"/> exactly when given
    /// (graph outputs need fixed names), otherwise a unique name derived from <paramref name="name"/>.
    /// </summary>
    public string Node(string name, string opType, string[] inputs, string? output = null, params OnnxAttribute[] attributes)
    {
        var outName = output is null ? Unique(name) : Claim(output);
        _nodes.Add(new OnnxNode(Unique(name + "/" + opType), opType, inputs, [outName], attributes));
        return outName;
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
