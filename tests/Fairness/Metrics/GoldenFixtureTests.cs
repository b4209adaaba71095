using Microsoft.ML;
using Xunit;
using N = DeepML.Fairness.FairnessMetricNames;
using F = DeepML.Fairness.FairnessMeasureNames;

namespace DeepML.Fairness.Tests.Metrics;

/// <summary>Golden values: Fairlearn's documentation doctest outputs (reference/fairness.md §4.4).</summary>
public class GoldenFixtureTests
{
    private static GroupMetrics Eighteen(params string[] sensitive)
    {
        var ml = new MLContext(1);
        return ml.DeepML().Fairness.EvaluateBinaryClassification(Fixtures.EighteenRows(ml), sensitive, scoreColumnName: null);
    }

    [Fact]
    public void OverallAndByGroupMatchPerformFairnessAssessmentRst()
    {
        var m = Eighteen("Sf");
        Assert.Equal(["a", "b", "c"], m.Groups.Select(g => g.Name).Order());
        int a = m.Group("a").Index, b = m.Group("b").Index, c = m.Group("c").Index;
        Assert.Equal(0.5, m[N.TruePositiveRate].Overall, 6);
        Assert.Equal(0.666667, m[N.FalsePositiveRate].Overall, 6);
        Assert.Equal(0.555556, m[N.SelectionRate].Overall, 6);
        Assert.Equal(18, m[N.Count].Overall);
        double[] tpr = [0.5, 0.6, 0.4], fpr = [1.0, 0.0, 0.666667], sel = [0.75, 0.5, 0.5], n = [4, 6, 8];
        int[] idx = [a, b, c];
        for (var k = 0; k < 3; k++)
        {
            Assert.Equal(tpr[k], m[N.TruePositiveRate].ByGroup[idx[k]], 6);
            Assert.Equal(fpr[k], m[N.FalsePositiveRate].ByGroup[idx[k]], 6);
            Assert.Equal(sel[k], m[N.SelectionRate].ByGroup[idx[k]], 6);
            Assert.Equal(n[k], m[N.Count].ByGroup[idx[k]]);
        }
    }

    [Fact]
    public void GroupMinMaxDifferenceRatioMatchFixture()
    {
        var m = Eighteen("Sf");
        Assert.Equal(0.4, m[N.TruePositiveRate].GroupMin, 6);
        Assert.Equal(0.0, m[N.FalsePositiveRate].GroupMin, 6);
        Assert.Equal(0.5, m[N.SelectionRate].GroupMin, 6);
        Assert.Equal(0.6, m[N.TruePositiveRate].GroupMax, 6);
        Assert.Equal(1.0, m[N.FalsePositiveRate].GroupMax, 6);
        Assert.Equal(0.75, m[N.SelectionRate].GroupMax, 6);
        Assert.Equal(0.20, m[N.TruePositiveRate].Difference(), 6);
        Assert.Equal(1.00, m[N.FalsePositiveRate].Difference(), 6);
        Assert.Equal(0.25, m[N.SelectionRate].Difference(), 6);
        Assert.Equal(4, m[N.Count].Difference(), 6);
        Assert.Equal(0.666667, m[N.TruePositiveRate].Ratio(), 6);
        Assert.Equal(0.0, m[N.FalsePositiveRate].Ratio(), 6);
        Assert.Equal(0.666667, m[N.SelectionRate].Ratio(), 6);
        Assert.Equal(0.5, m[N.Count].Ratio(), 6);
    }

    [Fact]
    public void ToOverallDifferenceAndRatioMatchFixture()
    {
        var m = Eighteen("Sf");
        var to = GroupComparison.ToOverall;
        Assert.Equal(0.1, m[N.TruePositiveRate].Difference(to), 6);
        Assert.Equal(0.666667, m[N.FalsePositiveRate].Difference(to), 6);
        Assert.Equal(0.194444, m[N.SelectionRate].Difference(to), 6);
        Assert.Equal(14, m[N.Count].Difference(to), 6);
        Assert.Equal(0.8, m[N.TruePositiveRate].Ratio(to), 6);
        Assert.Equal(0.0, m[N.FalsePositiveRate].Ratio(to), 6);
        Assert.Equal(0.740741, m[N.SelectionRate].Ratio(to), 6);
        Assert.Equal(0.222222, m[N.Count].Ratio(to), 6);
    }

    [Fact]
    public void FairnessMeasuresMatchCommonFairnessMetricsRst()
    {
        var m = Eighteen("Sf");
        Assert.Equal(0.25, m.Measure(F.DemographicParityDifference), 6);
        Assert.Equal(0.666667, m.Measure(F.DemographicParityRatio), 6);
        Assert.Equal(1.0, m.Measure(F.EqualizedOddsDifference), 6);
        Assert.Equal(0.0, m.Measure(F.EqualizedOddsRatio), 6);
        Assert.Equal(0.6, m.Measure(F.EqualizedOddsDifferenceMean), 6);
        Assert.Equal(0.2, m.Measure(F.EqualOpportunityDifference), 6);
        Assert.Equal(0.666667, m.Measure(F.EqualOpportunityRatio), 6);
    }

    [Fact]
    public void IntersectionsMatchIntersectingGroupsRst()
    {
        var m = Eighteen("Sf", "Sf2");
        Assert.Equal(6, m.Groups.Count);
        var expected = new Dictionary<string, (double Recall, double Precision, int Count)>
        {
            ["a | 6"] = (0.0, 0.0, 2), ["a | 8"] = (1.0, 0.5, 2), ["b | 6"] = (0.666667, 1.0, 3),
            ["b | 8"] = (0.5, 1.0, 3), ["c | 6"] = (0.5, 0.666667, 6), ["c | 8"] = (0.0, 0.0, 2),
        };
        foreach (var (name, e) in expected)
        {
            var g = m.Group(name).Index;
            Assert.Equal(e.Recall, m[N.Recall].ByGroup[g], 6);
            Assert.Equal(e.Precision, m[N.Precision].ByGroup[g], 6);
            Assert.Equal(e.Count, m[N.Count].ByGroup[g]);
        }
        Assert.Equal(0.6, m[N.Precision].Overall, 6);
        Assert.Equal(0.5, m[N.Recall].Overall, 6);
    }

    [Fact]
    public void MetricFrameDocstringSexExample()
    {
        int[] y = [1, 1, 1, 1, 1, 0, 0, 1, 1, 0], p = [0, 1, 1, 1, 1, 0, 0, 0, 1, 1];
        var ml = new MLContext(1);
        var data = Fixtures.Rows(ml, Enumerable.Range(0, 10).Select(i => new Row { Label = y[i] == 1, PredictedLabel = p[i] == 1, Sf = i < 5 ? "Female" : "Male" }));
        var m = ml.DeepML().Fairness.EvaluateBinaryClassification(data, ["Sf"], scoreColumnName: null);
        int f = m.Group("Female").Index, male = m.Group("Male").Index;
        Assert.Equal(0.8, m[N.SelectionRate].ByGroup[f], 6);
        Assert.Equal(0.4, m[N.SelectionRate].ByGroup[male], 6);
        Assert.Equal(0.4, m[N.SelectionRate].Difference(), 6);
        Assert.Equal(0.5, m[N.SelectionRate].Ratio(), 6);
        Assert.Equal(0.8, m[N.Accuracy].ByGroup[f], 6);
        Assert.Equal(0.6, m[N.Accuracy].ByGroup[male], 6);
        Assert.Equal(0.2, m[N.Accuracy].Difference(), 6);
        Assert.Equal(0.75, m[N.Accuracy].Ratio(), 6);
    }
}
