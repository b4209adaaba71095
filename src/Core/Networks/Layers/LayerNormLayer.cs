using System.Text.Json.Nodes;

namespace DeepML;

/// <summary>
/// Layer normalisation over the last axis (PyTorch's <c>LayerNorm(d)</c>): each vector of the last axis is
/// standardised with its own mean and (biased) variance, then scaled by <c>weight</c> and shifted by <c>bias</c>
/// (both <c>[d]</c>). Any input rank; the shape is unchanged. Lowered to ONNX <c>LayerNormalization</c> (opset 17, axis −1).
/// </summary>
[LayerKind("LayerNorm")]
public sealed record LayerNormLayer : LayerSpec
{
    /// <summary>Creates a layer normalisation.</summary>
    /// <param name="epsilon">Added to the variance; finite and &gt; 0.</param>
    public LayerNormLayer(double epsilon = 1e-5)
    {
        if (!(epsilon > 0 && double.IsFinite(epsilon)))
            throw new ArgumentException($"LayerNormLayer: epsilon must be a finite value > 0, got {epsilon}.", nameof(epsilon));
        Epsilon = epsilon;
    }

    /// <summary>Added to the variance before the square root.</summary>
    public double Epsilon { get; }

    /// <inheritdoc />
    public override string Kind => "LayerNorm";

    /// <inheritdoc />
    public override TensorShape OutputShape(TensorShape input) => input;

    /// <inheritdoc />
    public override IEnumerable<(string Name, int[] Shape)> WeightShapes(TensorShape input)
    {
        yield return ("weight", [input[-1]]);
        yield return ("bias", [input[-1]]);
    }

    /// <inheritdoc />
    public override void WriteJson(JsonObject json) => json["epsilon"] = Epsilon;

    /// <summary>Reads the JSON that <see cref="WriteJson"/> writes.</summary>
    public static LayerSpec ReadJson(JsonObject json) => new LayerNormLayer(LayerJson.Optional(json, "epsilon", 1e-5));

    /// <summary><c>LayerNormalization(x, weight, bias, axis = −1, epsilon)</c>.</summary>
    public override string Lower(OnnxLowering ctx, string input, TensorShape inputShape, string path) =>
        ctx.Node(path, "LayerNormalization", [input, ctx.Weight(path, "weight"), ctx.Weight(path, "bias")], ("axis", -1L), ("epsilon", (float)Epsilon));

    /// <inheritdoc />
    protected override string Describe() => "LayerNorm";
}
