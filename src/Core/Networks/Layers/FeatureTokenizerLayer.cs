using System.Text.Json.Nodes;

namespace DeepML;

/// <summary>
/// The FT-Transformer's feature tokenizer: <c>[F]</c> → <c>[1 + F, d]</c>. Token 0 is a learned CLS vector
/// (<c>cls</c>, <c>[d]</c>); then each numeric slot j gives <c>x_j·W_j + b_j</c> (<c>numeric_weight</c>, <c>numeric_bias</c>,
/// <c>[F_num, d]</c>), in slot order; then each categorical slot gives the row of its key in its own table
/// plus a bias (<c>category_embeddings</c>, <c>[Σ(cardinality_j + 1), d]</c>, tables stacked in slot order;
/// <c>category_bias</c>, <c>[F_cat, d]</c>).
/// </summary>
/// <remarks>
/// Categorical slots hold keys as floats and follow <see cref="EmbeddingLayer"/>'s index policy: <c>floor(v)</c> in
/// <c>[0, cardinality)</c> picks that row, anything else (NaN, negative, too large) the slot's unknown-key row.
/// Slots are not standardised by the layer: normalise numeric columns before concatenating them, and leave key
/// slots unnormalised.
/// </remarks>
[LayerKind("FeatureTokenizer")]
public sealed record FeatureTokenizerLayer : LayerSpec
{
    private readonly int[] _categoricalSlots;
    private readonly int[] _cardinalities;

    /// <summary>Creates a tokenizer.</summary>
    /// <param name="dimension">Token dimension d; at least 1.</param>
    /// <param name="categoricalSlots">Slots (0-based, increasing) that hold category keys; null or empty for none.</param>
    /// <param name="cardinalities">Known keys per categorical slot (same length); each at least 1.</param>
    public FeatureTokenizerLayer(int dimension, int[]? categoricalSlots = null, int[]? cardinalities = null)
    {
        if (dimension < 1)
            throw new ArgumentException($"FeatureTokenizerLayer: dimension must be at least 1, got {dimension}.", nameof(dimension));
        _categoricalSlots = (int[]?)categoricalSlots?.Clone() ?? [];
        _cardinalities = (int[]?)cardinalities?.Clone() ?? [];
        if (_categoricalSlots.Length != _cardinalities.Length)
            throw new ArgumentException($"FeatureTokenizerLayer: cardinalities must hold one value per categorical slot ({_categoricalSlots.Length}), got {_cardinalities.Length}.", nameof(cardinalities));
        for (var i = 0; i < _categoricalSlots.Length; i++)
        {
            if (_categoricalSlots[i] < 0 || (i > 0 && _categoricalSlots[i] <= _categoricalSlots[i - 1]))
                throw new ArgumentException($"FeatureTokenizerLayer: categoricalSlots must be increasing slot indices ≥ 0, got [{string.Join(", ", _categoricalSlots)}].", nameof(categoricalSlots));
            if (_cardinalities[i] < 1)
                throw new ArgumentException($"FeatureTokenizerLayer: cardinality of slot {_categoricalSlots[i]} must be at least 1, got {_cardinalities[i]}.", nameof(cardinalities));
        }
        Dimension = dimension;
    }

    /// <summary>Token dimension d.</summary>
    public int Dimension { get; }

    /// <summary>Slots that hold category keys.</summary>
    public IReadOnlyList<int> CategoricalSlots => _categoricalSlots;

    /// <summary>Known keys per categorical slot.</summary>
    public IReadOnlyList<int> Cardinalities => _cardinalities;

    /// <inheritdoc />
    public override string Kind => "FeatureTokenizer";

    /// <summary>The numeric slots for an input of <paramref name="features"/> slots: every slot that is not categorical.</summary>
    public int[] NumericSlots(int features) => Enumerable.Range(0, features).Except(_categoricalSlots).ToArray();

    /// <summary>Row offset of each categorical slot's table in <c>category_embeddings</c>.</summary>
    public long[] CategoryOffsets()
    {
        var offsets = new long[_cardinalities.Length];
        for (var i = 1; i < offsets.Length; i++)
            offsets[i] = offsets[i - 1] + _cardinalities[i - 1] + 1;
        return offsets;
    }

    /// <inheritdoc />
    public override TensorShape OutputShape(TensorShape input)
    {
        if (input.Rank != 1)
            throw new LayerShapeException(Kind, "a feature vector [F]", input, "Use the tokenizer as the first layer on tabular features.");
        if (_categoricalSlots.Length > 0 && _categoricalSlots[^1] >= input[0])
            throw new LayerShapeException(Kind, $"[F] with F > {_categoricalSlots[^1]} (the last categorical slot)", input, "Give slot indices inside the feature vector.");
        return new TensorShape(input[0] + 1, Dimension);
    }

    /// <inheritdoc />
    public override IEnumerable<(string Name, int[] Shape)> WeightShapes(TensorShape input)
    {
        var numeric = OutputShape(input)[0] - 1 - _categoricalSlots.Length;
        yield return ("cls", [Dimension]);
        if (numeric > 0)
        {
            yield return ("numeric_weight", [numeric, Dimension]);
            yield return ("numeric_bias", [numeric, Dimension]);
        }
        if (_categoricalSlots.Length > 0)
        {
            yield return ("category_embeddings", [_cardinalities.Sum() + _cardinalities.Length, Dimension]);
            yield return ("category_bias", [_categoricalSlots.Length, Dimension]);
        }
    }

    /// <inheritdoc />
    public override void WriteJson(JsonObject json)
    {
        json["dimension"] = Dimension;
        json["categoricalSlots"] = new JsonArray(_categoricalSlots.Select(s => (JsonNode)s).ToArray());
        json["cardinalities"] = new JsonArray(_cardinalities.Select(s => (JsonNode)s).ToArray());
    }

    /// <summary>Reads the JSON that <see cref="WriteJson"/> writes.</summary>
    public static LayerSpec ReadJson(JsonObject json) => new FeatureTokenizerLayer(LayerJson.Int(json, "dimension"),
        (json["categoricalSlots"] as JsonArray)?.Select(n => n!.GetValue<int>()).ToArray(), (json["cardinalities"] as JsonArray)?.Select(n => n!.GetValue<int>()).ToArray());

    /// <summary><c>Gather</c> the slots, scale and shift the numeric ones, look up the keys, prepend the expanded CLS, <c>Concat</c>.</summary>
    public override string Lower(OnnxLowering ctx, string input, TensorShape inputShape, string path)
    {
        var numeric = NumericSlots(inputShape[0]);
        var batch = ctx.Node(path, "Slice", [ctx.Node(path, "Shape", [input]), ctx.ConstantInt64(path, "begin", [0], 1), ctx.ConstantInt64(path, "end", [1], 1)]);
        var clsShape = ctx.Node(path, "Concat", [batch, ctx.ConstantInt64(path, "cls_tail", [1, Dimension], 2)], ("axis", 0L));
        var tokens = new List<string> { ctx.Node(path, "Expand", [ctx.Weight(path, "cls"), clsShape]) }; // [N, 1, d]
        if (numeric.Length > 0)
        {
            var x = ctx.Node(path, "Gather", [input, ctx.ConstantInt64(path, "numeric_slots", numeric.Select(s => (long)s).ToArray(), numeric.Length)], ("axis", 1L));
            var scaled = ctx.Node(path, "Mul", [ctx.Node(path, "Unsqueeze", [x, ctx.ConstantInt64(path, "last", [-1], 1)]), ctx.Weight(path, "numeric_weight")]);
            tokens.Add(ctx.Node(path, "Add", [scaled, ctx.Weight(path, "numeric_bias")])); // [N, F_num, d]
        }
        if (_categoricalSlots.Length > 0)
        {
            var keys = ctx.Node(path, "Gather", [input, ctx.ConstantInt64(path, "category_slots", _categoricalSlots.Select(s => (long)s).ToArray(), _categoricalSlots.Length)], ("axis", 1L));
            var rows = EmbeddingLayer.LowerIndices(ctx, path, keys, _cardinalities.Select(c => (long)c).ToArray(), CategoryOffsets());
            var looked = ctx.Node(path, "Gather", [ctx.Weight(path, "category_embeddings"), rows], ("axis", 0L)); // [N, F_cat, d]
            tokens.Add(ctx.Node(path, "Add", [looked, ctx.Weight(path, "category_bias")]));
        }
        return ctx.Node(path, "Concat", [.. tokens], ("axis", 1L));
    }

    /// <inheritdoc />
    public bool Equals(FeatureTokenizerLayer? other) => other is not null && Dimension == other.Dimension
        && _categoricalSlots.AsSpan().SequenceEqual(other._categoricalSlots) && _cardinalities.AsSpan().SequenceEqual(other._cardinalities);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Dimension, _categoricalSlots.Length, _cardinalities.Sum());

    /// <inheritdoc />
    protected override string Describe() => _categoricalSlots.Length == 0 ? $"FeatureTokenizer(d {Dimension})" : $"FeatureTokenizer(d {Dimension}, {_categoricalSlots.Length} categorical)";
}
