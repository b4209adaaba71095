using System.Text.Json.Nodes;

namespace DeepML;

/// <summary>
/// A lookup table: every input value is a category key held in a float feature slot, and becomes the
/// <see cref="Dimension"/>-vector of its row. <c>[T]</c> becomes <c>[T, Dimension]</c>; <c>[T, S]</c> becomes
/// <c>[T, S, Dimension]</c>. The table <c>weight</c> is <c>[Cardinality + 1, Dimension]</c>.
/// </summary>
/// <remarks>
/// <para><b>Index policy.</b> A value <c>v</c> selects row <c>floor(v)</c>. Values whose floor lies outside
/// <c>[0, Cardinality)</c>, and NaN, select the last row, <c>Cardinality</c>: the "unknown key" row, which is trained
/// like the others (keys never seen in training keep its initial value). So a key that appears only at scoring
/// time never fails or reads out of bounds, in TorchSharp and in ONNX alike. ML.NET's
/// <c>MapValueToKey</c> gives keys 1..K with 0 for missing; map them with <c>Expression</c> to 0..K−1 or use
/// <c>Cardinality = K + 1</c>.</para>
/// <para>ONNX: <c>IsNaN/Where</c>, <c>Max/Min</c> (clip to [−1, Cardinality]), <c>Floor</c>, <c>Cast</c> to int64,
/// <c>Where</c> (−1 → Cardinality), <c>Gather</c>.</para>
/// </remarks>
[LayerKind("Embedding")]
public sealed record EmbeddingLayer : LayerSpec
{
    /// <summary>Creates an embedding layer.</summary>
    /// <param name="cardinality">Number of known keys (rows 0..cardinality−1); at least 1.</param>
    /// <param name="dimension">Length of each embedding vector; at least 1.</param>
    public EmbeddingLayer(int cardinality, int dimension)
    {
        if (cardinality < 1)
            throw new ArgumentException($"EmbeddingLayer: cardinality must be at least 1, got {cardinality}.", nameof(cardinality));
        if (dimension < 1)
            throw new ArgumentException($"EmbeddingLayer: dimension must be at least 1, got {dimension}.", nameof(dimension));
        Cardinality = cardinality;
        Dimension = dimension;
    }

    /// <summary>Number of known keys; the table has one more row, for unknown keys.</summary>
    public int Cardinality { get; }

    /// <summary>Length of each embedding vector.</summary>
    public int Dimension { get; }

    /// <inheritdoc />
    public override string Kind => "Embedding";

    /// <inheritdoc />
    public override TensorShape OutputShape(TensorShape input) => new([.. input.Dims, Dimension]);

    /// <inheritdoc />
    public override IEnumerable<(string Name, int[] Shape)> WeightShapes(TensorShape input)
    {
        yield return ("weight", [Cardinality + 1, Dimension]);
    }

    /// <inheritdoc />
    public override void WriteJson(JsonObject json)
    {
        json["cardinality"] = Cardinality;
        json["dimension"] = Dimension;
    }

    /// <summary>Reads the JSON that <see cref="WriteJson"/> writes.</summary>
    public static LayerSpec ReadJson(JsonObject json) => new EmbeddingLayer(LayerJson.Int(json, "cardinality"), LayerJson.Int(json, "dimension"));

    /// <summary>The index policy (see the remarks), then <c>Gather(weight, indices, axis = 0)</c>.</summary>
    public override string Lower(OnnxLowering ctx, string input, TensorShape inputShape, string path) =>
        ctx.Node(path, "Gather", [ctx.Weight(path, "weight"), LowerIndices(ctx, path, input, [Cardinality], [])], ("axis", 0L));

    /// <summary>
    /// The index policy as ONNX: float keys <c>[N, ..., S]</c> → int64 rows, each slot with its own cardinality
    /// (<paramref name="cardinalities"/> broadcasts over the last axis; one value for all) plus its row offset.
    /// </summary>
    internal static string LowerIndices(OnnxLowering ctx, string path, string input, long[] cardinalities, long[] offsets)
    {
        long[] dims = cardinalities.Length == 1 ? [] : [cardinalities.Length];
        var noNan = ctx.Node(path, "Where", [ctx.Node(path, "IsNaN", [input]), ctx.Scalar(path, "minus_one", -1f), input]);
        var high = ctx.Constant(path, "cardinality_float", cardinalities.Select(c => (float)c).ToArray(), dims);
        var clipped = ctx.Node(path, "Min", [ctx.Node(path, "Max", [noNan, ctx.Scalar(path, "clip_low", -1f)]), high]);
        var index = ctx.Node(path, "Cast", [ctx.Node(path, "Floor", [clipped])], ("to", 7L)); // 7 = INT64
        var unknown = ctx.ConstantInt64(path, "cardinality", cardinalities, dims);
        var negative = ctx.Node(path, "Less", [index, ctx.ConstantInt64(path, "zero", [0])]);
        var rows = ctx.Node(path, "Where", [negative, unknown, index]);
        return offsets.Length == 0 ? rows : ctx.Node(path, "Add", [rows, ctx.ConstantInt64(path, "offsets", offsets, offsets.Length)]);
    }

    /// <inheritdoc />
    protected override string Describe() => $"Embedding({Cardinality}, {Dimension})";
}
