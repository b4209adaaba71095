using System.Text.Json.Nodes;

namespace DeepML;

/// <summary>
/// A pre-norm transformer block on <c>[T, d]</c>: <c>x + Drop(MHSA(LN(x)))</c>, then
/// <c>x + Drop(W₂·Drop(GELU(W₁·LN(x))))</c> (the FT-Transformer's block; the first block of an FT-Transformer skips
/// the attention's layer norm). Children: <c>"attention"</c> and <c>"ffn"</c>, each a <see cref="ResidualLayer"/>, so the
/// weight names are <c>"{path}.attention.body.1.query.weight"</c>, <c>"{path}.ffn.body.1.weight"</c> and so on.
/// </summary>
/// <remarks>The block is a composite of existing kinds: its shape inference, ONNX lowering and TorchSharp module are its
/// children's, and the inference rewrite removes its dropouts like any other.</remarks>
[LayerKind("TransformerBlock")]
public sealed record TransformerBlockLayer : LayerSpec
{
    /// <summary>Creates a block.</summary>
    /// <param name="heads">Attention heads; must divide d.</param>
    /// <param name="ffnHidden">Hidden units of the feed-forward part; at least 1.</param>
    /// <param name="attentionDropout">Dropout on the attention weights, in [0, 1).</param>
    /// <param name="ffnDropout">Dropout after the GELU, in [0, 1).</param>
    /// <param name="residualDropout">Dropout on each branch before its residual add, in [0, 1).</param>
    /// <param name="normalizeAttentionInput">Whether a layer norm precedes the attention (false for an FT-Transformer's first block).</param>
    /// <param name="tokenDimension">The block's d: the input's last dimension, which the feed-forward part projects back to.</param>
    public TransformerBlockLayer(int heads, int ffnHidden, int tokenDimension, double attentionDropout = 0, double ffnDropout = 0, double residualDropout = 0, bool normalizeAttentionInput = true)
        : this(Build(heads, ffnHidden, tokenDimension, attentionDropout, ffnDropout, residualDropout, normalizeAttentionInput)) { }

    private TransformerBlockLayer((ResidualLayer Attention, ResidualLayer FeedForward) parts)
    {
        Attention = parts.Attention;
        FeedForward = parts.FeedForward;
    }

    /// <summary>The attention half, <c>Residual(Sequential([LN,] MHSA[, Dropout]))</c>.</summary>
    public ResidualLayer Attention { get; }

    /// <summary>The feed-forward half, <c>Residual(Sequential(LN, Dense, Gelu[, Dropout], Dense[, Dropout]))</c>.</summary>
    public ResidualLayer FeedForward { get; }

    private static readonly TransformerBlockLayer Placeholder = new((new ResidualLayer(new SequentialLayer()), new ResidualLayer(new SequentialLayer())));

    /// <inheritdoc />
    public override string Kind => "TransformerBlock";

    /// <summary>The attention layer inside the block.</summary>
    public MultiHeadSelfAttentionLayer SelfAttention => Descendants(Attention).OfType<MultiHeadSelfAttentionLayer>().First();

    private static IEnumerable<LayerSpec> Descendants(LayerSpec layer) => layer.Children.SelectMany(c => Descendants(c.Layer)).Prepend(layer);

    /// <inheritdoc />
    public override IReadOnlyList<(string Name, LayerSpec Layer)> Children => [("attention", Attention), ("ffn", FeedForward)];

    /// <inheritdoc />
    public override IEnumerable<(string Name, LayerSpec Layer, TensorShape Input)> ChildInputs(TensorShape input)
    {
        var middle = ChildOutputShape("attention", Attention, input);
        return [("attention", Attention, input), ("ffn", FeedForward, middle)];
    }

    /// <inheritdoc />
    public override TensorShape OutputShape(TensorShape input)
    {
        if (input.Rank != 2)
            throw new LayerShapeException(Kind, "a sequence [T, d]", input, "Put a FeatureTokenizer (or another layer giving [T, d]) before it.");
        return ChildOutputShape("ffn", FeedForward, ChildOutputShape("attention", Attention, input));
    }

    /// <inheritdoc />
    public override LayerSpec WithChildren(IReadOnlyList<LayerSpec> children) =>
        children is [ResidualLayer a, ResidualLayer f] ? new TransformerBlockLayer((a, f))
            : throw new ArgumentException($"TransformerBlockLayer: expected two residual children (attention, ffn), got {children.Count}: {string.Join(", ", children)}.", nameof(children));

    /// <inheritdoc />
    public override void WriteJson(JsonObject json)
    {
        json["attention"] = LayerJson.Write(Attention);
        json["ffn"] = LayerJson.Write(FeedForward);
    }

    /// <summary>Reads the JSON that <see cref="WriteJson"/> writes.</summary>
    public static LayerSpec ReadJson(JsonObject json) =>
        Placeholder.WithChildren([LayerJson.Read(json["attention"]), LayerJson.Read(json["ffn"])]);

    /// <summary>The attention half, then the feed-forward half.</summary>
    public override string Lower(OnnxLowering ctx, string input, TensorShape inputShape, string path)
    {
        var middle = ctx.LowerChild(Attention, input, inputShape, path, "attention");
        return ctx.LowerChild(FeedForward, middle, Attention.OutputShape(inputShape), path, "ffn");
    }

    /// <inheritdoc />
    protected override string Describe() => $"TransformerBlock({SelfAttention.Heads} heads)";

    private static (ResidualLayer, ResidualLayer) Build(int heads, int ffnHidden, int d, double attentionDropout, double ffnDropout, double residualDropout, bool normalize)
    {
        if (ffnHidden < 1)
            throw new ArgumentException($"TransformerBlockLayer: ffnHidden must be at least 1, got {ffnHidden}.", nameof(ffnHidden));
        if (d < 1)
            throw new ArgumentException($"TransformerBlockLayer: tokenDimension must be at least 1, got {d}.", nameof(d));
        foreach (var (name, rate) in new[] { ("ffnDropout", ffnDropout), ("residualDropout", residualDropout) })
        {
            if (!(rate >= 0 && rate < 1))
                throw new ArgumentException($"TransformerBlockLayer: {name} must be in [0, 1), got {rate}.", name);
        }
        var attention = new List<LayerSpec>();
        if (normalize)
            attention.Add(new LayerNormLayer());
        attention.Add(new MultiHeadSelfAttentionLayer(heads, attentionDropout));
        if (residualDropout > 0)
            attention.Add(new DropoutLayer(residualDropout));
        var ffn = new List<LayerSpec> { new LayerNormLayer(), new DenseLayer(ffnHidden), new ActivationLayer(ActivationKind.Gelu) };
        if (ffnDropout > 0)
            ffn.Add(new DropoutLayer(ffnDropout));
        ffn.Add(new DenseLayer(d));
        if (residualDropout > 0)
            ffn.Add(new DropoutLayer(residualDropout));
        return (new ResidualLayer(new SequentialLayer([.. attention])), new ResidualLayer(new SequentialLayer([.. ffn])));
    }
}
