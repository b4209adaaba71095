using Microsoft.ML;
using Xunit;
using F = DeepML.Fairness.FairnessMeasureNames;

namespace DeepML.Fairness.Tests.Measures;

/// <summary>AIF360 measures checked against direct per-row implementations of their formulas.</summary>
public class MeasureTests
{
    private readonly MLContext _ml = new(1);
    private readonly List<Row> _rows = Synthetic.Scored(1500, 31);

    private GroupMetrics Eval(string[] sensitive, string? privileged, double alpha = 2) =>
        _ml.DeepML().Fairness.Evaluate(Synthetic.View(_ml, _rows), new GroupMetricsOptions { SensitiveColumnNames = sensitive, PrivilegedGroup = privileged, EntropyAlpha = alpha });

    private static double Rate(IEnumerable<Row> rows, Func<Row, bool> where) { var x = rows.Where(where).ToList(); return x.Count(r => r.PredictedLabel) / (double)x.Count; }

    [Fact]
    public void DirectionalAif360MeasuresAreUnprivilegedMinusPrivileged()
    {
        var m = Eval(["Sf"], privileged: "A");
        var priv = _rows.Where(r => r.Sf == "A").ToList();
        var unpriv = _rows.Where(r => r.Sf != "A").ToList();
        static double sr(List<Row> x) => Rate(x, _ => true);
        static double tpr(List<Row> x) => Rate(x, r => r.Label);
        static double fpr(List<Row> x) => Rate(x, r => !r.Label);
        Assert.Equal(sr(unpriv) / sr(priv), m.Measure(F.DisparateImpact), 10);
        Assert.Equal(sr(unpriv) - sr(priv), m.Measure(F.StatisticalParityDifference), 10);
        Assert.Equal(0.5 * (fpr(unpriv) - fpr(priv) + tpr(unpriv) - tpr(priv)), m.Measure(F.AverageOddsDifference), 10);
        Assert.Equal(0.5 * (Math.Abs(fpr(unpriv) - fpr(priv)) + Math.Abs(tpr(unpriv) - tpr(priv))), m.Measure(F.AverageAbsOddsDifference), 10);
        Assert.Equal(tpr(unpriv) - tpr(priv), m.Measure(F.TruePositiveRateDifference), 10);
        // With two groups, Fairlearn's EO mean (between groups) equals AIF360's average_abs_odds_difference.
        Assert.Equal(m.Measure(F.AverageAbsOddsDifference), m.Measure(F.EqualizedOddsDifferenceMean), 10);
        Assert.True(double.IsNaN(Eval(["Sf"], privileged: null).Measure(F.DisparateImpact)));
    }

    [Theory]
    [InlineData(2.0)]
    [InlineData(0.5)]
    [InlineData(3.0)]
    public void EntropyIndicesMatchThePerRowFormula(double alpha)
    {
        var m = Eval(["Sf"], null, alpha);
        var b = _rows.Select(r => (r.PredictedLabel ? 1.0 : 0) - (r.Label ? 1 : 0) + 1).ToArray();
        var mu = b.Average();
        var ge = b.Sum(x => Math.Pow(x / mu, alpha) - 1) / (b.Length * alpha * (alpha - 1));
        var theil = b.Average(x => x == 0 ? 0 : x / mu * Math.Log(x / mu));   // AIF360: mean(log((b/μ)^b)/μ)
        Assert.Equal(ge, m.Measure(F.GeneralizedEntropyIndex), 10);
        Assert.Equal(theil, m.Measure(F.TheilIndex), 10);
    }

    [Fact]
    public void SmoothedEdfMatchesThePairwiseDefinitionOverIntersections()
    {
        var m = Eval(["Sf", "Sf2"], null);
        double Edf(Func<Row, bool> positive)
        {
            var sbr = _rows.GroupBy(r => r.Sf + r.Sf2).Select(g => (g.Count(positive) + 0.5) / (g.Count() + 1.0)).ToList();
            return sbr.SelectMany(p => sbr.Select(q => Math.Max(Math.Abs(Math.Log(p) - Math.Log(q)), Math.Abs(Math.Log(1 - p) - Math.Log(1 - q))))).Max();
        }
        Assert.Equal(Edf(r => r.PredictedLabel), m.Measure(F.SmoothedEmpiricalDifferentialFairness), 10);
        Assert.Equal(Edf(r => r.Label), m.Measure(F.SmoothedEmpiricalDifferentialFairnessLabels), 10);
        Assert.Equal(Edf(r => r.PredictedLabel) - Edf(r => r.Label), m.Measure(F.DifferentialFairnessBiasAmplification), 10);
    }
}
