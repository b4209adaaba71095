namespace DeepML.Fairness;

/// <summary>
/// Seeded bootstrap of every quantity, as Fairlearn's <c>MetricFrame(n_boot=...)</c>: each resample
/// draws n rows with replacement, every quantity (overall, by group, min, max, differences, ratios
/// and the measures) is recomputed, and the interval is the pair of quantiles of the resampled values
/// (numpy's linear interpolation). Resample b uses a generator seeded from (seed, b), so the result
/// does not depend on the number of threads. Resamples in which a quantity is undefined (a group drew
/// no rows) are left out of that quantity's quantiles. With control columns the same resamples give
/// the intervals of every (control value, group) cell and of every per-control aggregate.
/// </summary>
internal static class Bootstrap
{
    /// <summary>The intervals of one frame: per metric (in slot order) and per measure.</summary>
    public readonly record struct FrameIntervals(ConfidenceInterval[][] Metrics, ConfidenceInterval[] Measures);

    /// <summary>
    /// Runs the resamples; returns the intervals of every frame of the kernel (one without control
    /// columns; each control value and the pooled frame with them). A resample draws from all rows,
    /// so every cell's size varies across resamples, as in Fairlearn's whole-frame resampling.
    /// </summary>
    public static FrameIntervals[] Run(MetricKernel kernel, int resamples, int seed, double level, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        var metricCount = kernel.MetricNames.Count;
        var slotCount = kernel.Groups + Slots.Extra;
        var frameWidth = metricCount * slotCount + kernel.MeasureNames.Count;
        var width = kernel.Frames * frameWidth;
        var samples = new double[resamples][];
        var done = 0;
        var options = new ParallelOptions { CancellationToken = cancellationToken };
        Parallel.For(0, resamples, options,
            () => (Counts: new byte[kernel.Rows], Stats: new double[kernel.StatsLength]),
            (b, _, local) =>
            {
                Draw(local.Counts, seed, b);
                var frames = kernel.Evaluate(local.Counts, local.Stats);
                var flat = new double[width];
                for (var f = 0; f < frames.Length; f++)
                {
                    var offset = f * frameWidth;
                    for (var m = 0; m < metricCount; m++)
                        Array.Copy(frames[f].Slots[m], 0, flat, offset + m * slotCount, slotCount);
                    Array.Copy(frames[f].Measures, 0, flat, offset + metricCount * slotCount, frames[f].Measures.Length);
                }
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
        var result = new FrameIntervals[kernel.Frames];
        for (var f = 0; f < result.Length; f++)
        {
            var offset = f * frameWidth;
            var metrics = new ConfidenceInterval[metricCount][];
            for (var m = 0; m < metricCount; m++)
                metrics[m] = intervals.AsSpan(offset + m * slotCount, slotCount).ToArray();
            result[f] = new FrameIntervals(metrics, intervals.AsSpan(offset + metricCount * slotCount, kernel.MeasureNames.Count).ToArray());
        }
        return result;
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
