namespace DeepML.Fairness;

/// <summary>
/// Multiclass statistics per block. Block layout: [rows, Σw, Σw·1[ŷ=y], then per class c:
/// Σw·1[y=c], Σw·1[y=c, ŷ=c]]. Metrics: count, accuracy, and the recall of each class.
/// </summary>
internal sealed class MulticlassKernel : MetricKernel
{
    private readonly int[] _label;
    private readonly int[] _prediction;
    private readonly int _classes;
    private readonly string[] _names;

    public MulticlassKernel(int[] cellOfRow, int groups, int controls, double[]? weights, int[] label, int[] prediction, IReadOnlyList<string> classNames)
        : base(cellOfRow, groups, controls, weights)
    {
        _label = label;
        _prediction = prediction;
        _classes = classNames.Count;
        _names = [FairnessMetricNames.Count, FairnessMetricNames.Accuracy, .. classNames.Select(c => $"{FairnessMetricNames.ClassRecallPrefix}({c})")];
    }

    public override IReadOnlyList<string> MetricNames => _names;

    public override int Width => 3 + 2 * _classes;

    public override void Accumulate(byte[]? multiplicity, double[] stats)
    {
        var width = Width;
        for (var i = 0; i < _label.Length; i++)
        {
            double c = multiplicity is null ? 1 : multiplicity[i];
            if (c == 0)
                continue;
            var w = Weights is null ? c : c * Weights[i];
            var b = CellOfRow[i] * width;
            int y = _label[i], p = _prediction[i];
            stats[b] += c;
            stats[b + 1] += w;
            stats[b + 3 + 2 * y] += w;
            if (y == p)
            {
                stats[b + 2] += w;
                stats[b + 4 + 2 * y] += w;
            }
        }
    }

    public override void Finish(ReadOnlySpan<double> stats, double[][] slots)
    {
        for (var g = 0; g <= Groups; g++)
        {
            var slot = g == Groups ? 0 : g + 1;
            var b = g * Width;
            slots[0][slot] = stats[b];
            slots[1][slot] = Div(stats[b + 2], stats[b + 1]);
            for (var c = 0; c < _classes; c++)
                slots[2 + c][slot] = Div(stats[b + 4 + 2 * c], stats[b + 3 + 2 * c]);
        }
    }
}
