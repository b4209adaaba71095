namespace DeepML.Fairness;

/// <summary>
/// Computes a task's metrics from per-group sufficient statistics. One pass over the rows
/// (optionally with bootstrap multiplicities) fills the statistics; everything else is arithmetic
/// on a few numbers per group, which is what makes 200 bootstrap resamples of a million rows cheap.
/// </summary>
internal abstract class MetricKernel
{
    protected MetricKernel(int[] groupOfRow, int groups, double[]? weights)
    {
        GroupOfRow = groupOfRow;
        Groups = groups;
        Weights = weights;
    }

    public int[] GroupOfRow { get; }

    /// <summary>Number of groups G; statistics hold G + 1 blocks, the last one for all rows.</summary>
    public int Groups { get; }

    public double[]? Weights { get; }

    public int Rows => GroupOfRow.Length;

    public abstract IReadOnlyList<string> MetricNames { get; }

    /// <summary>Statistics per group.</summary>
    public abstract int Width { get; }

    public virtual IReadOnlyList<string> MeasureNames => [];

    /// <summary>Adds every row, each <c>multiplicity[i]</c> times (once when null), into <paramref name="stats"/>.</summary>
    public abstract void Accumulate(byte[]? multiplicity, double[] stats);

    /// <summary>Fills slot 0 (overall) and slots 1..G (groups) of each metric. Block 0 of a group is its row count.</summary>
    public abstract void Finish(double[] stats, double[][] slots);

    /// <summary>Computes the fairness measures from statistics and aggregated metric slots.</summary>
    public virtual void Measures(double[] stats, double[][] slots, double[] output) { }

    /// <summary>Runs accumulate, finish and aggregate; returns metric slots and measure values.</summary>
    public (double[][] Slots, double[] Measures) Evaluate(byte[]? multiplicity, double[] stats)
    {
        Array.Clear(stats);
        Accumulate(multiplicity, stats);
        var slots = new double[MetricNames.Count][];
        for (var m = 0; m < slots.Length; m++)
            slots[m] = new double[Groups + Slots.Extra];
        Finish(stats, slots);
        for (var g = 0; g < Groups; g++)
        {
            if (stats[g * Width] > 0)
                continue;
            foreach (var s in slots)
                s[1 + g] = double.NaN; // a group with no rows: every metric undefined, as Fairlearn's NaN rows
        }
        foreach (var s in slots)
            Slots.Aggregate(s, Groups);
        var measures = new double[MeasureNames.Count];
        Measures(stats, slots, measures);
        return (slots, measures);
    }

    /// <summary>a / b, NaN when b is 0 (undefined rather than a silent 0).</summary>
    protected static double Div(double a, double b) => b == 0 ? double.NaN : a / b;
}
