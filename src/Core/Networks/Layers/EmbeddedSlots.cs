using System.Text.Json.Nodes;

namespace DeepML;

/// <summary>The slot selection the numerical-embedding layers share: which slots are embedded, which pass through.</summary>
internal static class EmbeddedSlots
{
    public static int[]? Check(int[]? slots, string component)
    {
        if (slots is null)
            return null;
        for (var i = 0; i < slots.Length; i++)
        {
            if (slots[i] < 0 || (i > 0 && slots[i] <= slots[i - 1]))
                throw new ArgumentException($"{component}: slots must be increasing slot indices ≥ 0, got [{string.Join(", ", slots)}].", nameof(slots));
        }
        return slots.Length == 0
            ? throw new ArgumentException($"{component}: slots must name at least one slot; pass null to embed every slot.", nameof(slots))
            : (int[])slots.Clone();
    }

    public static (int[] Embedded, int[] Others) Split(string kind, int[]? slots, TensorShape input)
    {
        if (input.Rank != 1)
            throw new LayerShapeException(kind, "a feature vector [F]", input, "Use the embedding as the first layer on tabular features.");
        if (slots is not null && slots[^1] >= input[0])
            throw new LayerShapeException(kind, $"[F] with F > {slots[^1]} (the last embedded slot)", input, "Give slot indices inside the feature vector.");
        var embedded = slots ?? Enumerable.Range(0, input[0]).ToArray();
        return (embedded, Enumerable.Range(0, input[0]).Except(embedded).ToArray());
    }

    public static string Gather(OnnxLowering ctx, string path, string input, int[] slots, string name) =>
        ctx.Node(path, "Gather", [input, ctx.ConstantInt64(path, name, slots.Select(s => (long)s).ToArray(), slots.Length)], ("axis", 1L));

    /// <summary><c>[N, F, e]</c> → <c>[N, F·e]</c>, then the pass-through slots appended.</summary>
    public static string FlattenAndAppend(OnnxLowering ctx, string path, string input, string embedded, int[] rest)
    {
        var flat = ctx.Node(path, "Reshape", [embedded, ctx.ConstantInt64(path, "flat", [0, -1], 2)]);
        return rest.Length == 0 ? flat : ctx.Node(path, "Concat", [flat, Gather(ctx, path, input, rest, "rest_slots")], ("axis", 1L));
    }

    public static void Write(JsonObject json, int[]? slots)
    {
        if (slots is not null)
            json["slots"] = new JsonArray(slots.Select(s => (JsonNode)s).ToArray());
    }

    public static int[]? Read(JsonObject json) => (json["slots"] as JsonArray)?.Select(n => n!.GetValue<int>()).ToArray();

    public static bool Same(int[]? a, int[]? b) => a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);
}
