namespace DeepML.Explainability;

/// <summary>
/// What LIME learns from the training rows: per interpretable feature, how to draw a perturbed value and whether a
/// drawn value is "the same" as the explained row's (the binary interpretable representation).
/// </summary>
/// <remarks>
/// <para>A single-slot feature is continuous: its quartiles over the training rows cut it into up to four bins (lime's
/// <c>QuartileDiscretizer</c>; bin = the number of quartiles strictly below the value), and a sample is "the same" when it
/// falls in the row's bin. A multi-slot group (a one-hot block) is categorical: a sample is "the same" when the whole
/// block equals the row's.</para>
/// <para>Each sample draws every feature independently, as lime does: the values of one training row picked uniformly
/// for that feature. For a binned feature this draws a bin with the training frequencies and a value from that bin's
/// own training values (lime draws a truncated normal fitted to the bin instead); for a categorical group it draws a
/// category with the training frequencies, as lime does.</para>
/// </remarks>
internal sealed class LimeSampler
{
    private readonly float[] _training;
    private readonly int _rows;
    private readonly int _size;
    private readonly FeatureGroups _groups;
    private readonly int[][] _slots;
    private readonly double[]?[] _quartiles;

    public LimeSampler(FeatureMatrix training, FeatureGroups groups)
    {
        _training = training.Values;
        _rows = training.Rows;
        _size = training.Size;
        _groups = groups;
        _slots = Enumerable.Range(0, groups.Count).Select(g => Enumerable.Range(0, _size).Where(s => groups.GroupOfSlot[s] == g).ToArray()).ToArray();
        _quartiles = new double[]?[groups.Count];
        Scales = new double[groups.Count];
        for (var g = 0; g < groups.Count; g++)
        {
            Scales[g] = 1;
            if (_slots[g].Length != 1)
                continue;
            var slot = _slots[g][0];
            var sorted = Enumerable.Range(0, _rows).Select(r => (double)_training[r * _size + slot]).Order().ToArray();
            var q = new[] { Percentile(sorted, 25), Percentile(sorted, 50), Percentile(sorted, 75) };
            _quartiles[g] = q;
            // lime's distance scales each discretised column by its standard deviation over the training rows.
            var bins = sorted.Select(v => (double)Bin(q, v)).ToArray();
            var mean = bins.Average();
            var sd = Math.Sqrt(bins.Sum(b => (b - mean) * (b - mean)) / bins.Length);
            Scales[g] = sd > 0 ? sd : 1;
        }
    }

    /// <summary>Per feature, the scale of its binary mismatch in the kernel's distance.</summary>
    public double[] Scales { get; }

    /// <summary>
    /// Fills <paramref name="samples"/> (count × size) with perturbations of <paramref name="row"/>, the first being the row
    /// itself, and <paramref name="same"/> (count × features) with 1 where a sample's feature matches the row's, else 0.
    /// </summary>
    public void Draw(ReadOnlySpan<float> row, Random random, Span<float> samples, Span<double> same, int count)
    {
        var m = _groups.Count;
        row.CopyTo(samples[.._size]);
        same[..m].Fill(1);
        var rowBins = new int[m];
        for (var g = 0; g < m; g++)
            rowBins[g] = _quartiles[g] is { } q ? Bin(q, row[_slots[g][0]]) : 0;
        for (var s = 1; s < count; s++)
        {
            var sample = samples.Slice(s * _size, _size);
            for (var g = 0; g < m; g++)
            {
                var source = random.Next(_rows) * _size;
                var equal = true;
                foreach (var slot in _slots[g])
                {
                    var v = _training[source + slot];
                    sample[slot] = v;
                    equal &= v == row[slot];
                }
                same[s * m + g] = _quartiles[g] is { } q ? (Bin(q, sample[_slots[g][0]]) == rowBins[g] ? 1 : 0) : (equal ? 1 : 0);
            }
        }
    }

    /// <summary>The bin of <paramref name="value"/>: how many of the quartiles lie strictly below it (0 … 3).</summary>
    private static int Bin(double[] quartiles, double value)
    {
        var bin = 0;
        foreach (var q in quartiles)
            bin += value > q ? 1 : 0;
        return bin;
    }

    /// <summary>NumPy's default (linear) percentile of sorted values.</summary>
    private static double Percentile(double[] sorted, double percent)
    {
        var position = percent / 100 * (sorted.Length - 1);
        var low = (int)Math.Floor(position);
        var high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + (position - low) * (sorted[high] - sorted[low]);
    }
}
