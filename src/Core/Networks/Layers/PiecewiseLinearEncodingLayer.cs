using System.Text.Json.Nodes;

namespace DeepML;

/// <summary>
/// Piecewise-linear encoding of numerical features with quantile bins ("PLE-Q", Gorishniy, Rubachev and Babenko 2022):
/// with bin edges <c>b_0 &lt; … &lt; b_T</c> computed from the training data, slot x becomes the T-vector
/// <c>e_t = clamp((x − b_{t−1}) / (b_t − b_{t−1}), lo_t, hi_t)</c> with <c>lo_1 = −∞</c>, <c>hi_T = +∞</c> and [0, 1] otherwise
/// (the paper's equation 1). The output is flat, <c>[F_emb·T + F_rest]</c>: the encoded slots in order, then the others.
/// </summary>
/// <remarks>
/// <para><b>Where the bins live.</b> The description holds only the number of bins; the bins are <i>buffers</i> of the
/// network, like batch norm's running statistics, computed by the trainer in <c>Fit</c> before the first epoch
/// (<see cref="IFitsTrainingData"/>), saved with the weights and written into the ONNX file as initializers. Four buffers,
/// each <c>[F_emb, T]</c>: <c>bin_lower</c> (<c>b_{t−1}</c>), <c>bin_scale</c> (<c>1/(b_t − b_{t−1})</c>), <c>encoding_min</c>
/// and <c>encoding_max</c> (the clamp bounds, ±3.4e38 standing for ±∞). They are not trained.</para>
/// <para><b>Ties.</b> Edges are the training values' quantiles <c>i/T</c> (NaN ignored), with duplicates removed: a slot with
/// few distinct values (capital gain is 0 for 92% of UCI Adult) gets fewer bins, and its unused components are always 0
/// (scale 0, bounds [0, 0]). A constant slot encodes to all zeros.</para>
/// </remarks>
[LayerKind("PiecewiseLinearEncoding")]
public sealed record PiecewiseLinearEncodingLayer : LayerSpec, IFitsTrainingData
{
    /// <summary>The value standing for ±∞ in the clamp bounds.</summary>
    public const float Unbounded = float.MaxValue;

    /// <summary>The buffer names, in weight order.</summary>
    public static readonly string[] BufferNames = ["bin_lower", "bin_scale", "encoding_min", "encoding_max"];

    private readonly int[]? _slots;

    /// <summary>Creates a piecewise-linear encoding.</summary>
    /// <param name="bins">Bins per slot (T); at least 1.</param>
    /// <param name="slots">Slots to encode (increasing); null encodes every slot.</param>
    public PiecewiseLinearEncodingLayer(int bins, int[]? slots = null)
    {
        if (bins < 1)
            throw new ArgumentException($"PiecewiseLinearEncodingLayer: bins must be at least 1, got {bins}.", nameof(bins));
        _slots = EmbeddedSlots.Check(slots, "PiecewiseLinearEncodingLayer");
        Bins = bins;
    }

    /// <summary>Bins per slot (T).</summary>
    public int Bins { get; }

    /// <summary>The encoded slots; null for all.</summary>
    public IReadOnlyList<int>? Slots => _slots;

    /// <inheritdoc />
    public override string Kind => "PiecewiseLinearEncoding";

    /// <inheritdoc />
    public override TensorShape OutputShape(TensorShape input)
    {
        var (embedded, rest) = EmbeddedSlots.Split(Kind, _slots, input);
        return TensorShape.Vector(embedded.Length * Bins + rest.Length);
    }

    /// <inheritdoc />
    public override IEnumerable<(string Name, int[] Shape)> WeightShapes(TensorShape input)
    {
        var f = EmbeddedSlots.Split(Kind, _slots, input).Embedded.Length;
        return BufferNames.Select(n => (n, new[] { f, Bins }));
    }

    /// <summary>The buffers for bin edges evenly spaced on [−2, 2] (standardised inputs), before <see cref="FitBuffers"/> replaces them.</summary>
    /// <param name="input">The layer's input shape.</param>
    public IReadOnlyDictionary<string, WeightArray> DefaultBuffers(TensorShape input)
    {
        var f = EmbeddedSlots.Split(Kind, _slots, input).Embedded.Length;
        var edges = Enumerable.Range(0, Bins + 1).Select(i => -2.0 + 4.0 * i / Bins).ToArray();
        return Buffers(Enumerable.Repeat(edges, f).ToArray());
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, WeightArray> FitBuffers(float[] values, int rows, TensorShape input)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (rows < 1 || values.Length != rows * input.ElementCount)
            throw new ArgumentException($"PiecewiseLinearEncodingLayer: expected {rows} rows × {input.ElementCount} values, got {values.Length} values for {rows} rows.", nameof(values));
        var embedded = EmbeddedSlots.Split(Kind, _slots, input).Embedded;
        var edges = embedded.Select(slot => QuantileEdges(Enumerable.Range(0, rows).Select(r => values[r * input[0] + slot]), Bins)).ToArray();
        return Buffers(edges);
    }

    /// <summary>The distinct quantiles <c>i/bins</c> (i = 0..bins, nearest rank on the sorted finite values) of <paramref name="values"/>.</summary>
    /// <param name="values">One slot's training values.</param>
    /// <param name="bins">Bins wanted.</param>
    public static double[] QuantileEdges(IEnumerable<float> values, int bins)
    {
        var sorted = values.Where(float.IsFinite).Order().ToArray();
        if (sorted.Length == 0)
            return [0.0];
        return Enumerable.Range(0, bins + 1)
            .Select(i => (double)sorted[(int)Math.Round((double)i / bins * (sorted.Length - 1), MidpointRounding.AwayFromZero)])
            .Distinct().ToArray();
    }

    private Dictionary<string, WeightArray> Buffers(double[][] edges)
    {
        var f = edges.Length;
        var arrays = BufferNames.ToDictionary(n => n, _ => new float[f * Bins]);
        for (var j = 0; j < f; j++)
        {
            var used = Math.Min(Bins, edges[j].Length - 1);
            for (var t = 0; t < used; t++)
            {
                var at = j * Bins + t;
                arrays["bin_lower"][at] = (float)edges[j][t];
                arrays["bin_scale"][at] = (float)(1.0 / (edges[j][t + 1] - edges[j][t]));
                arrays["encoding_min"][at] = t == 0 ? -Unbounded : 0f;
                arrays["encoding_max"][at] = t == used - 1 ? Unbounded : 1f;
            }
        }
        return arrays.ToDictionary(kv => kv.Key, kv => new WeightArray(kv.Value, [f, Bins]));
    }

    /// <inheritdoc />
    public override void WriteJson(JsonObject json)
    {
        json["bins"] = Bins;
        EmbeddedSlots.Write(json, _slots);
    }

    /// <summary>Reads the JSON that <see cref="WriteJson"/> writes.</summary>
    public static LayerSpec ReadJson(JsonObject json) => new PiecewiseLinearEncodingLayer(LayerJson.Int(json, "bins"), EmbeddedSlots.Read(json));

    /// <summary><c>Min(Max((x − lower)·scale, min), max)</c> per bin, flattened and concatenated with the other slots.</summary>
    public override string Lower(OnnxLowering ctx, string input, TensorShape inputShape, string path)
    {
        var (embedded, rest) = EmbeddedSlots.Split(Kind, _slots, inputShape);
        var x = ctx.Node(path, "Unsqueeze", [EmbeddedSlots.Gather(ctx, path, input, embedded, "embedded_slots"), ctx.ConstantInt64(path, "last", [-1], 1)]); // [N, F, 1]
        var ramp = ctx.Node(path, "Mul", [ctx.Node(path, "Sub", [x, ctx.Weight(path, "bin_lower")]), ctx.Weight(path, "bin_scale")]);                      // [N, F, T]
        var encoded = ctx.Node(path, "Min", [ctx.Node(path, "Max", [ramp, ctx.Weight(path, "encoding_min")]), ctx.Weight(path, "encoding_max")]);
        return EmbeddedSlots.FlattenAndAppend(ctx, path, input, encoded, rest);
    }

    /// <inheritdoc />
    public bool Equals(PiecewiseLinearEncodingLayer? other) => other is not null && Bins == other.Bins && EmbeddedSlots.Same(_slots, other._slots);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Bins, _slots?.Length ?? -1);

    /// <inheritdoc />
    protected override string Describe() => $"PiecewiseLinearEncoding({Bins} bins{(_slots is null ? "" : $", {_slots.Length} slots")})";
}
