using System.Text.Json.Nodes;

namespace DeepML;

/// <summary>
/// Batch normalisation over the first per-example axis: the features of a <c>[F]</c> input (PyTorch's
/// <c>BatchNorm1d</c> on <c>[N, F]</c>), the channels of <c>[C, L]</c> (<c>BatchNorm1d</c> on <c>[N, C, L]</c>)
/// or of <c>[C, H, W]</c> (<c>BatchNorm2d</c>). For inference it is
/// <c>y = (x − running_mean) / sqrt(running_var + ε) · weight + bias</c>, which the inference rewrite
/// folds into a preceding Dense or Conv layer where there is one (<see cref="InferenceRewrite"/>).
/// </summary>
[LayerKind("BatchNorm")]
public sealed record BatchNormLayer : LayerSpec
{
    /// <summary>Creates a batch-norm layer.</summary>
    /// <param name="epsilon">Added to the variance for stability; &gt; 0.</param>
    /// <param name="momentum">Running-statistics update rate, in (0, 1] (PyTorch's convention).</param>
    public BatchNormLayer(double epsilon = 1e-5, double momentum = 0.1)
    {
        if (!(epsilon > 0) || !double.IsFinite(epsilon))
            throw new ArgumentException($"BatchNormLayer: epsilon must be a finite value > 0, got {epsilon}.", nameof(epsilon));
        if (!(momentum > 0 && momentum <= 1))
            throw new ArgumentException($"BatchNormLayer: momentum must be in (0, 1], got {momentum}.", nameof(momentum));
        Epsilon = epsilon;
        Momentum = momentum;
    }

    /// <summary>Added to the variance before the square root.</summary>
    public double Epsilon { get; }

    /// <summary>Running-statistics update rate (PyTorch's convention: new = (1 − m)·old + m·batch).</summary>
    public double Momentum { get; }

    /// <inheritdoc />
    public override string Kind => "BatchNorm";

    /// <inheritdoc />
    public override TensorShape OutputShape(TensorShape input) => input.Rank <= 3
        ? input
        : throw new LayerShapeException(Kind, "[F], [C, L] or [C, H, W]", input, "Flatten or reshape the input to at most three axes before batch normalisation.");

    /// <summary>The normalised axis' size: the features of <c>[F]</c>, the channels of <c>[C, ...]</c>.</summary>
    public static int Channels(TensorShape input) => input[0];

    /// <inheritdoc />
    public override IEnumerable<(string Name, int[] Shape)> WeightShapes(TensorShape input)
    {
        var c = Channels(OutputShape(input));
        yield return ("weight", [c]);
        yield return ("bias", [c]);
        yield return ("running_mean", [c]);
        yield return ("running_var", [c]);
    }

    /// <inheritdoc />
    public override void WriteJson(JsonObject json)
    {
        json["epsilon"] = Epsilon;
        json["momentum"] = Momentum;
    }

    /// <summary>Reads the JSON that <see cref="WriteJson"/> writes.</summary>
    public static LayerSpec ReadJson(JsonObject json) => new BatchNormLayer(LayerJson.Double(json, "epsilon"), LayerJson.Double(json, "momentum"));

    /// <summary>ONNX <c>BatchNormalization</c> (inference mode) with the four weights as initializers.</summary>
    public override string Lower(OnnxLowering ctx, string input, TensorShape inputShape, string path) =>
        ctx.Node(path, "BatchNormalization",
            [input, ctx.Weight(path, "weight"), ctx.Weight(path, "bias"), ctx.Weight(path, "running_mean"), ctx.Weight(path, "running_var")],
            ("epsilon", (float)Epsilon));
}
