using DeepML.Testing;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML.Fairness.Tests.Mitigation;

/// <summary>A scored row as a PredictionEngine sends it to a fitted ThresholdOptimizer: score and groups.</summary>
public sealed class ScoredRow
{
    public float Score { get; set; }
    public string Sf { get; set; } = "";
    public string Sf2 { get; set; } = "";
}

/// <summary>
/// The contract suite for ThresholdOptimizer (demographic parity, seed derived from the MLContext), on
/// seeded synthetic scored rows where group B is scored lower: the solution mixes two thresholds, so
/// rows between them get a fractional Probability and a seeded, randomised PredictedLabel. Label is
/// read at Fit only; Score and the sensitive column at Transform too.
/// </summary>
public sealed class ThresholdOptimizerContractTests : MitigatorContract<ThresholdOptimizerEstimator, ThresholdOptimizerTransformer, ScoredRow, Predicted>
{
    // Seed left null: the default path, where the seed comes from the MLContext (made with the same seed).
    protected override ThresholdOptimizerEstimator CreateEstimator(MLContext ml, int seed) =>
        ml.DeepML().Fairness.ThresholdOptimizer(new ThresholdOptimizerOptions { SensitiveColumnNames = ["Sf"] });

    protected override IDataView CreateTrainingData(MLContext ml) => Synthetic.View(ml, Synthetic.Scored(300, 13));

    // Scored without a PredictedLabel column: the suite compares the columns appended past the input's, and a
    // replaced PredictedLabel (as in the training data, checked by check 1) is not appended but moved next to
    // the hidden original, so the suite would miss the randomised label.
    protected override IReadOnlyList<ScoredRow> CreateScoringRows() =>
        Synthetic.Scored(60, 99).Select(r => new ScoredRow { Score = r.Score, Sf = r.Sf, Sf2 = r.Sf2 }).ToArray();

    protected override string? CancellationOptOutReason =>
        "ThresholdOptimizer's Fit is a single sort-and-sweep over the training scores per group (closed form at hull vertices), " +
        "with no iterations or epochs to stop between; its options take no CancellationToken.";

    protected override IEnumerable<WrongColumnType> WrongColumnTypes(MLContext ml)
    {
        var data = CreateTrainingData(ml);
        const string score = "a scalar Single or Double", sensitive = "Text, Boolean, Single, Double, Int32 or Int64";
        yield return new("Score", score, "String", Converted(ml, data, "Score", DataKind.String), score);
        yield return new("Sf", sensitive, "Key<UInt32", Keyed(ml, data, "Sf"), sensitive);
        // The label is read by Fit only.
        yield return new("Label", "Boolean, Single or Double (0/1)", "String", Converted(ml, data, "Label", DataKind.String), null);
    }

    protected override IEnumerable<MissingColumn> MissingColumns(MLContext ml)
    {
        var data = CreateTrainingData(ml);
        yield return new("Score", Dropped(ml, data, "Score"), CheckAtTransform: true);
        yield return new("Sf", Dropped(ml, data, "Sf"), CheckAtTransform: true);
        yield return new("Label", Dropped(ml, data, "Label"), CheckAtTransform: false);
    }

    protected override IEnumerable<InvalidOption> InvalidOptions()
    {
        var o = new ThresholdOptimizerOptions { SensitiveColumnNames = ["Sf"] };
        return
        [
            new(nameof(o.LabelColumnName), () => _ = new ThresholdOptimizerOptions { LabelColumnName = "" }),
            new(nameof(o.ScoreColumnName), () => _ = new ThresholdOptimizerOptions { ScoreColumnName = " " }),
            new(nameof(o.SensitiveColumnNames), () => _ = new ThresholdOptimizerOptions { SensitiveColumnNames = [] }),
            new(nameof(o.SensitiveColumnNames), () => _ = new ThresholdOptimizerOptions { SensitiveColumnNames = [" "] }),
            new(nameof(o.Constraint), () => _ = new ThresholdOptimizerOptions { Constraint = (ThresholdConstraint)42 }),
            new(nameof(o.Objective), () => _ = new ThresholdOptimizerOptions { Objective = (ThresholdObjective)42 }),
            new(nameof(o.Objective), () => _ = new ThresholdOptimizerOptions { Constraint = ThresholdConstraint.EqualizedOdds, Objective = ThresholdObjective.SelectionRate }),
            new(nameof(o.Constraint), () => _ = new ThresholdOptimizerOptions { Objective = ThresholdObjective.TruePositiveRate, Constraint = ThresholdConstraint.EqualizedOdds }),
            new(nameof(o.GridSize), () => _ = new ThresholdOptimizerOptions { GridSize = 9 }),
            new(nameof(o.GridSize), () => _ = new ThresholdOptimizerOptions { GridSize = -1000 }),
            new(nameof(o.Tolerance), () => _ = new ThresholdOptimizerOptions { Tolerance = double.NaN }),
            new(nameof(o.Tolerance), () => _ = new ThresholdOptimizerOptions { Tolerance = -0.1 }),
            new(nameof(o.Tolerance), () => _ = new ThresholdOptimizerOptions { Tolerance = 1 }),
            new(nameof(o.Tolerance), () => _ = new ThresholdOptimizerOptions { Tolerance = double.PositiveInfinity }),
            new(nameof(o.Tolerance), () => _ = new ThresholdOptimizerOptions { Constraint = ThresholdConstraint.EqualizedOdds, Tolerance = 0.05 }),
            new(nameof(o.Constraint), () => _ = new ThresholdOptimizerOptions { Tolerance = 0, Constraint = ThresholdConstraint.EqualizedOdds }),
            new(nameof(o.ProbabilityColumnName), () => _ = new ThresholdOptimizerOptions { ProbabilityColumnName = "" }),
            new(nameof(o.PredictedLabelColumnName), () => _ = new ThresholdOptimizerOptions { PredictedLabelColumnName = "\t" }),
            // The catalog's simple overload validates through the options.
            new(nameof(o.Constraint), () => new MLContext(1).DeepML().Fairness.ThresholdOptimizer(["Sf"], (ThresholdConstraint)(-1))),
        ];
    }
}
