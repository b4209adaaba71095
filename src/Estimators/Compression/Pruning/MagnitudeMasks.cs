namespace DeepML;

/// <summary>
/// Magnitude masks, computed on managed copies of the weights so that the choice is exact and the same on every device:
/// the <c>k = ⌊s·n⌋</c> values with the smallest |w| are pruned (mask 0), ties broken by position (earlier tensor, then lower
/// row-major index, first). A mask holds 1 (kept) or 0 (pruned) per value, in the tensor's row-major order.
/// </summary>
internal static class MagnitudeMasks
{
    /// <summary>How many of <paramref name="count"/> values sparsity <paramref name="sparsity"/> prunes: <c>⌊s·n⌋</c>, in double precision.</summary>
    public static long PrunedCount(double sparsity, long count) => (long)Math.Floor(sparsity * count);

    /// <summary>One mask per tensor, each pruned to <paramref name="sparsity"/> on its own (<see cref="PruningScope.PerLayer"/>).</summary>
    public static float[][] PerLayer(IReadOnlyList<float[]> weights, double sparsity) =>
        weights.Select(w => Smallest([w], PrunedCount(sparsity, w.Length))[0]).ToArray();

    /// <summary>One mask per tensor, pruned together to <paramref name="sparsity"/> of all their values (<see cref="PruningScope.Global"/>).</summary>
    public static float[][] Global(IReadOnlyList<float[]> weights, double sparsity) =>
        Smallest(weights, PrunedCount(sparsity, weights.Sum(w => (long)w.Length)));

    /// <summary>Masks over the concatenation of <paramref name="weights"/> that prune its <paramref name="pruned"/> smallest |w|.</summary>
    private static float[][] Smallest(IReadOnlyList<float[]> weights, long pruned)
    {
        var masks = weights.Select(w => Enumerable.Repeat(1f, w.Length).ToArray()).ToArray();
        if (pruned <= 0)
            return masks;
        var total = weights.Sum(w => (long)w.Length);
        if (total > uint.MaxValue)
            throw new NotSupportedException($"MagnitudeMasks: {total} prunable values exceed the 2^32 this version sorts at once. Prune per layer (PruningScope.PerLayer) or fewer layers.");
        // For |w| ≥ 0 the IEEE-754 bits ordered as unsigned integers order the values (NaN sorts last, after +∞), so the
        // key (bits of |w|, flat index) sorts by magnitude and then by position: a unique key, so the order is exact.
        var keys = new ulong[total];
        long at = 0;
        foreach (var w in weights)
        {
            foreach (var value in w)
            {
                var bits = (ulong)BitConverter.SingleToUInt32Bits(MathF.Abs(value));
                keys[at] = (bits << 32) | (ulong)at;
                at++;
            }
        }
        Array.Sort(keys);
        var starts = new long[weights.Count];
        for (var i = 1; i < weights.Count; i++)
            starts[i] = starts[i - 1] + weights[i - 1].Length;
        for (long i = 0; i < Math.Min(pruned, total); i++)
        {
            var index = (long)(keys[i] & uint.MaxValue);
            var tensor = Array.BinarySearch(starts, index);
            if (tensor < 0)
                tensor = ~tensor - 1;
            else
                while (tensor + 1 < starts.Length && starts[tensor + 1] == index) // an empty tensor shares its start with the next
                    tensor++;
            masks[tensor][index - starts[tensor]] = 0;
        }
        return masks;
    }
}
