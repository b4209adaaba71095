using System.Diagnostics;
using DeepML.Testing;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace DeepML.Fairness.Tests.Mitigation;

/// <summary>An ExponentiatedGradient input row: three features, the label, the group.</summary>
public sealed class ReductionRow
{
    [VectorType(3)]
    public float[] Features { get; set; } = [];
    public bool Label { get; set; }
    public string Sf { get; set; } = "";

    /// <summary>
    /// Group B has a lower base rate and a feature (x1) that reveals the group, so an unconstrained
    /// logistic regression selects B far less often and the fair mixture has several members.
    /// </summary>
    public static List<ReductionRow> Biased(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ =>
        {
            var b = rng.NextDouble() < 0.4;
            var y = rng.NextDouble() < (b ? 0.15 : 0.45);
            return new ReductionRow
            {
                Features = [(float)((y ? 1 : -1) * 0.8 + Synthetic.Gaussian(rng)), b ? 1 : 0, (float)Synthetic.Gaussian(rng)],
                Label = y, Sf = b ? "B" : "A",
            };
        }).ToList();
    }
}

/// <summary>What a PredictionEngine reads from a fitted ExponentiatedGradient.</summary>
public sealed class ReductionOutput
{
    public float Score { get; set; }
    public float Probability { get; set; }
    public bool PredictedLabel { get; set; }
}

/// <summary>
/// The contract suite for ExponentiatedGradient over ML.NET's L-BFGS logistic regression (seed
/// derived from the MLContext), on seeded synthetic biased rows, once per kind of moment (see the
/// sealed classes below). The features are read at Transform (by the trainer's own transformers);
/// the label and the sensitive column at Fit only.
/// </summary>
public abstract class ExponentiatedGradientContract
    : MitigatorContract<ExponentiatedGradientEstimator, ExponentiatedGradientTransformer, ReductionRow, ReductionOutput>
{
    /// <summary>The constraint every estimator of the suite enforces.</summary>
    protected abstract ReductionConstraint Constraint { get; }

    // One L-BFGS thread: the multi-threaded trainer occupies the thread pool on a small machine, which delays the
    // timer that check 13 cancels with (CancellationTokenSource.CancelAfter) by seconds.
    private ExponentiatedGradientEstimator Create(MLContext ml, ExponentiatedGradientOptions options) =>
        ml.DeepML().Fairness.ExponentiatedGradient((label, weight) => ml.BinaryClassification.Trainers.LbfgsLogisticRegression(
            new LbfgsLogisticRegressionBinaryTrainer.Options { LabelColumnName = label, FeatureColumnName = "Features", ExampleWeightColumnName = weight, NumberOfThreads = 1 }), options);

    // Seed left null: the default path, where the seed comes from the MLContext (made with the same seed).
    protected override ExponentiatedGradientEstimator CreateEstimator(MLContext ml, int seed) =>
        Create(ml, new ExponentiatedGradientOptions { SensitiveColumnNames = ["Sf"], Constraint = Constraint, MaxIterations = 8 });

    protected override IDataView CreateTrainingData(MLContext ml) => ml.Data.LoadFromEnumerable(ReductionRow.Biased(300, 3));

    protected override IReadOnlyList<ReductionRow> CreateScoringRows() => ReductionRow.Biased(40, 99);

    /// <summary>
    /// Check 13: each finished iteration reports progress; the token is observed around every trainer fit
    /// (two or more per iteration) and before an iteration is reported, so cancellation stops within one fit.
    /// </summary>
    protected override ExponentiatedGradientEstimator CreateCancellableEstimator(MLContext ml, int seed, CancellationToken token, Action<TimeSpan> unitDone)
    {
        var clock = Stopwatch.StartNew(); // the suite starts Fit right after this returns
        return Create(ml, new ExponentiatedGradientOptions
        {
            // Without the linear-program step the duality gap does not reach ν on this data, so training runs
            // until cancelled; with it, the gap is exactly 0 after the minimum six iterations, which can end
            // Fit before the token is cancelled half an iteration after the first one.
            SensitiveColumnNames = ["Sf"], Constraint = Constraint, MaxIterations = 10_000, Nu = 1e-12, RunLinearProgramStep = false, CancellationToken = token,
            Progress = new SyncProgress<int>(_ => unitDone(clock.Elapsed)),
        });
    }

    protected override IEnumerable<WrongColumnType> WrongColumnTypes(MLContext ml)
    {
        var data = CreateTrainingData(ml);
        const string features = "a known-size vector of Single";
        yield return new("Features", features, "Vector<Double", Converted(ml, data, "Features", DataKind.Double), features);
        // Label and groups are read by Fit only.
        yield return new("Label", "Boolean, Single or Double (0/1)", "String", Converted(ml, data, "Label", DataKind.String), null);
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
        var o = new ExponentiatedGradientOptions { SensitiveColumnNames = ["Sf"] };
        return
        [
            new(nameof(o.LabelColumnName), () => _ = new ExponentiatedGradientOptions { LabelColumnName = "" }),
            new(nameof(o.FeatureColumnName), () => _ = new ExponentiatedGradientOptions { FeatureColumnName = " " }),
            new(nameof(o.SensitiveColumnNames), () => _ = new ExponentiatedGradientOptions { SensitiveColumnNames = [] }),
            new(nameof(o.SensitiveColumnNames), () => _ = new ExponentiatedGradientOptions { SensitiveColumnNames = ["Sf", null!] }),
            new(nameof(o.Constraint), () => _ = new ExponentiatedGradientOptions { Constraint = (ReductionConstraint)42 }),
            new(nameof(o.Constraint), () => _ = new ExponentiatedGradientOptions { Constraint = (ReductionConstraint)(1 + (int)ReductionConstraint.ErrorRateParity) }),
            new(nameof(o.DifferenceBound), () => _ = new ExponentiatedGradientOptions { DifferenceBound = -0.01 }),
            new(nameof(o.DifferenceBound), () => _ = new ExponentiatedGradientOptions { DifferenceBound = 1 }),
            new(nameof(o.DifferenceBound), () => _ = new ExponentiatedGradientOptions { DifferenceBound = double.NaN }),
            new(nameof(o.Eps), () => _ = new ExponentiatedGradientOptions { Eps = 0 }),
            new(nameof(o.Eps), () => _ = new ExponentiatedGradientOptions { Eps = double.PositiveInfinity }),
            new(nameof(o.MaxIterations), () => _ = new ExponentiatedGradientOptions { MaxIterations = 0 }),
            new(nameof(o.Nu), () => _ = new ExponentiatedGradientOptions { Nu = 0 }),
            new(nameof(o.Nu), () => _ = new ExponentiatedGradientOptions { Nu = double.NaN }),
            new(nameof(o.Eta0), () => _ = new ExponentiatedGradientOptions { Eta0 = -2 }),
            new(nameof(o.Eta0), () => _ = new ExponentiatedGradientOptions { Eta0 = double.NaN }),
            // The trainer factory is the catalog method's other input.
            new("trainer", () => new MLContext(1).DeepML().Fairness.ExponentiatedGradient(null!, o)),
        ];
    }
}

/// <summary>The contract suite with demographic parity (the default constraint).</summary>
public sealed class ExponentiatedGradientContractTests : ExponentiatedGradientContract
{
    protected override ReductionConstraint Constraint => ReductionConstraint.DemographicParity;
}

/// <summary>
/// The contract suite with error rate parity: its moment relabels rows by the label as well as the
/// group (the oracle's labels and weights differ from the selection-rate moments'), so the whole
/// suite runs again on it.
/// </summary>
public sealed class ExponentiatedGradientErrorRateParityContractTests : ExponentiatedGradientContract
{
    protected override ReductionConstraint Constraint => ReductionConstraint.ErrorRateParity;
}

/// <summary>An IProgress that reports on the calling thread (Progress&lt;T&gt; posts to the thread pool).</summary>
public sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
