using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Xunit;
using Xunit.Abstractions;

namespace DeepML.Fairness.Tests.Mitigation;

public class ErrorRateParityTests(ITestOutputHelper output)
{
    // Group B's informative feature is much noisier, so any model errs far more often on B. With the
    // group indicator (x1) and an A-only copy of the signal (x2 = x0 on A, 0 on B), a linear model can
    // treat the groups separately, so the reduction can reach error parity by making A's predictions
    // worse (the only way: B's cannot be made better) without touching B's.
    private static List<ReductionRow> Rows(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ =>
        {
            var b = rng.NextDouble() < 0.4;
            var y = rng.NextDouble() < 0.5;
            var x0 = (float)((y ? 1 : -1) * (b ? 0.3 : 1.6) + Synthetic.Gaussian(rng));
            return new ReductionRow
            {
                Features = [x0, b ? 1 : 0, b ? 0 : x0],
                Label = y, Sf = b ? "B" : "A",
            };
        }).ToList();
    }

    private static IEstimator<ITransformer> Trainer(MLContext ml, string label, string? weight) =>
        ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
        {
            LabelColumnName = label, FeatureColumnName = "Features", ExampleWeightColumnName = weight, NumberOfThreads = 1,
        });

    /// <summary>Error rate per group and overall, from P(ŷ = 1 | x): a row errs with probability 1 − P if y = 1, P if y = 0.</summary>
    private static (double A, double B, double All) ExpectedErrors(List<ReductionRow> rows, IReadOnlyList<float> probability)
    {
        var err = rows.Select((r, i) => r.Label ? 1 - (double)probability[i] : probability[i]).ToArray();
        double Mean(string g) => rows.Select((r, i) => (r, i)).Where(t => t.r.Sf == g).Average(t => err[t.i]);
        return (Mean("A"), Mean("B"), err.Average());
    }

    private static (double A, double B, double All) RealizedErrors(List<ReductionRow> rows, IReadOnlyList<bool> predicted)
    {
        double Mean(Func<ReductionRow, bool> keep) => rows.Select((r, i) => (r, i)).Where(t => keep(t.r)).Average(t => t.r.Label != predicted[t.i] ? 1.0 : 0);
        return (Mean(r => r.Sf == "A"), Mean(r => r.Sf == "B"), Mean(_ => true));
    }

    [Fact]
    public void MixtureMeetsTheErrorRateBoundThatThePlainModelMissesByFar()
    {
        const double bound = 0.02, tolerance = 0.015;
        var ml = new MLContext(1);
        var rows = Rows(2000, 5);
        var data = ml.Data.LoadFromEnumerable(rows);
        var baseline = ml.Data.CreateEnumerable<ReductionOutput>(Trainer(ml, "Label", null).Fit(data).Transform(data), false).ToList();
        var before = RealizedErrors(rows, baseline.Select(o => o.PredictedLabel).ToList());

        var model = ml.DeepML().Fairness.ExponentiatedGradient((l, w) => Trainer(ml, l, w), new ExponentiatedGradientOptions
        {
            SensitiveColumnNames = ["Sf"], Constraint = ReductionConstraint.ErrorRateParity, DifferenceBound = bound, Seed = 3,
        }).Fit(data);
        var outs = ml.Data.CreateEnumerable<ReductionOutput>(model.Transform(data), false).ToList();
        var expected = ExpectedErrors(rows, outs.Select(o => o.Probability).ToList());
        var realized = RealizedErrors(rows, outs.Select(o => o.PredictedLabel).ToList());
        output.WriteLine($"baseline error A {before.A:F4} B {before.B:F4} all {before.All:F4} difference {Math.Abs(before.A - before.B):F4}");
        output.WriteLine($"mixture expected error A {expected.A:F4} B {expected.B:F4} all {expected.All:F4} difference {Math.Abs(expected.A - expected.B):F4}; " +
            $"max |group − overall| {Math.Max(Math.Abs(expected.A - expected.All), Math.Abs(expected.B - expected.All)):F4}");
        output.WriteLine($"mixture realized error A {realized.A:F4} B {realized.B:F4} difference {Math.Abs(realized.A - realized.B):F4}; " +
            $"predictors {model.Weights.Count}, iterations {model.Iterations}, oracle calls {model.OracleCalls}, gap {model.BestGap:G3}");

        Assert.True(Math.Abs(before.A - before.B) > 0.2, $"the plain model's error rates should differ a lot: A {before.A}, B {before.B}");
        // The moment's own terms, each group against overall, within the bound plus the tolerance.
        Assert.InRange(Math.Abs(expected.A - expected.All), 0, bound + tolerance);
        Assert.InRange(Math.Abs(expected.B - expected.All), 0, bound + tolerance);
        // Between the two groups: at most twice that, and a small fraction of the plain model's gap.
        Assert.InRange(Math.Abs(expected.A - expected.B), 0, 2 * (bound + tolerance));
        Assert.True(Math.Abs(expected.A - expected.B) < Math.Abs(before.A - before.B) / 5);
        // The seeded randomised labels follow the probabilities up to sampling noise (about 800 and 1200 rows per group).
        Assert.InRange(Math.Abs(realized.A - realized.B), 0, 2 * (bound + tolerance) + 0.06);
        Assert.True(model.Weights.Count > 1, "a randomised mixture is expected: no single linear model equalises the error rates here");
    }

    [Fact]
    public void TheCatalogOverloadPassesTheConstraintThrough()
    {
        var ml = new MLContext(1);
        var estimator = ml.DeepML().Fairness.ExponentiatedGradient((l, w) => Trainer(ml, l, w), ["Sf"], ReductionConstraint.ErrorRateParity);
        Assert.Equal(ReductionConstraint.ErrorRateParity, estimator.Options.Constraint);
    }
}
