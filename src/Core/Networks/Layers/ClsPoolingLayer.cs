namespace DeepML;

/// <summary>
/// Takes the first token of a sequence: <c>[T, d]</c> becomes <c>[d]</c>. After a <see cref="FeatureTokenizerLayer"/>
/// (which prepends a learned CLS token) and transformer blocks, token 0 is the CLS token the FT-Transformer's head reads.
/// </summary>
[LayerKind("ClsPooling")]
public sealed record ClsPoolingLayer : LayerSpec
{
    /// <inheritdoc />
    public override string Kind => "ClsPooling";

    /// <inheritdoc />
    public override TensorShape OutputShape(TensorShape input) => input.Rank == 2
        ? TensorShape.Vector(input[1])
        : throw new LayerShapeException(Kind, "a sequence [T, d]", input, "Put a FeatureTokenizer (or another layer giving [T, d]) before it.");

    /// <summary>Reads the JSON (the kind has no fields).</summary>
    public static LayerSpec ReadJson(System.Text.Json.Nodes.JsonObject json) => new ClsPoolingLayer();

    /// <summary><c>Gather(x, 0, axis = 1)</c> with a scalar index: <c>[N, T, d]</c> → <c>[N, d]</c>.</summary>
    public override string Lower(OnnxLowering ctx, string input, TensorShape inputShape, string path) =>
        ctx.Node(path, "Gather", [input, ctx.ConstantInt64(path, "token", [0])], ("axis", 1L));
}
