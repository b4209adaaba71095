using DeepML.Testing;
using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Xunit;
using Xunit.Abstractions;

namespace DeepML.Fairness.Tests.Mitigation;

/// <summary>
/// The contract suite for ExponentiatedGradientRegression (bounded square loss) over ML.NET's SDCA
/// regression with one thread, on the seeded two-slope rows. The features are read at Transform; the
/// label and the sensitive column at Fit only. No opt-outs beyond the mitigators' shared ONNX one.
/// </summary>
public sealed class ExponentiatedGradientRegressionContractTests(ITestOutputHelper output)
    : MitigatorContract<ExponentiatedGradientRegressionEstimator, ExponentiatedGradientRegressionTransformer, RegressionRow, RegressionOutput>
{
    // SDCA shuffles with the random generator of the MLContext it was made in, and a shared context's generator
    // moves on with every fit; a fresh context per trainer (seeded from the suite's seed) makes every oracle call,
    // and so every Fit, reproducible (check 7) while the seed still changes the result (check 6).
    private static ExponentiatedGradientRegressionEstimator Create(MLContext ml, int seed, ExponentiatedGradientRegressionOptions options) =>
        ml.DeepML().Fairness.ExponentiatedGradientRegression((label, weight) => new MLContext(seed).Regression.Trainers.Sdca(new SdcaRegressionTrainer.Options
        {
            LabelColumnName = label, FeatureColumnName = "Features", ExampleWeightColumnName = weight, NumberOfThreads = 1, MaximumNumberOfIterations = 50,
        }), options);

    protected override ExponentiatedGradientRegressionEstimator CreateEstimator(MLContext ml, int seed) =>
        Create(ml, seed, new ExponentiatedGradientRegressionOptions { SensitiveColumnNames = ["Sf"], UpperBound = 0.22, MaxIterations = 8 });

    protected override IDataView CreateTrainingData(MLContext ml) => ml.Data.LoadFromEnumerable(RegressionRow.TwoSlopes(300, 3));

    protected override IReadOnlyList<RegressionRow> CreateScoringRows() => RegressionRow.TwoSlopes(40, 99);

    /// <summary>Check 13: as for the classifier, the token is observed around every trainer fit.</summary>
    protected override ExponentiatedGradientRegressionEstimator CreateCancellableEstimator(MLContext ml, int seed, CancellationToken token, Action<TimeSpan> unitDone)
    {
        var clock = Stopwatch.StartNew();
        return Create(ml, seed, new ExponentiatedGradientRegressionOptions
        {
            SensitiveColumnNames = ["Sf"], UpperBound = 0.22, MaxIterations = 10_000, Nu = 1e-12, RunLinearProgramStep = false, CancellationToken = token,
            Progress = new SyncProgress<int>(_ => unitDone(clock.Elapsed)),
        });
    }

    protected override IEnumerable<WrongColumnType> WrongColumnTypes(MLContext ml)
    {
        var data = CreateTrainingData(ml);
        const string features = "a known-size vector of Single";
        yield return new("Features", features, "Vector<Double", Converted(ml, data, "Features", DataKind.Double), features);
        yield return new("Label", "Single or Double", "String", Converted(ml, data, "Label", DataKind.String), null);
        yield return new("Sf", "Text, Boolean, Single, Double, Int32 or Int64", "Key<UInt32", Keyed(ml, data, "Sf"), null);
    }

    protected override IEnumerable<MissingColumn> MissingColumns(MLContext ml)
    {
        var data = CreateTrainingData(ml);
        yield return new("Features", Dropped(ml, data, "Features"), CheckAtTransform: true);
        yield return new("Label", Dropped(ml, data, "Label"), CheckAtTransform: false);
        yield return new("Sf", Dropped(ml, data, "Sf"), CheckAtTransform: false);
    }

    protected override IEnumerable<InvalidOption> InvalidOptions()
    {
        var o = new ExponentiatedGradientRegressionOptions { SensitiveColumnNames = ["Sf"], UpperBound = 0.1 };
        return
        [
            new(nameof(o.LabelColumnName), () => _ = new ExponentiatedGradientRegressionOptions { UpperBound = 0.1, LabelColumnName = "" }),
            new(nameof(o.FeatureColumnName), () => _ = new ExponentiatedGradientRegressionOptions { UpperBound = 0.1, FeatureColumnName = " " }),
            new(nameof(o.SensitiveColumnNames), () => _ = new ExponentiatedGradientRegressionOptions { UpperBound = 0.1, SensitiveColumnNames = [] }),
            new(nameof(o.SensitiveColumnNames), () => _ = new ExponentiatedGradientRegressionOptions { UpperBound = 0.1, SensitiveColumnNames = ["Sf", null!] }),
            new(nameof(o.Loss), () => _ = new ExponentiatedGradientRegressionOptions { UpperBound = 0.1, Loss = (GroupLoss)2 }),
            new(nameof(o.UpperBound), () => _ = new ExponentiatedGradientRegressionOptions { UpperBound = -0.01 }),
            new(nameof(o.UpperBound), () => _ = new ExponentiatedGradientRegressionOptions { UpperBound = double.NaN }),
            new(nameof(o.UpperBound), () => _ = new ExponentiatedGradientRegressionOptions { UpperBound = double.PositiveInfinity }),
            new(nameof(o.LabelMinimum), () => _ = new ExponentiatedGradientRegressionOptions { UpperBound = 0.1, LabelMinimum = double.NaN }),
            new(nameof(o.LabelMaximum), () => _ = new ExponentiatedGradientRegressionOptions { UpperBound = 0.1, LabelMaximum = double.NegativeInfinity }),
            new(nameof(o.LabelMaximum), () => _ = new ExponentiatedGradientRegressionOptions { UpperBound = 0.1, LabelMinimum = 2, LabelMaximum = 2 }),
            new(nameof(o.LabelMinimum), () => _ = new ExponentiatedGradientRegressionOptions { UpperBound = 0.1, LabelMaximum = 1, LabelMinimum = 3 }),
            new(nameof(o.Eps), () => _ = new ExponentiatedGradientRegressionOptions { UpperBound = 0.1, Eps = 0 }),
            new(nameof(o.MaxIterations), () => _ = new ExponentiatedGradientRegressionOptions { UpperBound = 0.1, MaxIterations = 0 }),
            new(nameof(o.Nu), () => _ = new ExponentiatedGradientRegressionOptions { UpperBound = 0.1, Nu = double.NaN }),
            new(nameof(o.Eta0), () => _ = new ExponentiatedGradientRegressionOptions { UpperBound = 0.1, Eta0 = -2 }),
            new("trainer", () => new MLContext(1).DeepML().Fairness.ExponentiatedGradientRegression(null!, o)),
        ];
    }

    /// <summary>Invalid options name the option and the rejected value.</summary>
    [Fact]
    public void InvalidOptionMessagesNameTheOptionAndTheValue()
    {
        var ex = Assert.Throws<ArgumentException>(() => new ExponentiatedGradientRegressionOptions { UpperBound = -0.25 });
        Assert.StartsWith("ExponentiatedGradientRegressionOptions.UpperBound: -0.25 is not a finite number ≥ 0", ex.Message, StringComparison.Ordinal);
        ex = Assert.Throws<ArgumentException>(() => new ExponentiatedGradientRegressionOptions { UpperBound = 1, LabelMinimum = 5, LabelMaximum = 1 });
        Assert.StartsWith("ExponentiatedGradientRegressionOptions.LabelMaximum: the label range [5, 1] is empty", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>Saved with plain ML.NET and loaded in a fresh context: Score is identical, bit for bit, and equals Σ Q(h)·h(x).</summary>
    [Fact]
    public void SaveAndLoadGiveIdenticalScoresAndTheMixtureIsTheWeightedAverage()
    {
        var ml = new MLContext(4);
        // The suite's 300 rows and 8 iterations end with a single regressor; these end with a mixture of two.
        var data = ml.Data.LoadFromEnumerable(RegressionRow.TwoSlopes(1500, 11));
        var fitted = Create(ml, 4, new ExponentiatedGradientRegressionOptions { SensitiveColumnNames = ["Sf"], UpperBound = 0.22 }).Fit(data);
        Assert.True(fitted.Weights.Count >= 2, $"expected a mixture of several regressors, got {fitted.Weights.Count}");
        Assert.Equal(1, fitted.Weights.Sum(), 9);
        var path = Path.Combine(Path.GetTempPath(), $"deepml-egr-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(fitted, data.Schema, path);
            var loaded = new MLContext(99).Model.Load(path, out _);
            var before = ml.Data.CreateEnumerable<RegressionOutput>(fitted.Transform(data), false).Select(r => r.Score).ToArray();
            var after = ml.Data.CreateEnumerable<RegressionOutput>(loaded.Transform(data), false).Select(r => r.Score).ToArray();
            Assert.Equal(before, after);
            // Each member's Score, read from the chain's own members, averaged with the weights Q.
            var members = ((IEnumerable<ITransformer>)fitted.Inner).Where(t => t is ISingleFeaturePredictionTransformer<object>).ToArray();
            Assert.Equal(fitted.Weights.Count, members.Length);
            var memberScores = members.Select(m => ml.Data.CreateEnumerable<RegressionOutput>(m.Transform(data), false).Select(r => (double)r.Score).ToArray()).ToArray();
            // The chain sums in Single steps: agreement to Single precision (relative 1e-6).
            for (var i = 0; i < before.Length; i++)
            {
                var expected = Enumerable.Range(0, members.Length).Sum(k => fitted.Weights[k] * memberScores[k][i]);
                Assert.True(Math.Abs(expected - before[i]) <= 1e-6 * Math.Max(1, Math.Abs(expected)), $"row {i}: {before[i]} vs Σ Q·h = {expected}");
            }
            output.WriteLine($"members {fitted.Weights.Count}, Q = [{string.Join(", ", fitted.Weights.Select(w => w.ToString("F4")))}], group losses {string.Join(", ", fitted.GroupLosses)}");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
