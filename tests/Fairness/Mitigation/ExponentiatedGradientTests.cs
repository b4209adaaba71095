using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace DeepML.Fairness.Tests.Mitigation;

public class ExponentiatedGradientTests
{
    public sealed class FeatureRow
    {
        [VectorType(3)]
        public float[] Features { get; set; } = [];
        public bool Label { get; set; }
        public string Sf { get; set; } = "";
    }

    private sealed class Out
    {
        public float Score { get; set; }
        public float Probability { get; set; }
        public bool PredictedLabel { get; set; }
    }

    // Group B has a lower base rate and a feature (x2) that reveals the group: an unconstrained
    // logistic regression selects B far less often.
    private static List<FeatureRow> Rows(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ =>
        {
            var b = rng.NextDouble() < 0.4;
            var y = rng.NextDouble() < (b ? 0.15 : 0.45);
            return new FeatureRow
            {
                Features = [(float)((y ? 1 : -1) * 0.8 + Synthetic.Gaussian(rng)), b ? 1 : 0, (float)Synthetic.Gaussian(rng)],
                Label = y, Sf = b ? "B" : "A",
            };
        }).ToList();
    }

    private static IEstimator<ITransformer> Trainer(MLContext ml, string label, string weight) =>
        ml.BinaryClassification.Trainers.LbfgsLogisticRegression(label, "Features", weight);

    [Fact]
    public void DemographicParityDifferenceDropsAndSaveLoadRoundTrips()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Rows(2000, 3));
        var baseline = Trainer(ml, "Label", null!).Fit(data).Transform(data);
        var before = ml.DeepML().Fairness.EvaluateBinaryClassification(data: baseline, ["Sf"]).Measure(FairnessMeasureNames.DemographicParityDifference);
        var estimator = ml.DeepML().Fairness.ExponentiatedGradient((l, w) => Trainer(ml, l, w), new ExponentiatedGradientOptions
        {
            SensitiveColumnNames = ["Sf"], MaxIterations = 15, Seed = 3,
        });
        var model = estimator.Fit(data);
        var scored = model.Transform(data);
        var after = ml.DeepML().Fairness.EvaluateBinaryClassification(scored, ["Sf"]);
        Assert.True(before > 0.2, $"baseline DP difference {before}");
        // Expected selection rates (the mixture's probability) are within the bound plus sampling slack.
        var rows = ml.Data.CreateEnumerable<FeatureRow>(data, false).ToList();
        var outs = ml.Data.CreateEnumerable<Out>(scored, false).ToList();
        var expected = rows.Zip(outs).GroupBy(t => t.First.Sf).Select(g => g.Average(t => (double)t.Second.Probability)).ToArray();
        Assert.InRange(Math.Abs(expected[0] - expected[1]), 0, 0.04);
        Assert.InRange(after.Measure(FairnessMeasureNames.DemographicParityDifference), 0, 0.06);
        Assert.Equal(outs.Select(o => o.Score), outs.Select(o => o.Probability));
        Assert.Equal(1.0, model.Weights.Sum(), 9);

        var path = Path.Combine(Path.GetTempPath(), $"expgrad-{Guid.NewGuid():N}.zip");
        ml.Model.Save(model, data.Schema, path);
        var fresh = new MLContext(7);
        var loaded = fresh.Model.Load(path, out _);
        File.Delete(path);
        var reloaded = fresh.Data.CreateEnumerable<Out>(loaded.Transform(data), false).ToList();
        Assert.Equal(outs.Select(o => (o.Probability, o.PredictedLabel)), reloaded.Select(o => (o.Probability, o.PredictedLabel)));
    }

    [Fact]
    public void InvalidOptionsNameThemselves()
    {
        Assert.Equal("Eps", Assert.Throws<ArgumentException>(() => new ExponentiatedGradientOptions { Eps = 0 }).ParamName);
        Assert.Equal("MaxIterations", Assert.Throws<ArgumentException>(() => new ExponentiatedGradientOptions { MaxIterations = 0 }).ParamName);
        Assert.Equal("DifferenceBound", Assert.Throws<ArgumentException>(() => new ExponentiatedGradientOptions { DifferenceBound = -0.1 }).ParamName);
    }

    [Fact]
    public void WrongFeatureTypeNamesTheColumn()
    {
        var ml = new MLContext(1);
        var data = Synthetic.View(ml, Synthetic.Scored(100, 1));
        var ex = Assert.ThrowsAny<ArgumentException>(() => ml.DeepML().Fairness.ExponentiatedGradient((l, w) => Trainer(ml, l, w), ["Sf"], featureColumnName: "Score").Fit(data));
        Assert.Contains("schema mismatch for feature column 'Score': expected a known-size vector of Single, got Single", ex.Message);
    }
}

public class ExponentiatedGradientCancellationTests
{
    [Fact]
    public void CancellationStopsFittingAndProgressCountsIterations()
    {
        var ml = new MLContext(1);
        var rows = Enumerable.Range(0, 300).Select(i => new ExponentiatedGradientTests.FeatureRow { Features = [i % 7, i % 2, i % 3], Label = i % 3 == 0, Sf = i % 2 == 0 ? "A" : "B" });
        var data = ml.Data.LoadFromEnumerable(rows);
        using var cts = new CancellationTokenSource();
        var seen = 0;
        var progress = new SyncProgress(i => { seen = i; if (i == 2) cts.Cancel(); });
        var estimator = ml.DeepML().Fairness.ExponentiatedGradient((l, w) => ml.BinaryClassification.Trainers.LbfgsLogisticRegression(l, "Features", w),
            new ExponentiatedGradientOptions { SensitiveColumnNames = ["Sf"], MaxIterations = 50, Nu = 1e-9, Progress = progress, CancellationToken = cts.Token });
        Assert.ThrowsAny<OperationCanceledException>(() => estimator.Fit(data));
        Assert.Equal(2, seen);
    }

    private sealed class SyncProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
