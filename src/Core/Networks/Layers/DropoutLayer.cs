using System.Text.Json.Nodes;

namespace DeepML;

/// <summary>Dropout during training; removed for inference (and from exported ONNX graphs).</summary>
[LayerKind("Dropout")]
public sealed record DropoutLayer : LayerSpec
{
    /// <summary>Creates a dropout layer.</summary>
    /// <param name="rate">Probability of zeroing an element, in [0, 1).</param>
    public DropoutLayer(double rate)
    {
        if (!(rate >= 0 && rate < 1))
            throw new ArgumentException($"DropoutLayer: rate must be in [0, 1), got {rate}.", nameof(rate));
        Rate = rate;
    }

    /// <summary>Probability of zeroing an element during training.</summary>
    public double Rate { get; }

    /// <inheritdoc />
    public override string Kind => "Dropout";

    /// <inheritdoc />
    public override TensorShape OutputShape(TensorShape input) => input;

    /// <inheritdoc />
    public override bool IsIdentityAtInference => true;

    /// <inheritdoc />
    public override void WriteJson(JsonObject json) => json["rate"] = Rate;

    /// <summary>Reads the JSON that <see cref="WriteJson"/> writes.</summary>
    public static LayerSpec ReadJson(JsonObject json) => new DropoutLayer(LayerJson.Double(json, "rate"));

    /// <summary>The identity: no node.</summary>
    public override string Lower(OnnxLowering ctx, string input, TensorShape inputShape, string path) => input;

    /// <inheritdoc />
    protected override string Describe() => $"Dropout({Invariant(Rate)})";
}
