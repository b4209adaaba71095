using Microsoft.ML;
using Xunit;

namespace DeepML.Fairness.Tests.Mitigation;

public class ThresholdOptimizerTests
{
    private static (MLContext Ml, List<Row> Rows, IDataView Data) Setup(int n = 4000)
    {
        var ml = new MLContext(1);
        var rows = Synthetic.Scored(n, 11);
        return (ml, rows, Synthetic.View(ml, rows));
    }

    private static List<Predicted> Predict(MLContext ml, ITransformer model, IDataView data) =>
        ml.Data.CreateEnumerable<Predicted>(model.Transform(data), reuseRowObject: false).ToList();

    [Fact]
    public void DemographicParityEqualisesExpectedSelectionRatesExactly()
    {
        var (ml, rows, data) = Setup();
        var model = ml.DeepML().Fairness.ThresholdOptimizer(["Sf"], seed: 5).Fit(data);
        var p = Predict(ml, model, data);
        var rates = rows.Select((r, i) => (r.Sf, P: (double)p[i].Probability)).GroupBy(t => t.Sf).ToDictionary(g => g.Key, g => g.Average(t => t.P));
        Assert.Equal(rates["A"], rates["B"], 5);
        Assert.Equal(model.ConstraintValue, rates["A"], 5);
        // The probability column is the rule the transformer reports.
        for (var i = 0; i < 50; i++)
        {
            var rule = model.Rules.Single(r => r.Group.Name == rows[i].Sf);
            Assert.Equal(rule.PositiveProbability(rows[i].Score), p[i].Probability, 5);
        }
    }

    [Fact]
    public void RealisedPredictionsAreCloseToParityAndBeatTheBiasedModelOnIt()
    {
        var (ml, rows, data) = Setup();
        var model = ml.DeepML().Fairness.ThresholdOptimizer(["Sf"], seed: 5).Fit(data);
        var scored = model.Transform(data);
        var after = ml.DeepML().Fairness.EvaluateBinaryClassification(scored, ["Sf"], scoreColumnName: null);
        var before = ml.DeepML().Fairness.EvaluateBinaryClassification(data, ["Sf"], scoreColumnName: null);
        Assert.True(before.Measure(FairnessMeasureNames.DemographicParityDifference) > 0.1);
        Assert.InRange(after.Measure(FairnessMeasureNames.DemographicParityDifference), 0, 0.03);
    }

    [Fact]
    public void EqualizedOddsEqualisesExpectedTprAndFpr()
    {
        var (ml, rows, data) = Setup();
        var model = ml.DeepML().Fairness.ThresholdOptimizer(["Sf"], ThresholdConstraint.EqualizedOdds, seed: 5).Fit(data);
        var p = Predict(ml, model, data);
        double Rate(string g, bool label) => rows.Select((r, i) => (r, i)).Where(t => t.r.Sf == g && t.r.Label == label).Average(t => (double)p[t.i].Probability);
        Assert.Equal(Rate("A", true), Rate("B", true), 5);
        Assert.Equal(Rate("A", false), Rate("B", false), 5);
        Assert.Equal(model.ConstraintValue, Rate("A", false), 5);
    }

    [Fact]
    public void EqualOpportunityEqualisesExpectedTpr()
    {
        var (ml, rows, data) = Setup();
        var model = ml.DeepML().Fairness.ThresholdOptimizer(["Sf"], ThresholdConstraint.EqualOpportunity, seed: 5).Fit(data);
        var p = Predict(ml, model, data);
        double Tpr(string g) => rows.Select((r, i) => (r, i)).Where(t => t.r.Sf == g && t.r.Label).Average(t => (double)p[t.i].Probability);
        Assert.Equal(Tpr("A"), Tpr("B"), 5);
    }

    [Fact]
    public void SaveAndLoadInAFreshContextGivesIdenticalPredictions()
    {
        var (ml, _, data) = Setup(1500);
        var model = ml.DeepML().Fairness.ThresholdOptimizer(["Sf", "Sf2"], seed: 5).Fit(data);
        var path = Path.Combine(Path.GetTempPath(), $"thresholds-{Guid.NewGuid():N}.zip");
        ml.Model.Save(model, data.Schema, path);
        var fresh = new MLContext(123);
        var loaded = fresh.Model.Load(path, out var schema);
        File.Delete(path);
        var before = Predict(ml, model, data);
        var after = Predict(fresh, loaded, data);
        Assert.Equal(before.Select(r => (r.Probability, r.PredictedLabel)), after.Select(r => (r.Probability, r.PredictedLabel)));
        Assert.Equal(model.GetOutputSchema(data.Schema).Select(c => (c.Name, c.Type)), loaded.GetOutputSchema(data.Schema).Select(c => (c.Name, c.Type)));
        // PredictionEngine (one row at a time) agrees with the batch.
        var engine = fresh.Model.CreatePredictionEngine<Row, Predicted>(loaded);
        var first = engine.Predict(ml.Data.CreateEnumerable<Row>(data, false).First());
        Assert.Equal(before[0].PredictedLabel, first.PredictedLabel);
        Assert.Equal(before[0].Probability, first.Probability);
    }

    [Fact]
    public void ToleranceReportsEachGroupsRateAndSurvivesSaveAndLoad()
    {
        var ml = new MLContext(1);
        // Two sensitive columns with the combination B | y missing: an empty group, reported as NaN and never selected.
        var rows = Synthetic.Scored(1500, 11).Where(r => !(r.Sf == "B" && r.Sf2 == "y")).ToList();
        var data = Synthetic.View(ml, rows);
        var options = new ThresholdOptimizerOptions { SensitiveColumnNames = ["Sf", "Sf2"], Tolerance = 0.05, Seed = 5 };
        var model = ml.DeepML().Fairness.ThresholdOptimizer(options).Fit(data);
        var exact = ml.DeepML().Fairness.ThresholdOptimizer(["Sf", "Sf2"], seed: 5).Fit(data);
        Assert.Equal(0.05, model.Tolerance);
        Assert.True(model.ObjectiveValue > exact.ObjectiveValue, $"{model.ObjectiveValue} vs exact parity's {exact.ObjectiveValue}");

        // Each group's expected selection rate (from the Probability column) is the value reported for it.
        var p = Predict(ml, model, data);
        var empty = model.Rules.Select((r, i) => (r, i)).Single(t => t.r.Group.IsEmpty).i;
        Assert.True(double.IsNaN(model.ConstraintValues[empty]));
        Assert.Equal(0, model.Rules[empty].PositiveProbability(1e30f));
        var rates = new List<double>();
        for (var i = 0; i < model.Rules.Count; i++)
        {
            if (i == empty)
                continue;
            var name = model.Rules[i].Group.Name;
            var rate = rows.Select((r, k) => (r, k)).Where(t => $"{t.r.Sf} | {t.r.Sf2}" == name).Average(t => (double)p[t.k].Probability);
            Assert.Equal(model.ConstraintValues[i], rate, 5);
            rates.Add(rate);
        }
        Assert.Equal(rates.Max() - rates.Min(), model.ConstraintSpread, 5);
        Assert.InRange(model.ConstraintSpread, 0, 0.05 + 1e-12);
        Assert.Equal((rates.Max() + rates.Min()) / 2, model.ConstraintValue, 5);

        var loaded = SaveAndLoad(ml, model, data);
        var after = Predict(new MLContext(9), loaded, data);
        Assert.Equal(p.Select(r => (r.Probability, r.PredictedLabel)), after.Select(r => (r.Probability, r.PredictedLabel)));
    }

    [Fact]
    public void ThresholdsLieMidwayBetweenTrainingScoresAndSelectStrictlyAboveThem()
    {
        var ml = new MLContext(1);
        // Two identical groups, negatives at 0.2 and 0.4, positives at 0.6 and 0.8: accuracy under demographic parity selects
        // exactly the positives, with Fairlearn's threshold midway between 0.4 and 0.6 and the operation score > 0.5.
        var rows = new[] { "A", "B" }.SelectMany(g => new[] { (0.2f, false), (0.4f, false), (0.6f, true), (0.8f, true) }
            .Select(t => new Row { Score = t.Item1, Label = t.Item2, Sf = g, Sf2 = "x" })).ToList();
        var data = Synthetic.View(ml, rows);
        var model = ml.DeepML().Fairness.ThresholdOptimizer(["Sf"], seed: 1).Fit(data);
        Assert.Equal(1.0, model.ObjectiveValue, 1e-12);
        foreach (var rule in model.Rules)
            Assert.Equal(1.0, rule.P0 * (rule.T0 == 0.5f ? 1 : 0) + rule.P1 * (rule.T1 == 0.5f ? 1 : 0));
        // Unseen scores: under the former "score ≥ lowest selected training score" rule 0.55 was not selected; now it is.
        float[] unseen = [0.1f, 0.45f, 0.5f, 0.50001f, 0.55f, 0.9f];
        var scoring = ml.Data.LoadFromEnumerable(new[] { "A", "B" }.SelectMany(g => unseen.Select(s => new ScoredRow { Score = s, Sf = g, Sf2 = "x" })).ToList());
        float[] expected = [.. unseen.Select(s => s > 0.5f ? 1f : 0f), .. unseen.Select(s => s > 0.5f ? 1f : 0f)];
        var loaded = SaveAndLoad(ml, model, data);
        foreach (var (context, transformer) in new[] { (ml, (ITransformer)model), (new MLContext(9), loaded) })
        {
            var p = Predict(context, transformer, scoring);
            Assert.Equal(expected, p.Select(r => r.Probability));
            Assert.Equal(expected.Select(e => e == 1), p.Select(r => r.PredictedLabel));
        }
    }

    [Fact]
    public void ThresholdBelowEveryScoreSelectsAllBeforeAndAfterReload()
    {
        var ml = new MLContext(1);
        var (_, rows, data) = Setup(600);
        // Maximising the selection rate under demographic parity selects everybody: the rule's threshold is −∞.
        var model = ml.DeepML().Fairness.ThresholdOptimizer(["Sf"], objective: ThresholdObjective.SelectionRate, seed: 1).Fit(data);
        Assert.Equal(1.0, model.ConstraintValue);
        Assert.Equal(1.0, model.ObjectiveValue, 1e-12);
        Assert.All(model.Rules, r => Assert.Equal(1.0, r.PositiveProbability(-1e30f)));
        var scoring = ml.Data.LoadFromEnumerable(new[] { -1e30f, rows.Min(r => r.Score) - 1, 0f, 1e30f }
            .SelectMany(s => new[] { "A", "B" }.Select(g => new ScoredRow { Score = s, Sf = g, Sf2 = "x" })).ToList());
        var loaded = SaveAndLoad(ml, model, data);
        foreach (var (context, transformer) in new[] { (ml, (ITransformer)model), (new MLContext(9), loaded) })
            Assert.All(Predict(context, transformer, scoring), p => Assert.True(p is { Probability: 1, PredictedLabel: true }));
    }

    [Fact]
    public void MidpointOfNeighbouringSinglesSeparatesThem()
    {
        foreach (var (lower, upper) in new[] { (0.4f, 0.6f), (1f, MathF.BitIncrement(1f)), (-MathF.BitIncrement(0f), 0f), (-3f, 1e30f), (2.5f, MathF.BitIncrement(2.5f)) })
        {
            var t = ThresholdSolver.Between(lower, upper);
            Assert.True(lower <= t && t < upper, $"{lower:R} ≤ {t:R} < {upper:R}");
        }
        Assert.Equal(0.5f, ThresholdSolver.Between(0.4f, 0.6f));
        Assert.Equal(-1.5f, ThresholdSolver.Between(-2f, -1f));
    }

    private static ITransformer SaveAndLoad(MLContext ml, ITransformer model, IDataView data)
    {
        var path = Path.Combine(Path.GetTempPath(), $"thresholds-{Guid.NewGuid():N}.zip");
        ml.Model.Save(model, data.Schema, path);
        try
        {
            return new MLContext(123).Model.Load(path, out _);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void SeedDecidesTheRandomisedLabels()
    {
        var (ml, _, data) = Setup(3000);
        var a = Predict(ml, ml.DeepML().Fairness.ThresholdOptimizer(["Sf"], seed: 1).Fit(data), data);
        var b = Predict(ml, ml.DeepML().Fairness.ThresholdOptimizer(["Sf"], seed: 1).Fit(data), data);
        var c = Predict(ml, ml.DeepML().Fairness.ThresholdOptimizer(["Sf"], seed: 2).Fit(data), data);
        Assert.Equal(a.Select(r => r.PredictedLabel), b.Select(r => r.PredictedLabel));
        Assert.Equal(a.Select(r => r.Probability), c.Select(r => r.Probability));
        Assert.NotEqual(a.Select(r => r.PredictedLabel), c.Select(r => r.PredictedLabel));
    }

    [Fact]
    public void GroupWithOneLabelIsAClearError()
    {
        var ml = new MLContext(1);
        var rows = Synthetic.Scored(400, 3);
        foreach (var r in rows.Where(r => r.Sf == "B"))
            r.Label = false;
        var ex = Assert.Throws<ArgumentException>(() => ml.DeepML().Fairness.ThresholdOptimizer(["Sf"]).Fit(Synthetic.View(ml, rows)));
        Assert.Contains("group 'B' has only negative labels", ex.Message);
    }

    [Fact]
    public void OutputSchemaFromEstimatorMatchesTransformedData()
    {
        var (ml, _, data) = Setup(300);
        var estimator = ml.DeepML().Fairness.ThresholdOptimizer(["Sf"], seed: 1);
        var shape = estimator.GetOutputSchema(Shapes.Of(data.Schema));
        var schema = estimator.Fit(data).Transform(data).Schema;
        Assert.Equal(schema.Where(c => !c.IsHidden).Select(c => c.Name).Order(), shape.Select(c => c.Name).Order());
        var ex = Assert.ThrowsAny<ArgumentException>(() => ml.DeepML().Fairness.ThresholdOptimizer(["Race"]).GetOutputSchema(Shapes.Of(data.Schema)));
        Assert.Contains("sensitive column 'Race' was not found", ex.Message);
    }
}

public class ThresholdOptimizerColumnTypeTests
{
    private sealed class TypedRow
    {
        public bool Label { get; set; }
        public double Score { get; set; }
        public bool IsB { get; set; }
        public float Band { get; set; }
        public string Quote { get; set; } = "";
    }

    [Fact]
    public void BooleanNumericAndQuotedTextGroupsAndADoubleScoreWorkAfterReload()
    {
        var ml = new MLContext(1);
        var rows = Synthetic.Scored(1200, 4).Select((r, i) => new TypedRow
        {
            Label = r.Label, Score = r.Score + 1e-9 * i, IsB = r.Sf == "B", Band = r.Sf2 == "x" ? 0.1f : 2.5f, Quote = r.Sf2 == "x" ? "say \"x\"" : "y",
        }).ToList();
        var data = ml.Data.LoadFromEnumerable(rows);
        foreach (var columns in new[] { new[] { "IsB", "Band" }, ["Quote"] })
        {
            var model = ml.DeepML().Fairness.ThresholdOptimizer(columns, seed: 2).Fit(data);
            var path = Path.Combine(Path.GetTempPath(), $"to-types-{Guid.NewGuid():N}.zip");
            ml.Model.Save(model, data.Schema, path);
            var loaded = new MLContext(5).Model.Load(path, out _);
            File.Delete(path);
            var a = ml.Data.CreateEnumerable<Predicted>(model.Transform(data), false).ToList();
            var b = ml.Data.CreateEnumerable<Predicted>(loaded.Transform(data), false).ToList();
            Assert.DoesNotContain(a, p => float.IsNaN(p.Probability));   // every row matched its group's rule
            Assert.Equal(a.Select(p => (p.Probability, p.PredictedLabel)), b.Select(p => (p.Probability, p.PredictedLabel)));
            var rate = a.Average(p => (double)p.Probability);
            Assert.Equal(model.ConstraintValue, rate, 5);
        }
    }
}
