namespace DeepML.Fairness.Benchmarks;

/// <summary>
/// What a user would otherwise write: LINQ GroupBy over the rows, each metric computed per group
/// with Count(predicate), AUC by sorting each group. Produces the same 20 quantities
/// (10 metrics × difference and ratio between groups) plus the per-group and overall values.
/// </summary>
public static class NaiveLinq
{
    public static readonly string[] Metrics =
        ["SelectionRate", "Accuracy", "TruePositiveRate", "FalsePositiveRate", "TrueNegativeRate", "FalseNegativeRate", "Precision", "Recall", "F1Score", "AreaUnderRocCurve"];

    public static Dictionary<string, (double Difference, double Ratio)> Evaluate(IReadOnlyList<BenchRow> rows)
    {
        var groups = rows.GroupBy(r => (r.Sex, r.Race)).ToList();
        var result = new Dictionary<string, (double, double)>();
        foreach (var metric in Metrics)
        {
            var values = groups.Select(g => Metric(metric, g.ToList())).Where(v => !double.IsNaN(v)).ToList();
            _ = Metric(metric, rows); // overall, as MetricFrame computes it
            result[metric] = (values.Max() - values.Min(), values.Min() / values.Max());
        }
        return result;
    }

    private static double Metric(string name, IReadOnlyList<BenchRow> g)
    {
        double tp = g.Count(r => r.Label && r.PredictedLabel), fp = g.Count(r => !r.Label && r.PredictedLabel);
        double fn = g.Count(r => r.Label && !r.PredictedLabel), tn = g.Count(r => !r.Label && !r.PredictedLabel);
        return name switch
        {
            "SelectionRate" => (tp + fp) / g.Count,
            "Accuracy" => (tp + tn) / g.Count,
            "TruePositiveRate" or "Recall" => tp / (tp + fn),
            "FalsePositiveRate" => fp / (fp + tn),
            "TrueNegativeRate" => tn / (tn + fp),
            "FalseNegativeRate" => fn / (fn + tp),
            "Precision" => tp / (tp + fp),
            "F1Score" => 2 * tp / (2 * tp + fp + fn),
            _ => Auc(g),
        };
    }

    private static double Auc(IReadOnlyList<BenchRow> g)
    {
        var sorted = g.OrderBy(r => r.Score).ToList();
        double negBelow = 0, area = 0, pos = 0, neg = 0;
        for (var i = 0; i < sorted.Count;)
        {
            var j = i;
            double p = 0, n = 0;
            for (; j < sorted.Count && sorted[j].Score == sorted[i].Score; j++)
                if (sorted[j].Label) p++; else n++;
            area += p * (negBelow + 0.5 * n);
            negBelow += n;
            pos += p;
            neg += n;
            i = j;
        }
        return area / (pos * neg);
    }

    /// <summary>The naive bootstrap: resample the list, recompute everything.</summary>
    public static void Bootstrap(IReadOnlyList<BenchRow> rows, int resamples, int seed)
    {
        var rng = new Random(seed);
        for (var b = 0; b < resamples; b++)
        {
            var sample = new BenchRow[rows.Count];
            for (var i = 0; i < sample.Length; i++)
                sample[i] = rows[rng.Next(rows.Count)];
            Evaluate(sample);
        }
    }
}
