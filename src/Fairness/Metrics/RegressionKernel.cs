namespace DeepML.Fairness;

/// <summary>
/// Regression statistics per block. Block layout: [rows, Σw, Σwy', Σwy'², Σwŷ, Σw|y−ŷ|, Σw(y−ŷ)²],
/// with y' = y − c and c the mean label, which keeps Σwy'² − (Σwy')²/Σw well conditioned.
/// </summary>
internal sealed class RegressionKernel(int[] cellOfRow, int groups, int controls, double[]? weights, double[] label, double[] prediction)
    : MetricKernel(cellOfRow, groups, controls, weights)
{
    private const int W = 7;
    private readonly double _center = label.Length == 0 ? 0 : label.Average();
    private static readonly string[] Names =
    [
        FairnessMetricNames.Count, FairnessMetricNames.MeanAbsoluteError, FairnessMetricNames.MeanSquaredError,
        FairnessMetricNames.RootMeanSquaredError, FairnessMetricNames.RSquared, FairnessMetricNames.MeanPrediction,
    ];

    public override IReadOnlyList<string> MetricNames => Names;

    public override int Width => W;

    public override void Accumulate(byte[]? multiplicity, double[] stats)
    {
        for (var i = 0; i < label.Length; i++)
        {
            double c = multiplicity is null ? 1 : multiplicity[i];
            if (c == 0)
                continue;
            var w = Weights is null ? c : c * Weights[i];
            double y = label[i] - _center, p = prediction[i], e = label[i] - p;
            var b = CellOfRow[i] * W;
            stats[b] += c;
            stats[b + 1] += w;
            stats[b + 2] += w * y;
            stats[b + 3] += w * y * y;
            stats[b + 4] += w * p;
            stats[b + 5] += w * Math.Abs(e);
            stats[b + 6] += w * e * e;
        }
    }

    public override void Finish(ReadOnlySpan<double> stats, double[][] slots)
    {
        for (var g = 0; g <= Groups; g++)
        {
            var slot = g == Groups ? 0 : g + 1;
            var b = g * W;
            var sw = stats[b + 1];
            var mse = Div(stats[b + 6], sw);
            var ssTot = stats[b + 3] - stats[b + 2] * stats[b + 2] / sw;
            slots[0][slot] = stats[b];
            slots[1][slot] = Div(stats[b + 5], sw);
            slots[2][slot] = mse;
            slots[3][slot] = Math.Sqrt(mse);
            // R² is undefined when the group's labels are constant (scikit-learn would report 0 or 1).
            slots[4][slot] = ssTot <= 1e-12 * Math.Max(1, stats[b + 3]) ? double.NaN : 1 - stats[b + 6] / ssTot;
            slots[5][slot] = Div(stats[b + 4], sw);
        }
    }
}
