using System.Text.Json.Nodes;

namespace DeepML;

/// <summary>
/// Periodic numerical-feature embeddings with a linear layer and ReLU ("PLR", Gorishniy, Rubachev and Babenko 2022,
/// <i>On Embeddings for Numerical Features in Tabular Deep Learning</i>): each embedded slot j becomes
/// <c>ReLU(W_j·[sin(2π·c_j·x_j), cos(2π·c_j·x_j)] + b_j)</c> in <c>R^d</c>, with k trainable frequencies
/// <c>c_j</c> initialised from N(0, σ²). The output is flat, <c>[F_emb·d + F_rest]</c>: the embedded slots' vectors in
/// slot order, then the other slots unchanged, ready for an MLP.
/// </summary>
/// <remarks>Weights: <c>frequencies</c> <c>[F_emb, k]</c>, <c>weight</c> <c>[F_emb, d, 2k]</c> (one linear layer per slot,
/// as in the paper's PLR, not the shared "lite" variant), <c>bias</c> <c>[F_emb, d]</c>. σ only sets the initialisation; the paper
/// tunes it in [0.01, 100] and finds small values (0.01–1) best on standardised inputs.</remarks>
[LayerKind("PeriodicEmbedding")]
public sealed record PeriodicEmbeddingLayer : LayerSpec
{
    private readonly int[]? _slots;

    /// <summary>Creates a PLR embedding.</summary>
    /// <param name="frequencies">Frequencies k per slot; at least 1.</param>
    /// <param name="dimension">Embedding dimension d per slot; at least 1.</param>
    /// <param name="sigma">Standard deviation of the frequencies' initialisation; finite and &gt; 0.</param>
    /// <param name="slots">Slots to embed (increasing); null embeds every slot.</param>
    public PeriodicEmbeddingLayer(int frequencies, int dimension, double sigma = 0.1, int[]? slots = null)
    {
        if (frequencies < 1)
            throw new ArgumentException($"PeriodicEmbeddingLayer: frequencies must be at least 1, got {frequencies}.", nameof(frequencies));
        if (dimension < 1)
            throw new ArgumentException($"PeriodicEmbeddingLayer: dimension must be at least 1, got {dimension}.", nameof(dimension));
        if (!(sigma > 0 && double.IsFinite(sigma)))
            throw new ArgumentException($"PeriodicEmbeddingLayer: sigma must be a finite value > 0, got {sigma}.", nameof(sigma));
        _slots = EmbeddedSlots.Check(slots, "PeriodicEmbeddingLayer");
        Frequencies = frequencies;
        Dimension = dimension;
        Sigma = sigma;
    }

    /// <summary>Frequencies per slot (k).</summary>
    public int Frequencies { get; }

    /// <summary>Embedding dimension per slot (d).</summary>
    public int Dimension { get; }

    /// <summary>Standard deviation of the frequencies at initialisation.</summary>
    public double Sigma { get; }

    /// <summary>The embedded slots; null for all.</summary>
    public IReadOnlyList<int>? Slots => _slots;

    /// <inheritdoc />
    public override string Kind => "PeriodicEmbedding";

    /// <inheritdoc />
    public override TensorShape OutputShape(TensorShape input)
    {
        var (embedded, rest) = EmbeddedSlots.Split(Kind, _slots, input);
        return TensorShape.Vector(embedded.Length * Dimension + rest.Length);
    }

    /// <inheritdoc />
    public override IEnumerable<(string Name, int[] Shape)> WeightShapes(TensorShape input)
    {
        var f = EmbeddedSlots.Split(Kind, _slots, input).Embedded.Length;
        yield return ("frequencies", [f, Frequencies]);
        yield return ("weight", [f, Dimension, 2 * Frequencies]);
        yield return ("bias", [f, Dimension]);
    }

    /// <inheritdoc />
    public override void WriteJson(JsonObject json)
    {
        json["frequencies"] = Frequencies;
        json["dimension"] = Dimension;
        json["sigma"] = Sigma;
        EmbeddedSlots.Write(json, _slots);
    }

    /// <summary>Reads the JSON that <see cref="WriteJson"/> writes.</summary>
    public static LayerSpec ReadJson(JsonObject json) => new PeriodicEmbeddingLayer(LayerJson.Int(json, "frequencies"), LayerJson.Int(json, "dimension"),
        LayerJson.Optional(json, "sigma", 0.1), EmbeddedSlots.Read(json));

    /// <summary><c>Sin</c>/<c>Cos</c> of <c>(x·2π)·c</c>, each slot's linear layer (<c>Mul</c>, <c>ReduceSum</c>), <c>Relu</c>, flattened and concatenated with the other slots.</summary>
    public override string Lower(OnnxLowering ctx, string input, TensorShape inputShape, string path)
    {
        var (embedded, rest) = EmbeddedSlots.Split(Kind, _slots, inputShape);
        var x = EmbeddedSlots.Gather(ctx, path, input, embedded, "embedded_slots");
        var angle = ctx.Node(path, "Mul", [ctx.Node(path, "Mul", [ctx.Node(path, "Unsqueeze", [x, ctx.ConstantInt64(path, "last", [-1], 1)]), ctx.Scalar(path, "two_pi", (float)(2 * Math.PI))]),
            ctx.Weight(path, "frequencies")]);                                                                  // [N, F, k]
        var features = ctx.Node(path, "Concat", [ctx.Node(path, "Sin", [angle]), ctx.Node(path, "Cos", [angle])], ("axis", -1L)); // [N, F, 2k]
        // Each slot's linear layer as Mul + ReduceSum over 2k, not a batched MatMul: a row's result then does not depend on
        // how many rows share the run (ML.NET's OnnxTransformer scores one row at a time, DeepML's scorer a batch).
        var product = ctx.Node(path, "Mul", [ctx.Node(path, "Unsqueeze", [features, ctx.ConstantInt64(path, "slot_axis", [2], 1)]), ctx.Weight(path, "weight")]); // [N, F, d, 2k]
        var linear = ctx.Node(path, "ReduceSum", [product, ctx.ConstantInt64(path, "sum_axis", [-1], 1)], ("keepdims", 0L));                              // [N, F, d]
        var activated = ctx.Node(path, "Relu", [ctx.Node(path, "Add", [linear, ctx.Weight(path, "bias")])]);
        return EmbeddedSlots.FlattenAndAppend(ctx, path, input, activated, rest);
    }

    /// <inheritdoc />
    public bool Equals(PeriodicEmbeddingLayer? other) => other is not null && Frequencies == other.Frequencies && Dimension == other.Dimension
        && Sigma.Equals(other.Sigma) && EmbeddedSlots.Same(_slots, other._slots);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Frequencies, Dimension, Sigma, _slots?.Length ?? -1);

    /// <inheritdoc />
    protected override string Describe() => $"PeriodicEmbedding(k {Frequencies}, d {Dimension}, σ {Invariant(Sigma)}{(_slots is null ? "" : $", {_slots.Length} slots")})";
}
