namespace DeepML.Fairness;

/// <summary>
/// Binary classification statistics per group: row count, weighted TN, FP, FN, TP and the
/// Mann–Whitney numerator of the AUC. Block layout: [rows, TN, FP, FN, TP, aucNumerator].
/// </summary>
internal sealed class BinaryKernel : MetricKernel
{
    private const int W = 6;
    private readonly byte[] _code;          // label·2 + prediction: 0 TN, 1 FP, 2 FN, 3 TP
    private readonly double[]? _score;
    private readonly int[]? _order;         // rows sorted by score, ascending
    private readonly string[] _names;
    private readonly BinaryMeasureSettings _settings;

    public BinaryKernel(int[] groupOfRow, int groups, double[]? weights, byte[] code, double[]? score, BinaryMeasureSettings settings)
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
        {
            names.Add(FairnessMetricNames.Auc);
            _order = new int[score.Length];
            for (var i = 0; i < _order.Length; i++)
                _order[i] = i;
            var keys = (double[])score.Clone();
            Array.Sort(keys, _order);
        }
        _names = [.. names];
    }

    public override IReadOnlyList<string> MetricNames => _names;

    public override int Width => W;

    public override IReadOnlyList<string> MeasureNames => BinaryMeasures.Names;

    public override void Accumulate(int[]? multiplicity, double[] stats)
    {
        var groupOf = GroupOfRow;
        var weights = Weights;
        var overall = Groups * W;
        for (var i = 0; i < groupOf.Length; i++)
        {
            double c = multiplicity is null ? 1 : multiplicity[i];
            if (c == 0)
                continue;
            var b = groupOf[i] * W;
            var w = weights is null ? c : c * weights[i];
            stats[b] += c;
            stats[b + 1 + _code[i]] += w;
        }
        for (var g = 0; g < Groups; g++)
            for (var k = 0; k < 5; k++)
                stats[overall + k] += stats[g * W + k];
        if (_order is not null)
            AccumulateAuc(multiplicity, stats);
    }

    // One pass over rows in score order; ties count one half (scikit-learn's trapezoidal ROC area).
    private void AccumulateAuc(int[]? multiplicity, double[] stats)
    {
        var blocks = Groups + 1;
        var negBelow = new double[blocks];
        var blockPos = new double[blocks];
        var blockNeg = new double[blocks];
        var touched = new List<int>(blocks);
        var order = _order!;
        var score = _score!;
        var i = 0;
        while (i < order.Length)
        {
            var s = score[order[i]];
            var j = i;
            for (; j < order.Length && score[order[j]] == s; j++)
            {
                var r = order[j];
                double c = multiplicity is null ? 1 : multiplicity[r];
                if (c == 0)
                    continue;
                var w = Weights is null ? c : c * Weights[r];
                var g = GroupOfRow[r];
                if (blockPos[g] == 0 && blockNeg[g] == 0)
                    touched.Add(g);
                if (_code[r] >= 2) { blockPos[g] += w; blockPos[Groups] += w; }
                else { blockNeg[g] += w; blockNeg[Groups] += w; }
            }
            touched.Add(Groups);
            foreach (var g in touched)
            {
                stats[g * W + 5] += blockPos[g] * (negBelow[g] + 0.5 * blockNeg[g]);
                negBelow[g] += blockNeg[g];
                blockPos[g] = 0;
                blockNeg[g] = 0;
            }
            touched.Clear();
            i = j;
        }
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
            if (_order is not null)
                slots[10][slot] = Div(stats[b + 5], (tp + fn) * (tn + fp));
        }
    }

    public override void Measures(double[] stats, double[][] slots, double[] output) =>
        BinaryMeasures.Compute(stats, W, Groups, slots, _settings, output);
}
