using System.Text.Json.Nodes;

namespace DeepML;

/// <summary>Flattens one example to a vector: <c>[C, H, W]</c> becomes <c>[C·H·W]</c> (PyTorch's <c>Flatten()</c>, ONNX <c>Flatten</c> with axis 1).</summary>
[LayerKind("Flatten")]
public sealed record FlattenLayer : LayerSpec
{
    /// <inheritdoc />
    public override string Kind => "Flatten";

    /// <inheritdoc />
    public override TensorShape OutputShape(TensorShape input) => TensorShape.Vector(input.ElementCount);

    /// <summary>Reads the JSON that <see cref="LayerSpec.WriteJson"/> writes (no fields).</summary>
    public static LayerSpec ReadJson(JsonObject json) => new FlattenLayer();

    /// <summary>ONNX <c>Flatten</c>, axis 1 (the batch axis stays).</summary>
    public override string Lower(OnnxLowering ctx, string input, TensorShape inputShape, string path) =>
        ctx.Node(path, "Flatten", [input], ("axis", 1L));
}
