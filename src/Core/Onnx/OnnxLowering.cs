using DeepML.Onnx.Proto;

namespace DeepML;

/// <summary>
/// What a layer's <see cref="LayerSpec.Lower"/> writes into: the ONNX graph being built (opset
/// <see cref="OnnxExporter.Opset"/>, batch dimension first) and the network's weights by full name.
/// Weights become initializers named exactly by their path (<c>"3.body.0.weight"</c>), so a reader
/// finds them again without knowing the layer kind.
/// </summary>
public sealed class OnnxLowering
{
    private readonly OnnxGraph _graph;
    private readonly NetworkWeights _weights;

    internal OnnxLowering(OnnxGraph graph, NetworkWeights weights)
    {
        _graph = graph;
        _weights = weights;
    }

    /// <summary>The weight <c>"{path}.{name}"</c> as an initializer of that exact name (added once); returns the name.</summary>
    /// <param name="path">The layer's path.</param>
    /// <param name="name">The weight's own name, for example <c>"weight"</c>.</param>
    public string Weight(string path, string name)
    {
        var full = LayerTree.Join(path, name);
        if (_graph.Has(full))
            return full;
        var array = _weights[full];
        var added = _graph.Constant(full, array.Data, array.Shape.Select(d => (long)d).ToArray());
        return added == full ? full : throw new InvalidOperationException($"OnnxLowering: the tensor name '{full}' was taken before the weight was added; name lowering constants with Constant(path, name, ...), which adds a '/'.");
    }

    /// <summary>The values of the weight <c>"{path}.{name}"</c>, for lowerings that compute derived constants.</summary>
    public WeightArray WeightValues(string path, string name) => _weights[LayerTree.Join(path, name)];

    /// <summary>A float constant named <c>"{path}/{name}"</c> (never a weight name); returns its tensor name.</summary>
    public string Constant(string path, string name, float[] data, params long[] dims) => _graph.Constant($"{path}/{name}", data, dims);

    /// <summary>An int64 constant (shapes, axes) named <c>"{path}/{name}"</c>; returns its tensor name.</summary>
    public string ConstantInt64(string path, string name, long[] data, params long[] dims) => _graph.ConstantInt64($"{path}/{name}", data, dims);

    /// <summary>A rank-0 float constant, broadcast by element-wise operators.</summary>
    public string Scalar(string path, string name, float value) => Constant(path, name, [value]);

    /// <summary>
    /// Adds one node and returns its output tensor's name. Attribute values may be <c>long</c>, <c>int</c>,
    /// <c>float</c>, <c>double</c> (written as float), <c>long[]</c>, <c>int[]</c>, <c>float[]</c> or <c>string</c>.
    /// </summary>
    /// <param name="path">The layer's path (node and tensor names derive from it).</param>
    /// <param name="opType">The ONNX operator, for example <c>"Conv"</c>.</param>
    /// <param name="inputs">Input tensor names (an empty string skips an optional input).</param>
    /// <param name="attributes">Name and value of each attribute.</param>
    public string Node(string path, string opType, string[] inputs, params (string Name, object Value)[] attributes) =>
        _graph.Node(path.Length == 0 ? opType.ToLowerInvariant() : $"{path}/{opType.ToLowerInvariant()}", opType, inputs, null, attributes.Select(ToAttribute).ToArray());

    /// <summary>Lowers a child layer at <c>"{path}.{name}"</c>; returns its output tensor's name.</summary>
    public string LowerChild(LayerSpec child, string input, TensorShape inputShape, string path, string name) =>
        child.Lower(this, input, inputShape, LayerTree.Join(path, name));

    private static OnnxAttribute ToAttribute((string Name, object Value) a) => a.Value switch
    {
        long l => new OnnxAttribute(a.Name, Int: l),
        int i => new OnnxAttribute(a.Name, Int: i),
        float f => new OnnxAttribute(a.Name, Float: f),
        double d => new OnnxAttribute(a.Name, Float: (float)d),
        long[] ls => new OnnxAttribute(a.Name, Ints: ls),
        int[] ins => new OnnxAttribute(a.Name, Ints: ins.Select(v => (long)v).ToArray()),
        float[] fs => new OnnxAttribute(a.Name, Floats: fs),
        string s => new OnnxAttribute(a.Name, String: s),
        _ => throw new ArgumentException($"OnnxLowering: attribute '{a.Name}' has a value of type {a.Value?.GetType().Name ?? "null"}; use long, int, float, double, long[], int[], float[] or string.", nameof(a)),
    };
}
