namespace DeepML.Fairness;

/// <summary>
/// Binary classification statistics per group: row count, weighted TN, FP, FN, TP and the
/// Mann–Whitney numerator of the AUC. Block layout: [rows, TN, FP, FN, TP, aucNumerator].
/// With a score, the rows are held in score order, so one sequential pass gives both the confusion
/// counts and the AUC (and a bootstrap resample, drawn over that order, is still uniform).
/// </summary>
internal sealed class BinaryKernel : MetricKernel
{
    private const int W = 6;
    private readonly byte[] _code;          // label·2 + prediction: 0 TN, 1 FP, 2 FN, 3 TP
    private readonly double[]? _score;      // ascending when present
    private readonly string[] _names;
    private readonly BinaryMeasureSettings _settings;

    private BinaryKernel(int[] groupOfRow, int groups, double[]? weights, byte[] code, double[]? score, BinaryMeasureSettings settings)
        : base(groupOfRow, groups, weights)
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
    public static BinaryKernel Create(int[] groupOfRow, int groups, double[]? weights, byte[] code, double[]? score, BinaryMeasureSettings settings)
    {
        if (score is null)
            return new BinaryKernel(groupOfRow, groups, weights, code, null, settings);
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
        return new BinaryKernel(Permute(groupOfRow), groups, weights is null ? null : Permute(weights), Permute(code), sorted, settings);
    }

    public override IReadOnlyList<string> MetricNames => _names;

    public override int Width => W;

    public override IReadOnlyList<string> MeasureNames => BinaryMeasures.Names;

    public override void Accumulate(byte[]? multiplicity, double[] stats)
    {
        var groupOf = GroupOfRow;
        var weights = Weights;
        var code = _code;
        var score = _score;
        var overall = Groups * W;
        // AUC state: negatives below the current tie block, the block's positives/negatives per group.
        var negBelow = score is null ? null : new double[Groups + 1];
        var blockPos = score is null ? null : new double[Groups + 1];
        var blockNeg = score is null ? null : new double[Groups + 1];
        var touched = new List<int>();
        for (var i = 0; i < groupOf.Length; i++)
        {
            if (score is not null && i > 0 && score[i] != score[i - 1])
                Flush(stats, negBelow!, blockPos!, blockNeg!, touched);
            double c = multiplicity is null ? 1 : multiplicity[i];
            if (c == 0)
                continue;
            var g = groupOf[i];
            var b = g * W;
            var w = weights is null ? c : c * weights[i];
            stats[b] += c;
            stats[b + 1 + code[i]] += w;
            if (score is null)
                continue;
            if (blockPos![g] == 0 && blockNeg![g] == 0)
                touched.Add(g);
            if (code[i] >= 2) { blockPos[g] += w; blockPos[Groups] += w; }
            else { blockNeg![g] += w; blockNeg[Groups] += w; }
        }
        if (score is not null)
            Flush(stats, negBelow!, blockPos!, blockNeg!, touched);
        for (var g = 0; g < Groups; g++)
            for (var k = 0; k < 5; k++)
                stats[overall + k] += stats[g * W + k];
    }

    // Ends a block of tied scores: each positive in it beats the negatives below and ties half of those in it.
    private void Flush(double[] stats, double[] negBelow, double[] blockPos, double[] blockNeg, List<int> touched)
    {
        touched.Add(Groups);
        foreach (var g in touched)
        {
            stats[g * W + 5] += blockPos[g] * (negBelow[g] + 0.5 * blockNeg[g]);
            negBelow[g] += blockNeg[g];
            blockPos[g] = 0;
            blockNeg[g] = 0;
        }
        touched.Clear();
    }

    public override void Finish(double[] stats, double[][] slots)
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

    public override void Measures(double[] stats, double[][] slots, double[] output) =>
        BinaryMeasures.Compute(stats, W, Groups, slots, _settings, output);
}
