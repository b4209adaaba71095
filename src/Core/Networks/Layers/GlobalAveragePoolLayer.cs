using System.Text.Json.Nodes;

namespace DeepML;

/// <summary>
/// The mean of each channel over all spatial positions: <c>[C, L]</c> or <c>[C, H, W]</c> becomes <c>[C]</c>
/// (PyTorch's <c>AdaptiveAvgPool2d(1)</c> followed by <c>Flatten()</c>; ONNX <c>GlobalAveragePool</c> then
/// <c>Flatten</c>). The usual end of a ResNet body before the dense head. No weights.
/// </summary>
[LayerKind("GlobalAveragePool")]
public sealed record GlobalAveragePoolLayer : LayerSpec
{
    /// <inheritdoc />
    public override string Kind => "GlobalAveragePool";

    /// <inheritdoc />
    public override TensorShape OutputShape(TensorShape input) => input.Rank is 2 or 3
        ? TensorShape.Vector(input[0])
        : throw new LayerShapeException(Kind, "[C, L] or [C, H, W]", input, "Global pooling needs channels and spatial axes; declare the input as [C, H, W] (NeuralNetworkOptions.InputShape).");

    /// <summary>Reads the JSON that <see cref="LayerSpec.WriteJson"/> writes (no fields).</summary>
    public static LayerSpec ReadJson(JsonObject json) => new GlobalAveragePoolLayer();

    /// <summary>ONNX <c>GlobalAveragePool</c> (<c>[N, C, 1, 1]</c>) then <c>Flatten</c> on axis 1 (<c>[N, C]</c>).</summary>
    public override string Lower(OnnxLowering ctx, string input, TensorShape inputShape, string path)
    {
        var pooled = ctx.Node(path, "GlobalAveragePool", [input]);
        return ctx.Node(path, "Flatten", [pooled], ("axis", 1L));
    }
}
