using System.Text.Json.Nodes;

namespace DeepML;

/// <summary>Element-wise non-linearities.</summary>
public enum ActivationKind
{
    /// <summary><c>max(0, x)</c>.</summary>
    Relu,
    /// <summary><c>x</c> for x ≥ 0, <c>α·x</c> otherwise (α = <see cref="ActivationLayer.Alpha"/>).</summary>
    LeakyRelu,
    /// <summary>Exact GELU, <c>x·Φ(x)</c> (built from Erf in ONNX).</summary>
    Gelu,
    /// <summary>Hyperbolic tangent.</summary>
    Tanh,
    /// <summary>Logistic sigmoid.</summary>
    Sigmoid,
    /// <summary><c>x</c> for x ≥ 0, <c>α·(eˣ − 1)</c> otherwise (α = <see cref="ActivationLayer.Alpha"/>).</summary>
    Elu,
    /// <summary><c>x·sigmoid(x)</c> (also called swish).</summary>
    Silu,
}

/// <summary>An element-wise activation; any input shape. Its <see cref="Kind"/> is the activation's name.</summary>
[LayerKind("Relu", "LeakyRelu", "Gelu", "Tanh", "Sigmoid", "Elu", "Silu")]
public sealed record ActivationLayer : LayerSpec
{
    /// <summary>Creates an activation layer.</summary>
    /// <param name="activation">Which non-linearity.</param>
    /// <param name="alpha">Slope (LeakyRelu) or scale (Elu) for negative inputs; ignored otherwise.</param>
    public ActivationLayer(ActivationKind activation, double alpha = double.NaN)
    {
        if (!Enum.IsDefined(activation))
            throw new ArgumentException($"ActivationLayer: unknown activation {(int)activation}.", nameof(activation));
        Activation = activation;
        Alpha = double.IsNaN(alpha) ? (activation == ActivationKind.Elu ? 1.0 : 0.01) : alpha;
        if (!double.IsFinite(Alpha) || Alpha < 0)
            throw new ArgumentException($"ActivationLayer: alpha must be a finite value ≥ 0, got {alpha}.", nameof(alpha));
    }

    /// <summary>The non-linearity.</summary>
    public ActivationKind Activation { get; }

    /// <summary>Negative-side slope (LeakyRelu) or scale (Elu).</summary>
    public double Alpha { get; }

    /// <inheritdoc />
    public override string Kind => Activation.ToString();

    /// <summary>Whether He initialisation suits a layer feeding this activation (ReLU family).</summary>
    public bool IsReluFamily => Activation is ActivationKind.Relu or ActivationKind.LeakyRelu or ActivationKind.Elu or ActivationKind.Gelu or ActivationKind.Silu;

    /// <inheritdoc />
    public override TensorShape OutputShape(TensorShape input) => input;

    /// <inheritdoc />
    public override void WriteJson(JsonObject json) => json["alpha"] = Alpha;

    /// <summary>Reads the JSON that <see cref="WriteJson"/> writes (the kind names the activation).</summary>
    public static LayerSpec ReadJson(JsonObject json)
    {
        var kind = json["kind"]!.GetValue<string>();
        return Enum.TryParse<ActivationKind>(kind, out var a) && Enum.IsDefined(a)
            ? new ActivationLayer(a, LayerJson.Optional(json, "alpha", double.NaN))
            : throw new FormatException($"'{kind}' is not an activation; expected one of {string.Join(", ", Enum.GetNames<ActivationKind>())}");
    }

    /// <summary>
    /// Relu, Tanh, Sigmoid → the operators of that name; LeakyRelu and Elu with their alpha; Silu → <c>x·Sigmoid(x)</c>;
    /// Gelu (exact) → <c>0.5·x·(1 + Erf(x/√2))</c>, as Gelu is only an operator from opset 20.
    /// </summary>
    public override string Lower(OnnxLowering ctx, string input, TensorShape inputShape, string path)
    {
        switch (Activation)
        {
            case ActivationKind.Relu: return ctx.Node(path, "Relu", [input]);
            case ActivationKind.Tanh: return ctx.Node(path, "Tanh", [input]);
            case ActivationKind.Sigmoid: return ctx.Node(path, "Sigmoid", [input]);
            case ActivationKind.LeakyRelu: return ctx.Node(path, "LeakyRelu", [input], ("alpha", (float)Alpha));
            case ActivationKind.Elu: return ctx.Node(path, "Elu", [input], ("alpha", (float)Alpha));
            case ActivationKind.Silu: return ctx.Node(path, "Mul", [input, ctx.Node(path, "Sigmoid", [input])]);
            default:
                var scaled = ctx.Node(path, "Div", [input, ctx.Scalar(path, "sqrt2", (float)Math.Sqrt(2.0))]);
                var onePlusErf = ctx.Node(path, "Add", [ctx.Node(path, "Erf", [scaled]), ctx.Scalar(path, "one", 1f)]);
                return ctx.Node(path, "Mul", [ctx.Node(path, "Mul", [input, onePlusErf]), ctx.Scalar(path, "half", 0.5f)]);
        }
    }
}
