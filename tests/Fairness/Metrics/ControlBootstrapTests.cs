using Microsoft.ML;
using Xunit;
using N = DeepML.Fairness.FairnessMetricNames;

namespace DeepML.Fairness.Tests.Metrics;

/// <summary>Bootstrap intervals per (control value, group) cell.</summary>
public class ControlBootstrapTests
{
    private static GroupMetrics Run(List<ControlRow> rows, string[] control, int resamples, int seed, string? weight = null)
    {
        var ml = new MLContext(1);
        return ml.DeepML().Fairness.Evaluate(ControlRows.View(ml, rows), new GroupMetricsOptions
        {
            SensitiveColumnNames = ["Sf", "Sf2"], ControlColumnNames = control, BootstrapResamples = resamples, Seed = seed, ExampleWeightColumnName = weight,
        });
    }

    [Fact]
    public void CellIntervalsAreSeededAndMatchTheBinomialClosedForm()
    {
        var rows = ControlRows.Random(6000, 13);
        var a = Run(rows, ["Cf"], 300, 4);
        var b = Run(rows, ["Cf"], 300, 4);
        var c = Run(rows, ["Cf"], 300, 5);
        for (var k = 0; k < a.ByControl.Count; k++)
            foreach (var m in a.ByControl[k].Metrics)
                for (var g = 0; g < a.Groups.Count; g++)
                    Assert.Equal(m.Interval(MetricQuantity.ByGroup, g), b.ByControl[k][m.Name].Interval(MetricQuantity.ByGroup, g));
        Assert.NotEqual(a.ForControl("H")[N.SelectionRate].Interval(MetricQuantity.ByGroup, 0), c.ForControl("H")[N.SelectionRate].Interval(MetricQuantity.ByGroup, 0));
        foreach (var stratum in a.ByControl)
        {
            var sr = stratum[N.SelectionRate];
            foreach (var g in stratum.Groups)
            {
                var ci = sr.Interval(MetricQuantity.ByGroup, g.Index)!.Value;
                if (g.IsEmpty)
                {
                    // Every resample leaves the cell empty: no defined value, so no interval.
                    Assert.True(double.IsNaN(ci.Lower) && double.IsNaN(ci.Upper));
                    continue;
                }
                var p = sr.ByGroup[g.Index];
                var half = 1.96 * Math.Sqrt(p * (1 - p) / g.RowCount);
                Assert.InRange((ci.Upper - ci.Lower) / 2, 0.75 * half, 1.25 * half);
                Assert.InRange(p, ci.Lower, ci.Upper);
            }
            var d = sr.Interval(MetricQuantity.DifferenceBetweenGroups)!.Value;
            Assert.InRange(sr.Difference(), d.Lower, d.Upper);
            var dp = stratum.MeasureInterval(FairnessMeasureNames.DemographicParityDifference)!.Value;
            Assert.Equal(d, dp);
        }
    }

    [Fact]
    public void ValuesAndIntervalsForAllRowsEqualAnEvaluationWithoutControl()
    {
        var rows = ControlRows.Random(3000, 17);
        var with = Run(rows, ["Cf"], 60, 9, "Weight");
        var without = Run(rows, [], 60, 9, "Weight");
        Assert.Empty(without.ByControl);
        Assert.Empty(without.ControlGroups);
        foreach (var m in without.Metrics)
            for (var q = 0; q < 8; q++)
                for (var g = 0; g < (q == (int)MetricQuantity.ByGroup ? without.Groups.Count : 1); g++)
                {
                    var quantity = (MetricQuantity)q;
                    Assert.Equal(m.Get(quantity, g), with[m.Name].Get(quantity, g), 12);
                    var (x, y) = (m.Interval(quantity, g)!.Value, with[m.Name].Interval(quantity, g)!.Value);
                    Assert.Equal(x.Lower, y.Lower, 12);
                    Assert.Equal(x.Upper, y.Upper, 12);
                }
        foreach (var name in without.MeasureNames)
            Assert.Equal(without.Measure(name), with.Measure(name), 12);
    }
}
