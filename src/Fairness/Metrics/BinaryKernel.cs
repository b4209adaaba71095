namespace DeepML.Fairness;

/// <summary>
/// Binary classification statistics per block: row count, weighted TN, FP, FN, TP and the
/// Mann–Whitney numerator of the AUC. Block layout: [rows, TN, FP, FN, TP, aucNumerator].
/// With a score, the rows are held in score order, so one sequential pass gives both the confusion
/// counts and the AUC (and a bootstrap resample, drawn over that order, is still uniform). The AUC
/// numerator is not a sum over cells, so the pass keeps it for every block a row belongs to.
/// </summary>
internal sealed class BinaryKernel : MetricKernel
{
    private const int W = 6;
    private readonly byte[] _code;          // label·2 + prediction: 0 TN, 1 FP, 2 FN, 3 TP
    private readonly double[]? _score;      // ascending when present
    private readonly string[] _names;
    private readonly BinaryMeasureSettings _settings;

    private BinaryKernel(int[] cellOfRow, int groups, int controls, double[]? weights, byte[] code, double[]? score, BinaryMeasureSettings settings)
        : base(cellOfRow, groups, controls, weights)
    {
        _code = code;
        _score = score;
        _settings = settings;
        List<string> names =
        [
            FairnessMetricNames.Count, FairnessMetricNames.SelectionRate, FairnessMetricNames.Accuracy,
            FairnessMetricNames.TruePositiveRate, FairnessMetricNames.FalsePositiveRate, FairnessMetricNames.TrueNegativeRate,
            FairnessMetricNames.FalseNegativeRate, FairnessMetricNames.Precision, FairnessMetricNames.Recall, FairnessMetricNames.F1Score,
        ];
        if (score is not null)
            names.Add(FairnessMetricNames.Auc);
        _names = [.. names];
    }

    /// <summary>Makes the kernel; with a score, every row array is reordered by ascending score.</summary>
    public static BinaryKernel Create(int[] cellOfRow, int groups, int controls, double[]? weights, byte[] code, double[]? score, BinaryMeasureSettings settings)
    {
        if (score is null)
            return new BinaryKernel(cellOfRow, groups, controls, weights, code, null, settings);
        var order = new int[score.Length];
        for (var i = 0; i < order.Length; i++)
            order[i] = i;
        var sorted = (double[])score.Clone();
        Array.Sort(sorted, order);
        T[] Permute<T>(T[] a)
        {
            var p = new T[a.Length];
            for (var i = 0; i < p.Length; i++)
                p[i] = a[order[i]];
            return p;
        }
        return new BinaryKernel(Permute(cellOfRow), groups, controls, weights is null ? null : Permute(weights), Permute(code), sorted, settings);
    }

    public override IReadOnlyList<string> MetricNames => _names;

    public override int Width => W;

    protected override int AdditiveWidth => 5;

    public override IReadOnlyList<string> MeasureNames => BinaryMeasures.Names;

    public override void Accumulate(byte[]? multiplicity, double[] stats)
    {
        var cellOf = CellOfRow;
        var weights = Weights;
        var code = _code;
        var score = _score;
        // AUC state per block: negatives below the current tie block, the tie block's positives and negatives.
        var negBelow = score is null ? null : new double[Blocks];
        var blockPos = score is null ? null : new double[Blocks];
        var blockNeg = score is null ? null : new double[Blocks];
        var touched = new List<int>();
        Span<int> mine = stackalloc int[4];
        for (var i = 0; i < cellOf.Length; i++)
        {
            if (score is not null && i > 0 && score[i] != score[i - 1])
                Flush(stats, negBelow!, blockPos!, blockNeg!, touched);
            double c = multiplicity is null ? 1 : multiplicity[i];
            if (c == 0)
                continue;
            var cell = cellOf[i];
            var b = cell * W;
            var w = weights is null ? c : c * weights[i];
            stats[b] += c;
            stats[b + 1 + code[i]] += w;
            if (score is null)
                continue;
            var count = BlocksOfCell(cell, mine);
            var positive = code[i] >= 2;
            for (var k = 0; k < count; k++)
            {
                var block = mine[k];
                if (blockPos![block] == 0 && blockNeg![block] == 0)
                    touched.Add(block);
                if (positive) blockPos[block] += w;
                else blockNeg![block] += w;
            }
        }
        if (score is not null)
            Flush(stats, negBelow!, blockPos!, blockNeg!, touched);
    }

    // Ends a block of tied scores: each positive in it beats the negatives below and ties half of those in it.
    private static void Flush(double[] stats, double[] negBelow, double[] blockPos, double[] blockNeg, List<int> touched)
    {
        foreach (var block in touched)
        {
            stats[block * W + 5] += blockPos[block] * (negBelow[block] + 0.5 * blockNeg[block]);
            negBelow[block] += blockNeg[block];
            blockPos[block] = 0;
            blockNeg[block] = 0;
        }
        touched.Clear();
    }

    public override void Finish(ReadOnlySpan<double> stats, double[][] slots)
    {
        for (var g = 0; g <= Groups; g++)
        {
            var slot = g == Groups ? 0 : g + 1;
            var b = g * W;
            double tn = stats[b + 1], fp = stats[b + 2], fn = stats[b + 3], tp = stats[b + 4];
            var all = tn + fp + fn + tp;
            slots[0][slot] = stats[b];
            slots[1][slot] = Div(tp + fp, all);
            slots[2][slot] = Div(tp + tn, all);
            slots[3][slot] = Div(tp, tp + fn);
            slots[4][slot] = Div(fp, fp + tn);
            slots[5][slot] = Div(tn, tn + fp);
            slots[6][slot] = Div(fn, fn + tp);
            slots[7][slot] = Div(tp, tp + fp);
            slots[8][slot] = Div(tp, tp + fn);
            slots[9][slot] = Div(2 * tp, 2 * tp + fp + fn);
            if (_score is not null)
                slots[10][slot] = Div(stats[b + 5], (tp + fn) * (tn + fp));
        }
    }

    public override void Measures(ReadOnlySpan<double> stats, double[][] slots, double[] output) =>
        BinaryMeasures.Compute(stats, W, Groups, slots, _settings, output);
}
