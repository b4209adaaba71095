using DeepML.Explainability;

namespace DeepML;

/// <summary>Pictures of <see cref="AttentionMap"/>s: the query × key attention of one row, one head or the mean over heads.</summary>
public static class AttentionMapPlots
{
    /// <summary>
    /// Writes row <paramref name="row"/>'s attention (queries down, keys across; each row sums to 1) as a PNG heatmap.
    /// Returns <paramref name="path"/>.
    /// </summary>
    /// <param name="map">Attention weights from <see cref="AttentionMaps.Compute(NetworkScoringTransformer, float[], int)"/>.</param>
    /// <param name="row">The row of the map to draw.</param>
    /// <param name="path">The PNG file.</param>
    /// <param name="tokenNames">One name per token (for an FT-Transformer: "CLS", then the features); null for t0, t1, ….</param>
    /// <param name="head">A head to draw; null draws the mean over heads.</param>
    public static string SavePng(this AttentionMap map, int row, string path, IReadOnlyList<string>? tokenNames = null, int? head = null)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (row < 0 || row >= map.Rows)
            throw new ArgumentOutOfRangeException(nameof(row), row, $"AttentionMapPlots: row must be in [0, {map.Rows - 1}].");
        if (head is { } h && (h < 0 || h >= map.Heads))
            throw new ArgumentOutOfRangeException(nameof(head), head, $"AttentionMapPlots: head must be in [0, {map.Heads - 1}] or null for the mean over heads.");
        var names = tokenNames ?? Enumerable.Range(0, map.Tokens).Select(t => $"t{t}").ToArray();
        if (names.Count != map.Tokens)
            throw new ArgumentException($"AttentionMapPlots: {names.Count} token names for {map.Tokens} tokens; give one per token.", nameof(tokenNames));
        var t = map.Tokens;
        var heads = head is { } one ? [one] : Enumerable.Range(0, map.Heads).ToArray();
        var values = new float[t * t];
        for (var q = 0; q < t; q++)
            for (var k = 0; k < t; k++)
                values[q * t + k] = heads.Average(hh => map.At(row, hh, q, k));
        var which = head is { } chosen ? $"head {chosen}" : $"mean of {map.Heads} heads";
        return MatrixHeatmap.Save(path, values, t, t, names, names, $"Attention of layer {map.Path}, row {row} ({which}): queries down, keys across", "attention weight");
    }
}
