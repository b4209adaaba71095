using Microsoft.ML;
using Xunit;
using N = DeepML.Fairness.FairnessMetricNames;

namespace DeepML.Fairness.Tests.Metrics;

public class BootstrapTests
{
    private static GroupMetrics Run(int seed, int resamples = 200, int rows = 4000)
    {
        var ml = new MLContext(1);
        return ml.DeepML().Fairness.Evaluate(Synthetic.View(ml, Synthetic.Scored(rows, 21)),
            new GroupMetricsOptions { SensitiveColumnNames = ["Sf", "Sf2"], BootstrapResamples = resamples, Seed = seed });
    }

    [Fact]
    public void SameSeedGivesIdenticalIntervalsAndAnotherSeedDoesNot()
    {
        var a = Run(1);
        var b = Run(1);
        var c = Run(2);
        foreach (var m in a.Metrics)
            for (var q = 0; q < 8; q++)
                if (q != (int)MetricQuantity.ByGroup)
                    Assert.Equal(m.Interval((MetricQuantity)q), b[m.Name].Interval((MetricQuantity)q));
        Assert.NotEqual(a[N.SelectionRate].Interval(MetricQuantity.Overall), c[N.SelectionRate].Interval(MetricQuantity.Overall));
    }

    [Fact]
    public void OverallSelectionRateIntervalMatchesTheBinomialClosedForm()
    {
        // For a proportion, the bootstrap 95% interval ≈ p ± 1.96·sqrt(p(1−p)/n).
        const int n = 4000;
        var m = Run(3, resamples: 400, rows: n);
        var p = m[N.SelectionRate].Overall;
        var ci = m[N.SelectionRate].Interval(MetricQuantity.Overall)!.Value;
        var half = 1.96 * Math.Sqrt(p * (1 - p) / n);
        Assert.InRange((ci.Upper - ci.Lower) / 2, 0.8 * half, 1.2 * half);
        Assert.InRange(p, ci.Lower, ci.Upper);
        var dp = m.MeasureInterval(FairnessMeasureNames.DemographicParityDifference)!.Value;
        Assert.True(dp.Lower < m.Measure(FairnessMeasureNames.DemographicParityDifference) && m.Measure(FairnessMeasureNames.DemographicParityDifference) < dp.Upper);
    }

    [Fact]
    public void QuantileIsNumpysLinearInterpolation()
    {
        double[] sorted = [1, 2, 4, 8, 16];
        Assert.Equal(1.4, Bootstrap.Quantile(sorted, 0.1), 12);   // numpy.quantile([1,2,4,8,16], 0.1) = 1.4
        Assert.Equal(12.8, Bootstrap.Quantile(sorted, 0.9), 12);  // = 12.8
        Assert.True(double.IsNaN(Bootstrap.Quantile([], 0.5)));
    }

    [Fact]
    public void ResampleMultiplicitiesSumToNAndDoNotDependOnThreads()
    {
        var a = new byte[1000];
        var b = new byte[1000];
        Bootstrap.Draw(a, 5, 17);
        Bootstrap.Draw(b, 5, 17);
        Assert.Equal(1000, a.Sum(x => (int)x));
        Assert.Equal(a, b);
        // About 1 − 1/e of the rows appear at least once.
        Assert.InRange(a.Count(c => c > 0) / 1000.0, 0.59, 0.67);
    }
}
