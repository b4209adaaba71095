using Microsoft.ML;
using Xunit;
using F = DeepML.Fairness.FairnessMeasureNames;
using N = DeepML.Fairness.FairnessMetricNames;

namespace DeepML.Fairness.Tests.Metrics;

/// <summary>Control features (Fairlearn's <c>control_features</c>): golden values and a LINQ re-implementation.</summary>
public class ControlFeatureTests
{
    private const double Tolerance = 1e-12;
    private readonly MLContext _ml = new(1);

    private GroupMetrics Evaluate(IEnumerable<ControlRow> rows, string[] sensitive, string[] control, string? weight = null, string? score = "Score", int resamples = 0, int seed = 1) =>
        _ml.DeepML().Fairness.Evaluate(ControlRows.View(_ml, rows), new GroupMetricsOptions
        {
            SensitiveColumnNames = sensitive, ControlColumnNames = control, ExampleWeightColumnName = weight, ScoreColumnName = score,
            BootstrapResamples = resamples, Seed = seed,
        });

    [Fact]
    public void AccuracyByControlMatchesIntersectingGroupsRst()
    {
        var m = Evaluate(ControlRows.IntersectingGroupsRst(), ["Sf"], ["Cf"], score: null);
        Assert.Equal(["H", "L"], m.ControlGroups.Select(c => c.Name));
        Assert.Equal([14, 16], m.ByControl.Select(s => s.RowCount));
        var h = m.ForControl("H")[N.Accuracy];
        var l = m.ForControl("L")[N.Accuracy];
        Assert.Equal(0.4285714, h.Overall, 6);
        Assert.Equal(0.375, l.Overall, 6);
        var expected = new Dictionary<string, (double H, double L)> { ["A"] = (0.2, 0.4), ["B"] = (0.4, 0.2857143), ["C"] = (0.75, 0.5) };
        foreach (var (group, e) in expected)
        {
            Assert.Equal(e.H, h.ByGroup[m.Group(group).Index], 6);
            Assert.Equal(e.L, l.ByGroup[m.Group(group).Index], 6);
        }
        Assert.Equal(0.75, h.GroupMax, 6);
        Assert.Equal(0.50, l.GroupMax, 6);
        Assert.Equal(0.55, h.Difference(), 6);
        Assert.Equal(0.2142857, l.Difference(), 6);
    }

    /// <summary>The binary metrics the test recomputes, each as (weighted numerator condition, denominator condition).</summary>
    private static readonly (string Name, Func<ControlRow, bool> Num, Func<ControlRow, bool> Den)[] Rates =
    [
        (N.SelectionRate, r => r.PredictedLabel, _ => true),
        (N.Accuracy, r => r.PredictedLabel == r.Label, _ => true),
        (N.TruePositiveRate, r => r.PredictedLabel, r => r.Label),
        (N.FalsePositiveRate, r => r.PredictedLabel, r => !r.Label),
        (N.TrueNegativeRate, r => !r.PredictedLabel, r => !r.Label),
        (N.FalseNegativeRate, r => !r.PredictedLabel, r => r.Label),
        (N.Precision, r => r.Label, r => r.PredictedLabel),
    ];

    private static double Rate(List<ControlRow> rows, Func<ControlRow, bool> num, Func<ControlRow, bool> den)
    {
        double n = 0, d = 0;
        foreach (var r in rows.Where(den))
        {
            d += r.Weight;
            if (num(r))
                n += r.Weight;
        }
        return d == 0 ? double.NaN : n / d;
    }

    private static double F1(List<ControlRow> rows)
    {
        double tp = rows.Where(r => r.Label && r.PredictedLabel).Sum(r => (double)r.Weight);
        double wrong = rows.Where(r => r.Label != r.PredictedLabel).Sum(r => (double)r.Weight);
        return 2 * tp + wrong == 0 ? double.NaN : 2 * tp / (2 * tp + wrong);
    }

    private static double Auc(List<ControlRow> rows)
    {
        double wins = 0, pos = 0, neg = 0;
        foreach (var p in rows.Where(r => r.Label))
            foreach (var n in rows.Where(r => !r.Label))
                wins += (double)p.Weight * n.Weight * (p.Score > n.Score ? 1 : p.Score == n.Score ? 0.5 : 0);
        pos = rows.Where(r => r.Label).Sum(r => (double)r.Weight);
        neg = rows.Where(r => !r.Label).Sum(r => (double)r.Weight);
        return pos * neg == 0 ? double.NaN : wins / (pos * neg);
    }

    private static IEnumerable<(string Name, Func<List<ControlRow>, double> Of)> Metrics() =>
        Rates.Select(t => (t.Name, (Func<List<ControlRow>, double>)(x => Rate(x, t.Num, t.Den))))
            .Append((N.F1Score, F1)).Append((N.Auc, Auc)).Append((N.Count, x => x.Count));

    private static void Close(double expected, double actual, string what)
    {
        if (double.IsNaN(expected))
            Assert.True(double.IsNaN(actual), $"{what}: expected undefined (NaN), got {actual}");
        else
            Assert.True(Math.Abs(expected - actual) <= Tolerance, $"{what}: expected {expected:R}, got {actual:R}");
    }

    /// <summary>Checks one frame (the rows of one control value, or all rows) against LINQ over those rows.</summary>
    private static void CheckFrame(GroupMetrics frame, List<ControlRow> rows, string where)
    {
        Func<ControlRow, string> key = r => $"{r.Sf} | {r.Sf2}";
        foreach (var (name, of) in Metrics())
        {
            var m = frame[name];
            var byGroup = frame.Groups.Select(g => rows.Where(r => key(r) == g.Name).ToList()).Select(x => x.Count == 0 ? double.NaN : of(x)).ToArray();
            for (var g = 0; g < byGroup.Length; g++)
                Close(byGroup[g], m.ByGroup[g], $"{where} {name} {frame.Groups[g].Name}");
            var overall = of(rows);
            Close(overall, m.Overall, $"{where} {name} overall");
            var defined = byGroup.Where(v => !double.IsNaN(v)).ToArray();
            Close(defined.Min(), m.GroupMin, $"{where} {name} min");
            Close(defined.Max(), m.GroupMax, $"{where} {name} max");
            Close(defined.Max() - defined.Min(), m.Difference(), $"{where} {name} difference");
            Close(defined.Min() / defined.Max(), m.Ratio(), $"{where} {name} ratio");
            Close(defined.Max(v => Math.Abs(v - overall)), m.Difference(GroupComparison.ToOverall), $"{where} {name} difference to overall");
            Close(defined.Min(v => v / overall <= 1 ? v / overall : overall / v), m.Ratio(GroupComparison.ToOverall), $"{where} {name} ratio to overall");
        }
        Close(frame[N.SelectionRate].Difference(), frame.Measure(F.DemographicParityDifference), $"{where} DP difference");
        Close(Math.Max(frame[N.TruePositiveRate].Difference(), frame[N.FalsePositiveRate].Difference()), frame.Measure(F.EqualizedOddsDifference), $"{where} EO difference");
    }

    [Fact]
    public void EveryCellAndPerControlAggregateMatchesLinqOverIntersectionsAndControl()
    {
        var rows = ControlRows.Random(3000, 7);
        var m = Evaluate(rows, ["Sf", "Sf2"], ["Cf"], weight: "Weight");
        Assert.Equal(["H", "L", "M"], m.ControlGroups.Select(c => c.Name).Order(StringComparer.Ordinal));
        Assert.Equal(6, m.Groups.Count);
        foreach (var stratum in m.ByControl)
        {
            var inControl = rows.Where(r => r.Cf == stratum.Control!.Name).ToList();
            Assert.Equal(inControl.Count, stratum.RowCount);
            Assert.Equal(inControl.Count, stratum.Control!.RowCount);
            CheckFrame(stratum, inControl, $"Cf={stratum.Control.Name}");
        }
        // The top level ignores the control: all rows pooled.
        CheckFrame(m, rows, "all rows");
        // Cell row counts, with the one empty cell marked in its control value only.
        var l = m.ForControl("L");
        Assert.True(l.Group("c | y").IsEmpty);
        Assert.False(m.ForControl("H").Group("c | y").IsEmpty);
        Assert.False(m.Group("c | y").IsEmpty);
        Assert.Equal(rows.Count(r => r.Cf == "M" && r.Sf == "b" && r.Sf2 == "x"), m.ForControl("M").Group("b | x").RowCount);
    }

    [Fact]
    public void EmptyCellsAreUndefinedAndSkippedByTheAggregates()
    {
        var m = Evaluate(ControlRows.Random(3000, 7), ["Sf", "Sf2"], ["Cf"], weight: "Weight");
        var l = m.ForControl("L");
        var empty = l.Group("c | y").Index;
        foreach (var metric in l.Metrics)
            Assert.True(double.IsNaN(metric.ByGroup[empty]), $"{metric.Name} of the empty cell should be undefined");
        var rates = l[N.SelectionRate].ByGroup.Where(v => !double.IsNaN(v)).ToArray();
        Assert.Equal(5, rates.Length);
        Assert.Equal(rates.Max() - rates.Min(), l[N.SelectionRate].Difference(), 12);
    }

    [Fact]
    public void TwoControlColumnsKeepTheEmptyCombinationAndMarkIt()
    {
        // Cf2 is true only with Cf = H, so (M, True) and (L, True) have no rows.
        var rows = ControlRows.Random(900, 3);
        foreach (var r in rows)
            r.Cf2 = r.Cf == "H" && r.Cf2;
        var m = Evaluate(rows, ["Sf"], ["Cf", "Cf2"]);
        // Every combination, the first column varying slowest (levels in the order first seen).
        var cf = rows.Select(r => r.Cf).Distinct().ToArray();
        var cf2 = rows.Select(r => r.Cf2.ToString()).Distinct().ToArray();
        Assert.Equal(cf.SelectMany(c => cf2.Select(c2 => $"{c} | {c2}")), m.ControlGroups.Select(c => c.Name));
        var empty = m.ForControl("M | True");
        Assert.True(empty.Control!.IsEmpty);
        Assert.Equal(0, empty.RowCount);
        Assert.All(empty.Groups, g => Assert.True(g.IsEmpty));
        Assert.True(double.IsNaN(empty[N.SelectionRate].Overall));
        Assert.True(double.IsNaN(empty[N.SelectionRate].Difference()));
        Assert.True(double.IsNaN(empty.Measure(F.DemographicParityDifference)));
        var h = m.ForControl("H | True");
        var x = rows.Where(r => r.Cf == "H" && r.Cf2).ToList();
        Assert.Equal(x.Count, h.RowCount);
        Assert.Equal(x.Average(r => r.PredictedLabel ? 1.0 : 0), h[N.SelectionRate].Overall, 12);
    }

    [Fact]
    public void EachControlValueEqualsAnEvaluationOfItsRowsAlone()
    {
        var rows = ControlRows.Random(2000, 11);
        var m = Evaluate(rows, ["Sf"], ["Cf"], weight: "Weight");
        foreach (var stratum in m.ByControl)
        {
            var alone = Evaluate(rows.Where(r => r.Cf == stratum.Control!.Name), ["Sf"], [], weight: "Weight");
            foreach (var metric in alone.Metrics)
                foreach (var g in alone.Groups)
                    Close(metric.ByGroup[g.Index], stratum[metric.Name].ByGroup[stratum.Group(g.Name).Index], $"{stratum.Control!.Name} {metric.Name} {g.Name}");
            foreach (var measure in alone.MeasureNames)
                Close(alone.Measure(measure), stratum.Measure(measure), $"{stratum.Control!.Name} {measure}");
        }
    }

    private sealed class RegressionRow
    {
        public float Label { get; set; }
        public float Score { get; set; }
        public string Sf { get; set; } = "";
        public int Band { get; set; }
    }

    [Fact]
    public void RegressionWithAnIntegerControlMatchesLinq()
    {
        var rng = new Random(5);
        var rows = Enumerable.Range(0, 600).Select(_ =>
        {
            var y = (float)(rng.NextDouble() * 10);
            return new RegressionRow { Label = y, Score = y + (float)Synthetic.Gaussian(rng), Sf = rng.Next(3).ToString(), Band = rng.Next(2) * 10 };
        }).ToList();
        var m = _ml.DeepML().Fairness.Evaluate(_ml.Data.LoadFromEnumerable(rows),
            new GroupMetricsOptions { Task = PredictionKind.Regression, SensitiveColumnNames = ["Sf"], ControlColumnNames = ["Band"] });
        foreach (var stratum in m.ByControl)
            foreach (var g in stratum.Groups)
            {
                var x = rows.Where(r => r.Band.ToString() == stratum.Control!.Name && r.Sf == g.Name).ToList();
                Close(x.Average(r => Math.Abs((double)r.Label - r.Score)), stratum[N.MeanAbsoluteError].ByGroup[g.Index], "MAE");
                Close(x.Average(r => (double)r.Score), stratum[N.MeanPrediction].ByGroup[g.Index], "mean prediction");
            }
    }
}
