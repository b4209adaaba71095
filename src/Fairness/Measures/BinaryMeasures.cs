namespace DeepML.Fairness;

/// <summary>Settings the binary measures need beyond the statistics.</summary>
internal sealed record BinaryMeasureSettings(GroupComparison Comparison, int PrivilegedGroup, double EntropyAlpha, double Concentration);

/// <summary>
/// Computes the measures named in <see cref="FairnessMeasureNames"/> from one frame's per-group
/// confusion statistics (all rows, or the rows of one control value).
/// </summary>
internal static class BinaryMeasures
{
    public static readonly string[] Names =
    [
        FairnessMeasureNames.DemographicParityDifference, FairnessMeasureNames.DemographicParityRatio,
        FairnessMeasureNames.EqualizedOddsDifference, FairnessMeasureNames.EqualizedOddsDifferenceMean,
        FairnessMeasureNames.EqualizedOddsRatio, FairnessMeasureNames.EqualizedOddsRatioMean,
        FairnessMeasureNames.EqualOpportunityDifference, FairnessMeasureNames.EqualOpportunityRatio,
        FairnessMeasureNames.DisparateImpact, FairnessMeasureNames.StatisticalParityDifference,
        FairnessMeasureNames.AverageOddsDifference, FairnessMeasureNames.AverageAbsOddsDifference,
        FairnessMeasureNames.TruePositiveRateDifference, FairnessMeasureNames.TheilIndex,
        FairnessMeasureNames.GeneralizedEntropyIndex, FairnessMeasureNames.SmoothedEmpiricalDifferentialFairness,
        FairnessMeasureNames.SmoothedEmpiricalDifferentialFairnessLabels, FairnessMeasureNames.DifferentialFairnessBiasAmplification,
    ];

    // Slot indices of the binary kernel's metrics.
    private const int Sr = 1, Tpr = 3, Fpr = 4;

    public static void Compute(ReadOnlySpan<double> stats, int width, int groups, double[][] slots, BinaryMeasureSettings s, double[] o)
    {
        var d = s.Comparison == GroupComparison.BetweenGroups ? MetricQuantity.DifferenceBetweenGroups : MetricQuantity.DifferenceToOverall;
        var r = s.Comparison == GroupComparison.BetweenGroups ? MetricQuantity.RatioBetweenGroups : MetricQuantity.RatioToOverall;
        double Q(int metric, MetricQuantity q) => slots[metric][Slots.Of(q, 0, groups)];
        o[0] = Q(Sr, d);
        o[1] = Q(Sr, r);
        o[2] = NanMax(Q(Tpr, d), Q(Fpr, d));
        o[3] = NanMean(Q(Tpr, d), Q(Fpr, d));
        o[4] = NanMin(Q(Tpr, r), Q(Fpr, r));
        o[5] = NanMean(Q(Tpr, r), Q(Fpr, r));
        o[6] = Q(Tpr, d);
        o[7] = Q(Tpr, r);
        Directional(stats, width, groups, s.PrivilegedGroup, o);
        var b = groups * width; // overall block
        o[13] = GeneralizedEntropy(stats[b + 1], stats[b + 2], stats[b + 3], stats[b + 4], 1);
        o[14] = GeneralizedEntropy(stats[b + 1], stats[b + 2], stats[b + 3], stats[b + 4], s.EntropyAlpha);
        o[15] = SmoothedEdf(stats, width, groups, s.Concentration, predictions: true);
        o[16] = SmoothedEdf(stats, width, groups, s.Concentration, predictions: false);
        o[17] = o[15] - o[16];
    }

    // AIF360: unprivileged (all other rows pooled) minus privileged.
    private static void Directional(ReadOnlySpan<double> stats, int width, int groups, int privileged, double[] o)
    {
        if (privileged < 0)
        {
            for (var k = 8; k <= 12; k++)
                o[k] = double.NaN;
            return;
        }
        Span<double> p = stackalloc double[4];
        Span<double> u = stackalloc double[4];
        for (var g = 0; g < groups; g++)
            for (var k = 0; k < 4; k++)
                (g == privileged ? p : u)[k] += stats[g * width + 1 + k];
        static double SR(Span<double> c) => (c[1] + c[3]) / (c[0] + c[1] + c[2] + c[3]);
        static double TPR(Span<double> c) => c[3] / (c[3] + c[2]);
        static double FPR(Span<double> c) => c[1] / (c[1] + c[0]);
        o[8] = SR(u) / SR(p);
        o[9] = SR(u) - SR(p);
        o[10] = 0.5 * ((FPR(u) - FPR(p)) + (TPR(u) - TPR(p)));
        o[11] = 0.5 * (Math.Abs(FPR(u) - FPR(p)) + Math.Abs(TPR(u) - TPR(p)));
        o[12] = TPR(u) - TPR(p);
    }

    /// <summary>GE(α) over benefits b = ŷ − y + 1: FN rows have b = 0, correct rows b = 1, FP rows b = 2.</summary>
    public static double GeneralizedEntropy(double tn, double fp, double fn, double tp, double alpha)
    {
        var n = tn + fp + fn + tp;
        if (n == 0)
            return double.NaN;
        var mu = (tn + tp + 2 * fp) / n;
        if (mu == 0)
            return double.NaN;
        double x1 = 1 / mu, x2 = 2 / mu, correct = tn + tp;
        if (alpha == 1)
            return (correct * x1 * Math.Log(x1) + fp * x2 * Math.Log(x2)) / n;
        if (alpha == 0)
            return fn > 0 ? double.PositiveInfinity : -(correct * Math.Log(x1) + fp * Math.Log(x2)) / n;
        var zeroTerm = fn == 0 ? 0 : fn * (alpha > 0 ? -1 : double.PositiveInfinity);
        return (zeroTerm + correct * (Math.Pow(x1, alpha) - 1) + fp * (Math.Pow(x2, alpha) - 1)) / (n * alpha * (alpha - 1));
    }

    /// <summary>AIF360's smoothed EDF over the groups that have rows.</summary>
    public static double SmoothedEdf(ReadOnlySpan<double> stats, int width, int groups, double concentration, bool predictions)
    {
        double minP = double.PositiveInfinity, maxP = double.NegativeInfinity;
        var observed = 0;
        for (var g = 0; g < groups; g++)
        {
            var b = g * width;
            if (stats[b] == 0)
                continue;
            double tn = stats[b + 1], fp = stats[b + 2], fn = stats[b + 3], tp = stats[b + 4];
            var pos = predictions ? tp + fp : tp + fn;
            var sbr = (pos + concentration / 2) / (tn + fp + fn + tp + concentration);
            minP = Math.Min(minP, sbr);
            maxP = Math.Max(maxP, sbr);
            observed++;
        }
        if (observed < 2)
            return double.NaN;
        return Math.Max(Math.Log(maxP) - Math.Log(minP), Math.Log(1 - minP) - Math.Log(1 - maxP));
    }

    private static double NanMax(double a, double b) => double.IsNaN(a) ? b : double.IsNaN(b) ? a : Math.Max(a, b);
    private static double NanMin(double a, double b) => double.IsNaN(a) ? b : double.IsNaN(b) ? a : Math.Min(a, b);
    private static double NanMean(double a, double b) => double.IsNaN(a) ? b : double.IsNaN(b) ? a : (a + b) / 2;
}
