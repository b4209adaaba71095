namespace DeepML.Fairness;

/// <summary>The values of one frame: each metric's slots and the measures.</summary>
internal readonly record struct FrameValues(double[][] Slots, double[] Measures);

/// <summary>
/// Computes a task's metrics from per-block sufficient statistics. One pass over the rows
/// (optionally with bootstrap multiplicities) fills the statistics; everything else is arithmetic
/// on a few numbers per block, which is what makes 200 bootstrap resamples of a million rows cheap.
/// </summary>
/// <remarks>
/// Blocks form a grid of frames × (G + 1): block f·(G + 1) + g holds group g of frame f, and
/// g = G is the frame's all-rows block. Without control columns there is one frame. With C control
/// values, frames 0..C−1 are the control values (their cells are the (control, group) cells) and
/// frame C pools them, which is the evaluation without the control. Each frame has the layout a
/// single evaluation has, so finishing a frame is the same code with or without controls. Rows are
/// accumulated into their cell only; the additive statistics of the other blocks are sums of cells.
/// </remarks>
internal abstract class MetricKernel
{
    protected MetricKernel(int[] cellOfRow, int groups, int controls, double[]? weights)
    {
        CellOfRow = cellOfRow;
        Groups = groups;
        Controls = controls;
        Weights = weights;
    }

    /// <summary>The block of each row's cell: c·(G + 1) + g, with c = 0 without control columns.</summary>
    public int[] CellOfRow { get; }

    /// <summary>Number of sensitive groups G.</summary>
    public int Groups { get; }

    /// <summary>Number of control values C; 0 without control columns.</summary>
    public int Controls { get; }

    /// <summary>Frames: one without controls; C + 1 with them (the last pools the control values).</summary>
    public int Frames => Controls == 0 ? 1 : Controls + 1;

    /// <summary>Blocks of statistics: Frames × (G + 1).</summary>
    public int Blocks => Frames * (Groups + 1);

    /// <summary>Length of the statistics array <see cref="Evaluate"/> takes.</summary>
    public int StatsLength => Blocks * Width;

    public double[]? Weights { get; }

    public int Rows => CellOfRow.Length;

    public abstract IReadOnlyList<string> MetricNames { get; }

    /// <summary>Statistics per block.</summary>
    public abstract int Width { get; }

    /// <summary>Statistics 0..AdditiveWidth − 1 of a block are sums over its rows; the kernel fills the others of every block itself.</summary>
    protected virtual int AdditiveWidth => Width;

    public virtual IReadOnlyList<string> MeasureNames => [];

    /// <summary>Adds every row, each <c>multiplicity[i]</c> times (once when null), into its cell's block of <paramref name="stats"/>.</summary>
    public abstract void Accumulate(byte[]? multiplicity, double[] stats);

    /// <summary>Fills slot 0 (overall) and slots 1..G (groups) of each metric from one frame's statistics. Block 0 of a group is its row count.</summary>
    public abstract void Finish(ReadOnlySpan<double> stats, double[][] slots);

    /// <summary>Computes the fairness measures from one frame's statistics and aggregated metric slots.</summary>
    public virtual void Measures(ReadOnlySpan<double> stats, double[][] slots, double[] output) { }

    /// <summary>Runs accumulate, the totals, and finish, aggregate and measures per frame.</summary>
    public FrameValues[] Evaluate(byte[]? multiplicity, double[] stats)
    {
        Array.Clear(stats);
        Accumulate(multiplicity, stats);
        AddTotals(stats);
        var frameLength = (Groups + 1) * Width;
        var frames = new FrameValues[Frames];
        for (var f = 0; f < frames.Length; f++)
            frames[f] = EvaluateFrame(stats.AsSpan(f * frameLength, frameLength));
        return frames;
    }

    private FrameValues EvaluateFrame(ReadOnlySpan<double> stats)
    {
        var slots = new double[MetricNames.Count][];
        for (var m = 0; m < slots.Length; m++)
            slots[m] = new double[Groups + Slots.Extra];
        Finish(stats, slots);
        for (var g = 0; g < Groups; g++)
        {
            if (stats[g * Width] > 0)
                continue;
            foreach (var s in slots)
                s[1 + g] = double.NaN; // a group (or cell) with no rows: every metric undefined, as Fairlearn's NaN rows
        }
        foreach (var s in slots)
            Slots.Aggregate(s, Groups);
        var measures = new double[MeasureNames.Count];
        Measures(stats, slots, measures);
        return new FrameValues(slots, measures);
    }

    // Frame c's all-rows block and the pooled frame's group blocks are sums of cells; the pooled
    // (or only) frame's all-rows block is the sum of its group blocks.
    private void AddTotals(double[] stats)
    {
        int w = Width, additive = AdditiveWidth, g1 = Groups + 1, pooled = Frames - 1;
        for (var c = 0; c < Controls; c++)
            for (var g = 0; g < Groups; g++)
                for (var k = 0; k < additive; k++)
                {
                    var v = stats[(c * g1 + g) * w + k];
                    stats[(c * g1 + Groups) * w + k] += v;
                    stats[(pooled * g1 + g) * w + k] += v;
                }
        for (var g = 0; g < Groups; g++)
            for (var k = 0; k < additive; k++)
                stats[(pooled * g1 + Groups) * w + k] += stats[(pooled * g1 + g) * w + k];
    }

    /// <summary>
    /// Every block a row of <paramref name="cell"/> belongs to, for statistics that are not sums
    /// (the AUC): the cell, its frame's all-rows block, and with controls the pooled group and
    /// pooled all-rows blocks. Returns how many were written (2 or 4).
    /// </summary>
    protected int BlocksOfCell(int cell, Span<int> blocks)
    {
        var g1 = Groups + 1;
        var c = cell / g1;
        blocks[0] = cell;
        blocks[1] = c * g1 + Groups;
        if (Controls == 0)
            return 2;
        blocks[2] = Controls * g1 + (cell - c * g1);
        blocks[3] = Controls * g1 + Groups;
        return 4;
    }

    /// <summary>a / b, NaN when b is 0 (undefined rather than a silent 0).</summary>
    protected static double Div(double a, double b) => b == 0 ? double.NaN : a / b;
}
