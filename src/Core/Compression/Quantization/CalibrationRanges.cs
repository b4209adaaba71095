namespace DeepML.Compression.Quantization;

/// <summary>
/// The range rules of static calibration, over all the values one activation tensor took on the calibration rows.
/// Pure functions of the values (order-independent), so calibration is deterministic.
/// </summary>
internal static class CalibrationRanges
{
    /// <summary>The range of <paramref name="values"/> under <paramref name="options"/>' calibration method.</summary>
    public static (float Min, float Max) Of(float[] values, QuantizationOptions options) => options.Calibration switch
    {
        CalibrationMethod.MinMax => MinMax(values),
        CalibrationMethod.Percentile => Percentile(values, options.Percentile),
        _ => Entropy(values, options.HistogramBins),
    };

    /// <summary>The smallest and largest value.</summary>
    public static (float Min, float Max) MinMax(float[] values)
    {
        float lo = float.PositiveInfinity, hi = float.NegativeInfinity;
        foreach (var v in values)
        {
            lo = Math.Min(lo, v);
            hi = Math.Max(hi, v);
        }
        return values.Length == 0 ? (0f, 0f) : (lo, hi);
    }

    /// <summary>
    /// Sorted-index percentiles: with <c>s</c> the values sorted ascending and <c>n</c> their count, max = <c>s[⌈p/100·(n−1)⌉]</c>
    /// and min = <c>s[⌊(1 − p/100)·(n−1)⌋]</c>; p = 100 gives the minimum and maximum.
    /// </summary>
    public static (float Min, float Max) Percentile(float[] values, double percentile)
    {
        if (values.Length == 0)
            return (0f, 0f);
        var sorted = (float[])values.Clone();
        Array.Sort(sorted);
        var last = sorted.Length - 1;
        var hi = (int)Math.Min(last, Math.Ceiling(percentile / 100 * last - 1e-9));
        var lo = (int)Math.Max(0, Math.Floor((1 - percentile / 100) * last + 1e-9));
        return (sorted[Math.Min(lo, hi)], sorted[hi]);
    }

    /// <summary>
    /// TensorRT's entropy calibration on the histogram of |x| (<paramref name="bins"/> bins over [0, max|x|]): for each candidate
    /// threshold bin i ∈ [128, bins], P is the first i bins with the outliers added to bin i − 1, Q is the first i bins (without the
    /// outliers) merged into 128 levels and expanded back over P's non-empty bins; both are smoothed (zeros → 1e-4) and the i with the
    /// smallest KL(P‖Q) gives T = i · bin width. Range: [max(min, −T), min(max, T)].
    /// </summary>
    public static (float Min, float Max) Entropy(float[] values, int bins) => Clip(MinMax(values), EntropyThreshold(values, bins));

    /// <summary>The entropy threshold T (≤ max|x|) of <see cref="Entropy"/>.</summary>
    public static float EntropyThreshold(float[] values, int bins)
    {
        const int levels = 128;
        var absMax = values.Length == 0 ? 0f : values.Max(v => Math.Abs(v));
        if (absMax == 0)
            return 0f;
        var width = absMax / bins;
        var histogram = new double[bins];
        foreach (var v in values)
            histogram[Math.Min(bins - 1, (int)(Math.Abs(v) / width))]++;

        var best = bins;
        var bestDivergence = double.PositiveInfinity;
        for (var i = levels; i <= bins; i++)
        {
            var p = histogram[..i];
            for (var j = i; j < bins; j++)
                p[i - 1] += histogram[j];
            var q = Merge(histogram, p, i, levels);
            var divergence = KullbackLeibler(p, q);
            if (divergence < bestDivergence - 1e-12)
                (best, bestDivergence) = (i, divergence);
        }
        return Math.Min(absMax, best * width);
    }

    /// <summary>
    /// TensorRT's Q: the first <paramref name="count"/> bins of <paramref name="histogram"/> (without the outliers) merged into
    /// <paramref name="levels"/> groups, each group's mass spread evenly over the bins where <paramref name="p"/> is non-zero.
    /// </summary>
    private static double[] Merge(double[] histogram, double[] p, int count, int levels)
    {
        var q = new double[count];
        for (var level = 0; level < levels; level++)
        {
            var start = (int)((long)level * count / levels);
            var end = (int)((long)(level + 1) * count / levels);
            double mass = 0;
            var nonEmpty = 0;
            for (var j = start; j < end; j++)
            {
                mass += histogram[j];
                nonEmpty += p[j] > 0 ? 1 : 0;
            }
            for (var j = start; j < end && nonEmpty > 0; j++)
                q[j] = p[j] > 0 ? mass / nonEmpty : 0;
        }
        return q;
    }

    /// <summary>KL(P‖Q) after both are normalised and smoothed as ONNX Runtime does (zeros become ε = 1e-4, taken from the non-zeros).</summary>
    private static double KullbackLeibler(double[] p, double[] q)
    {
        var ps = Smooth(p);
        var qs = Smooth(q);
        if (ps is null || qs is null)
            return double.PositiveInfinity;
        double divergence = 0;
        for (var j = 0; j < ps.Length; j++)
            divergence += ps[j] * Math.Log(ps[j] / qs[j]);
        return divergence;
    }

    private static double[]? Smooth(double[] h)
    {
        const double epsilon = 1e-4;
        var sum = h.Sum();
        var zeros = h.Count(v => v == 0);
        var nonZeros = h.Length - zeros;
        if (sum == 0 || nonZeros == 0)
            return null;
        var take = epsilon * zeros / nonZeros;
        var result = new double[h.Length];
        for (var j = 0; j < h.Length; j++)
            result[j] = h[j] == 0 ? epsilon : h[j] / sum - take;
        return result.All(v => v > 0) ? result : null;
    }

    private static (float Min, float Max) Clip((float Min, float Max) range, float threshold) =>
        (Math.Max(range.Min, -threshold), Math.Min(range.Max, threshold));
}
