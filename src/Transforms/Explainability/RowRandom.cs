namespace DeepML.Explainability;

/// <summary>
/// The random generator of one explained row: seeded from the explainer's seed and the bits of the row's
/// values (SplitMix64 steps), so equal rows draw the same samples wherever they sit in a batch — a whole
/// <c>IDataView</c>, a pipeline's batches, or one row through <c>PredictionEngine</c>. Part of the explainer kit:
/// DeepML's sampling explainers (KernelSHAP, permutation SHAP, LIME, SmoothGrad) draw from it.
/// </summary>
public static class RowRandom
{
    /// <summary>The generator of <paramref name="row"/> under <paramref name="seed"/>.</summary>
    /// <param name="seed">The explainer's seed.</param>
    /// <param name="row">The row's feature values.</param>
    public static Random For(int seed, ReadOnlySpan<float> row)
    {
        var z = unchecked((ulong)(uint)seed * 0x9E3779B97F4A7C15UL);
        foreach (var value in row)
            z = Mix(z ^ BitConverter.SingleToUInt32Bits(value));
        return new Random(unchecked((int)Mix(z)));
    }

    private static ulong Mix(ulong z)
    {
        z = unchecked(z + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }
}
