namespace DeepML.Fairness;

/// <summary>
/// Seeded bootstrap of every quantity, as Fairlearn's <c>MetricFrame(n_boot=...)</c>: each resample
/// draws n rows with replacement, every quantity (overall, by group, min, max, differences, ratios
/// and the measures) is recomputed, and the interval is the pair of quantiles of the resampled values
/// (numpy's linear interpolation). Resample b uses a generator seeded from (seed, b), so the result
/// does not depend on the number of threads. Resamples in which a quantity is undefined (a group drew
/// no rows) are left out of that quantity's quantiles.
/// </summary>
internal static class Bootstrap
{
    public static (ConfidenceInterval[][] Metrics, ConfidenceInterval[] Measures) Run(
        MetricKernel kernel, int resamples, int seed, double level, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        var metricCount = kernel.MetricNames.Count;
        var slotCount = kernel.Groups + Slots.Extra;
        var width = metricCount * slotCount + kernel.MeasureNames.Count;
        var samples = new double[resamples][];
        var done = 0;
        var options = new ParallelOptions { CancellationToken = cancellationToken };
        Parallel.For(0, resamples, options,
            () => (Counts: new byte[kernel.Rows], Stats: new double[(kernel.Groups + 1) * kernel.Width]),
            (b, _, local) =>
            {
                Draw(local.Counts, seed, b);
                var (slots, measures) = kernel.Evaluate(local.Counts, local.Stats);
                var flat = new double[width];
                for (var m = 0; m < metricCount; m++)
                    Array.Copy(slots[m], 0, flat, m * slotCount, slotCount);
                Array.Copy(measures, 0, flat, metricCount * slotCount, measures.Length);
                samples[b] = flat;
                progress?.Report(Interlocked.Increment(ref done));
                return local;
            },
            _ => { });
        double lowerQ = (1 - level) / 2, upperQ = (1 + level) / 2;
        var intervals = new ConfidenceInterval[width];
        var column = new double[resamples];
        for (var k = 0; k < width; k++)
        {
            var count = 0;
            for (var b = 0; b < resamples; b++)
                if (!double.IsNaN(samples[b][k]))
                    column[count++] = samples[b][k];
            var span = column.AsSpan(0, count);
            span.Sort();
            intervals[k] = new ConfidenceInterval(Quantile(span, lowerQ), Quantile(span, upperQ));
        }
        var metrics = new ConfidenceInterval[metricCount][];
        for (var m = 0; m < metricCount; m++)
            metrics[m] = intervals.AsSpan(m * slotCount, slotCount).ToArray();
        return (metrics, intervals.AsSpan(metricCount * slotCount).ToArray());
    }

    /// <summary>
    /// Multiplicities of one resample: n draws with replacement from n rows. Bytes keep the array in
    /// cache; a row drawn 256 times (probability about 1/256! for large n) is reported, not wrapped.
    /// </summary>
    internal static void Draw(byte[] counts, int seed, int resample)
    {
        Array.Clear(counts);
        var state = Mix((ulong)(uint)seed * 0x9E3779B97F4A7C15UL ^ (ulong)(resample + 1) * 0xD1B54A32D192ED03UL);
        var n = (ulong)counts.Length;
        for (var i = 0; i < counts.Length; i++)
        {
            state += 0x9E3779B97F4A7C15UL;
            var r = Mix(state) >> 32;                  // 32 random bits
            if (++counts[(int)((r * n) >> 32)] == 0)   // Lemire's multiply-shift: uniform in [0, n)
                throw new InvalidOperationException("Bootstrap: a row was drawn 256 times in one resample; expected far fewer. Report this with the row count.");
        }
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>numpy.quantile's default (linear) on sorted values; NaN when empty.</summary>
    internal static double Quantile(ReadOnlySpan<double> sorted, double q)
    {
        if (sorted.Length == 0)
            return double.NaN;
        var pos = q * (sorted.Length - 1);
        var lo = (int)Math.Floor(pos);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
