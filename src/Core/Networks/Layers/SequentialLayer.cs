using System.Text.Json.Nodes;

namespace DeepML;

/// <summary>
/// Layers applied one after the other; children are named <c>"0"</c>, <c>"1"</c>, ... (PyTorch's
/// <c>Sequential</c>), so the weights of child 2 are <c>"2.weight"</c> under this layer's path.
/// A <see cref="NetworkSpec"/>'s root is one of these.
/// </summary>
[LayerKind("Sequential")]
public sealed record SequentialLayer : LayerSpec
{
    private readonly LayerSpec[] _layers;

    /// <summary>Creates a sequence; it may be empty (the identity).</summary>
    /// <param name="layers">The layers, input to output; none may be null.</param>
    public SequentialLayer(IEnumerable<LayerSpec> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        _layers = layers.ToArray();
        var bad = Array.FindIndex(_layers, l => l is null);
        if (bad >= 0)
            throw new ArgumentException($"SequentialLayer: layer {bad} is null. Pass only layer objects.", nameof(layers));
    }

    /// <summary>Creates a sequence from its layers.</summary>
    public SequentialLayer(params LayerSpec[] layers) : this((IEnumerable<LayerSpec>)layers) { }

    /// <summary>The layers, input to output.</summary>
    public IReadOnlyList<LayerSpec> Layers => _layers;

    /// <inheritdoc />
    public override string Kind => "Sequential";

    /// <inheritdoc />
    public override IReadOnlyList<(string Name, LayerSpec Layer)> Children =>
        _layers.Select((l, i) => (i.ToString(System.Globalization.CultureInfo.InvariantCulture), l)).ToArray();

    /// <inheritdoc />
    public override IEnumerable<(string Name, LayerSpec Layer, TensorShape Input)> ChildInputs(TensorShape input)
    {
        var shape = input;
        foreach (var (name, layer) in Children)
        {
            yield return (name, layer, shape);
            shape = ChildOutputShape(name, layer, shape);
        }
    }

    /// <inheritdoc />
    public override TensorShape OutputShape(TensorShape input)
    {
        var shape = input;
        foreach (var (name, layer) in Children)
            shape = ChildOutputShape(name, layer, shape);
        return shape;
    }

    /// <inheritdoc />
    public override LayerSpec WithChildren(IReadOnlyList<LayerSpec> children) => new SequentialLayer(children);

    /// <inheritdoc />
    public override void WriteJson(JsonObject json) => json["layers"] = LayerJson.WriteAll(_layers);

    /// <summary>Reads the JSON that <see cref="WriteJson"/> writes.</summary>
    public static LayerSpec ReadJson(JsonObject json) => new SequentialLayer(LayerJson.ReadAll(json["layers"]));

    /// <summary>Each child in turn.</summary>
    public override string Lower(OnnxLowering ctx, string input, TensorShape inputShape, string path)
    {
        var x = input;
        foreach (var (name, layer, shape) in ChildInputs(inputShape))
            x = ctx.LowerChild(layer, x, shape, path, name);
        return x;
    }

    /// <summary>Equal when the layers are, in order.</summary>
    public bool Equals(SequentialLayer? other) => other is not null && _layers.SequenceEqual(other._layers);

    /// <inheritdoc />
    public override int GetHashCode() => _layers.Aggregate(_layers.Length, (h, l) => HashCode.Combine(h, l));

    /// <inheritdoc />
    protected override string Describe() => $"Sequential({string.Join(" → ", _layers.Select(l => l.ToString()))})";
}
