using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;
using N = DeepML.Fairness.FairnessMetricNames;

namespace DeepML.Fairness.Tests.Metrics;

/// <summary>Each value checked against a second, deliberately naive implementation.</summary>
public class IndependentImplementationTests
{
    private readonly MLContext _ml = new(1);

    [Fact]
    public void AucMatchesPairwiseCountingWithTies()
    {
        var rows = Synthetic.Scored(600, 5);
        foreach (var r in rows) r.Score = MathF.Round(r.Score, 1); // many ties
        var m = _ml.DeepML().Fairness.EvaluateBinaryClassification(Synthetic.View(_ml, rows), ["Sf"]);
        foreach (var g in m.Groups)
        {
            var inGroup = rows.Where(r => r.Sf == g.Name).ToList();
            double wins = 0, pairs = 0;
            foreach (var p in inGroup.Where(r => r.Label))
                foreach (var n in inGroup.Where(r => !r.Label))
                {
                    pairs++;
                    wins += p.Score > n.Score ? 1 : p.Score == n.Score ? 0.5 : 0;
                }
            Assert.Equal(wins / pairs, m[N.Auc].ByGroup[g.Index], 10);
        }
    }

    [Fact]
    public void IntegerWeightsEqualRepeatedRows()
    {
        var rows = Synthetic.Scored(300, 9);
        var rng = new Random(2);
        foreach (var r in rows) r.Weight = rng.Next(0, 4);
        var weighted = _ml.DeepML().Fairness.EvaluateBinaryClassification(Synthetic.View(_ml, rows), ["Sf", "Sf2"], exampleWeightColumnName: "Weight");
        var repeated = rows.SelectMany(r => Enumerable.Repeat(r, (int)r.Weight)).ToList();
        var plain = _ml.DeepML().Fairness.EvaluateBinaryClassification(Synthetic.View(_ml, repeated), ["Sf", "Sf2"]);
        foreach (var name in weighted.Metrics.Select(m => m.Name).Where(n => n != N.Count))
            for (var g = 0; g < weighted.Groups.Count; g++)
                Assert.Equal(plain[name].ByGroup[g], weighted[name].ByGroup[g], 10);
    }

    private sealed class RegRow
    {
        public float Label { get; set; }
        public float Score { get; set; }
        public string Sf { get; set; } = "";
    }

    [Fact]
    public void RegressionMetricsMatchDirectFormulas()
    {
        var rng = new Random(4);
        var rows = Enumerable.Range(0, 500).Select(_ => { var y = (float)(rng.NextDouble() * 10); return new RegRow { Label = y, Score = y + (float)Synthetic.Gaussian(rng), Sf = rng.Next(3).ToString() }; }).ToList();
        var m = _ml.DeepML().Fairness.EvaluateRegression(_ml.Data.LoadFromEnumerable(rows), ["Sf"]);
        foreach (var g in m.Groups)
        {
            var x = rows.Where(r => r.Sf == g.Name).ToList();
            var mean = x.Average(r => (double)r.Label);
            var mse = x.Average(r => Math.Pow((double)r.Label - r.Score, 2));
            Assert.Equal(x.Average(r => Math.Abs((double)r.Label - r.Score)), m[N.MeanAbsoluteError].ByGroup[g.Index], 9);
            Assert.Equal(mse, m[N.MeanSquaredError].ByGroup[g.Index], 9);
            Assert.Equal(Math.Sqrt(mse), m[N.RootMeanSquaredError].ByGroup[g.Index], 9);
            Assert.Equal(1 - x.Sum(r => Math.Pow((double)r.Label - r.Score, 2)) / x.Sum(r => Math.Pow(r.Label - mean, 2)), m[N.RSquared].ByGroup[g.Index], 9);
            Assert.Equal(x.Average(r => (double)r.Score), m[N.MeanPrediction].ByGroup[g.Index], 9);
        }
    }

    private sealed class ClassRow
    {
        public string Label { get; set; } = "";
        public string PredictedLabel { get; set; } = "";
        public string Sf { get; set; } = "";
    }

    [Fact]
    public void MulticlassAccuracyAndPerClassRecallMatchDirectCounts()
    {
        var rng = new Random(8);
        string[] classes = ["cat", "dog", "bird"];
        var rows = Enumerable.Range(0, 400).Select(_ =>
        {
            var y = classes[rng.Next(3)];
            return new ClassRow { Label = y, PredictedLabel = rng.NextDouble() < 0.7 ? y : classes[rng.Next(3)], Sf = rng.NextDouble() < 0.5 ? "a" : "b" };
        }).ToList();
        var data = _ml.Transforms.Conversion.MapValueToKey("Label").Fit(_ml.Data.LoadFromEnumerable(rows)).Transform(_ml.Data.LoadFromEnumerable(rows));
        var m = _ml.DeepML().Fairness.EvaluateMulticlassClassification(data, ["Sf"]);
        foreach (var g in m.Groups)
        {
            var x = rows.Where(r => r.Sf == g.Name).ToList();
            Assert.Equal(x.Average(r => r.Label == r.PredictedLabel ? 1.0 : 0), m[N.Accuracy].ByGroup[g.Index], 12);
            foreach (var c in classes)
                Assert.Equal(x.Where(r => r.Label == c).Average(r => r.PredictedLabel == c ? 1.0 : 0), m[$"Recall({c})"].ByGroup[g.Index], 12);
        }
    }

    [Fact]
    public void EmptyIntersectionsAreKeptAndMarked()
    {
        var rows = new[]
        {
            new Row { Label = true, PredictedLabel = true, Sf = "a", Sf2 = "x" }, new Row { Label = false, PredictedLabel = true, Sf = "a", Sf2 = "y" },
            new Row { Label = true, PredictedLabel = false, Sf = "b", Sf2 = "x" },
        };
        var m = _ml.DeepML().Fairness.EvaluateBinaryClassification(Fixtures.Rows(_ml, rows), ["Sf", "Sf2"], scoreColumnName: null);
        Assert.Equal(["a | x", "a | y", "b | x", "b | y"], m.Groups.Select(g => g.Name));
        Assert.True(m.Group("b | y").IsEmpty);
        Assert.True(double.IsNaN(m[N.SelectionRate].ByGroup[m.Group("b | y").Index]));
        Assert.Equal(1.0, m[N.SelectionRate].Difference());
    }
}

public class ScoreOnlyTests
{
    [Fact]
    public void WithoutAPredictedLabelTheScoreIsThresholded()
    {
        var ml = new MLContext(1);
        var rows = Synthetic.Scored(500, 2);
        var fromScore = ml.DeepML().Fairness.Evaluate(Synthetic.View(ml, rows), new GroupMetricsOptions { SensitiveColumnNames = ["Sf"], PredictedLabelColumnName = null, ScoreThreshold = 0.25 });
        foreach (var r in rows) r.PredictedLabel = r.Score > 0.25f;
        var fromLabel = ml.DeepML().Fairness.EvaluateBinaryClassification(Synthetic.View(ml, rows), ["Sf"]);
        Assert.Equal(fromLabel[N.SelectionRate].ByGroup, fromScore[N.SelectionRate].ByGroup);
        Assert.Equal(fromLabel.Measure(FairnessMeasureNames.EqualizedOddsDifference), fromScore.Measure(FairnessMeasureNames.EqualizedOddsDifference));
    }
}
