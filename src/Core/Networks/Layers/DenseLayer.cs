using System.Text.Json.Nodes;

namespace DeepML;

/// <summary>
/// A fully connected layer over the last axis: <c>y = x·Wᵀ + b</c>, with <c>W</c> of shape <c>[Units, in]</c>
/// (PyTorch's <c>Linear</c>). <c>[F]</c> becomes <c>[Units]</c>; <c>[T, F]</c> becomes <c>[T, Units]</c>.
/// </summary>
[LayerKind("Dense")]
public sealed record DenseLayer : LayerSpec, IFoldsChannelAffine
{
    /// <summary>Creates a dense layer.</summary>
    /// <param name="units">Output features; at least 1.</param>
    /// <param name="useBias">Whether the layer adds a bias vector.</param>
    public DenseLayer(int units, bool useBias = true)
    {
        if (units < 1)
            throw new ArgumentException($"DenseLayer: units must be at least 1, got {units}.", nameof(units));
        Units = units;
        UseBias = useBias;
    }

    /// <summary>Output features.</summary>
    public int Units { get; }

    /// <summary>Whether a bias vector is added.</summary>
    public bool UseBias { get; }

    /// <inheritdoc />
    public override string Kind => "Dense";

    /// <inheritdoc />
    public override TensorShape OutputShape(TensorShape input) => input.WithLast(Units);

    /// <inheritdoc />
    public override IEnumerable<(string Name, int[] Shape)> WeightShapes(TensorShape input)
    {
        yield return ("weight", [Units, input[-1]]);
        if (UseBias)
            yield return ("bias", [Units]);
    }

    /// <inheritdoc />
    public int OutputChannelAxis(TensorShape input) => input.Rank - 1;

    /// <inheritdoc />
    public LayerSpec WithBias() => new DenseLayer(Units, useBias: true);

    /// <inheritdoc />
    public override void WriteJson(JsonObject json)
    {
        json["units"] = Units;
        json["useBias"] = UseBias;
    }

    /// <summary>Reads the JSON that <see cref="WriteJson"/> writes.</summary>
    public static LayerSpec ReadJson(JsonObject json) => new DenseLayer(LayerJson.Int(json, "units"), LayerJson.Optional(json, "useBias", true));

    /// <summary>
    /// <c>Gemm</c> (transB = 1) for a vector input; <c>MatMul</c> by the transposed weight and <c>Add</c> for higher ranks.
    /// </summary>
    public override string Lower(OnnxLowering ctx, string input, TensorShape inputShape, string path)
    {
        var weight = ctx.Weight(path, "weight");
        if (inputShape.Rank == 1)
        {
            string[] inputs = UseBias ? [input, weight, ctx.Weight(path, "bias")] : [input, weight];
            return ctx.Node(path, "Gemm", inputs, ("transB", 1L));
        }
        var product = ctx.Node(path, "MatMul", [input, ctx.Node(path, "Transpose", [weight], ("perm", new long[] { 1, 0 }))]);
        return UseBias ? ctx.Node(path, "Add", [product, ctx.Weight(path, "bias")]) : product;
    }

    /// <inheritdoc />
    protected override string Describe() => $"Dense({Units})";
}
