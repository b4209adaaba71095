using System.Text.Json.Nodes;

namespace DeepML;

/// <summary>
/// Multi-head self-attention over a sequence: <c>[T, d]</c> → <c>[T, d]</c>. Each head h sees
/// <c>Q_h = x·W_qᵀ + b_q</c>, <c>K_h</c>, <c>V_h</c> (columns <c>h·d/H .. (h+1)·d/H</c>), weights
/// <c>A_h = softmax(Q_h·K_hᵀ / √(d/H))</c> over the keys, output <c>A_h·V_h</c>; heads are concatenated and
/// projected by <c>output</c>. Weights (PyTorch <c>Linear</c> layout, <c>[out, in]</c>): <c>query.weight</c>,
/// <c>query.bias</c>, <c>key.*</c>, <c>value.*</c>, <c>output.*</c>, each <c>[d, d]</c> / <c>[d]</c>.
/// </summary>
/// <remarks>
/// Dropout (training only) drops attention weights after the softmax, as in the FT-Transformer and PyTorch's
/// <c>MultiheadAttention</c>. ONNX: <c>MatMul</c>, <c>Reshape</c>, <c>Transpose</c>, <c>Softmax</c> (opset 13+ semantics:
/// over the last axis only). The attention weights of a prediction can be read with DeepML.Estimators'
/// <c>AttentionMaps</c>.
/// </remarks>
[LayerKind("MultiHeadSelfAttention")]
public sealed record MultiHeadSelfAttentionLayer : LayerSpec
{
    /// <summary>The projections, in weight-name order.</summary>
    public static readonly string[] Projections = ["query", "key", "value", "output"];

    /// <summary>Creates a self-attention layer.</summary>
    /// <param name="heads">Number of heads; at least 1, and it must divide the input's last dimension.</param>
    /// <param name="dropout">Dropout rate on the attention weights during training, in [0, 1).</param>
    public MultiHeadSelfAttentionLayer(int heads, double dropout = 0)
    {
        if (heads < 1)
            throw new ArgumentException($"MultiHeadSelfAttentionLayer: heads must be at least 1, got {heads}.", nameof(heads));
        if (!(dropout >= 0 && dropout < 1))
            throw new ArgumentException($"MultiHeadSelfAttentionLayer: dropout must be in [0, 1), got {dropout}.", nameof(dropout));
        Heads = heads;
        Dropout = dropout;
    }

    /// <summary>Number of heads.</summary>
    public int Heads { get; }

    /// <summary>Dropout rate on the attention weights (training only).</summary>
    public double Dropout { get; }

    /// <inheritdoc />
    public override string Kind => "MultiHeadSelfAttention";

    /// <inheritdoc />
    public override TensorShape OutputShape(TensorShape input)
    {
        if (input.Rank != 2)
            throw new LayerShapeException(Kind, "a sequence [T, d]", input, "Put a FeatureTokenizer (or another layer giving [T, d]) before it.");
        if (input[1] % Heads != 0)
            throw new LayerShapeException(Kind, $"[T, d] with d divisible by heads = {Heads}", input, $"Choose a token dimension that is a multiple of {Heads}, or another number of heads.");
        return input;
    }

    /// <inheritdoc />
    public override IEnumerable<(string Name, int[] Shape)> WeightShapes(TensorShape input)
    {
        var d = OutputShape(input)[1];
        foreach (var p in Projections)
        {
            yield return ($"{p}.weight", [d, d]);
            yield return ($"{p}.bias", [d]);
        }
    }

    /// <inheritdoc />
    public override void WriteJson(JsonObject json)
    {
        json["heads"] = Heads;
        json["dropout"] = Dropout;
    }

    /// <summary>Reads the JSON that <see cref="WriteJson"/> writes.</summary>
    public static LayerSpec ReadJson(JsonObject json) => new MultiHeadSelfAttentionLayer(LayerJson.Int(json, "heads"), LayerJson.Optional(json, "dropout", 0.0));

    /// <summary>Scaled dot-product attention on <c>[N, T, d]</c>, heads as a separate axis.</summary>
    public override string Lower(OnnxLowering ctx, string input, TensorShape inputShape, string path)
    {
        var d = inputShape[1];
        var dh = d / Heads;
        var split = ctx.ConstantInt64(path, "split_heads", [0, 0, Heads, dh], 4);
        string Project(string x, string name) => ctx.Node(path, "Add", [
            ctx.Node(path, "MatMul", [x, ctx.Node(path, "Transpose", [ctx.Weight(path, $"{name}.weight")], ("perm", new long[] { 1, 0 }))]),
            ctx.Weight(path, $"{name}.bias")]);
        string Heads4(string name, long[] perm) => ctx.Node(path, "Transpose", [ctx.Node(path, "Reshape", [Project(input, name), split])], ("perm", perm));
        var q = Heads4("query", [0, 2, 1, 3]);                                      // [N, H, T, dh]
        var kT = Heads4("key", [0, 2, 3, 1]);                                       // [N, H, dh, T]
        var v = Heads4("value", [0, 2, 1, 3]);                                      // [N, H, T, dh]
        var scores = ctx.Node(path, "Mul", [ctx.Node(path, "MatMul", [q, kT]), ctx.Scalar(path, "scale", (float)(1.0 / Math.Sqrt(dh)))]);
        var weights = ctx.Node(path, "Softmax", [scores], ("axis", -1L));           // [N, H, T, T]
        var heads = ctx.Node(path, "Transpose", [ctx.Node(path, "MatMul", [weights, v])], ("perm", new long[] { 0, 2, 1, 3 }));
        var merged = ctx.Node(path, "Reshape", [heads, ctx.ConstantInt64(path, "merge_heads", [0, 0, d], 3)]); // [N, T, d]
        return Project(merged, "output");
    }

    /// <inheritdoc />
    protected override string Describe() => Dropout > 0 ? $"MultiHeadSelfAttention({Heads} heads, dropout {Invariant(Dropout)})" : $"MultiHeadSelfAttention({Heads} heads)";
}
