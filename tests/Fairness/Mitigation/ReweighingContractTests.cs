using DeepML.Testing;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML.Fairness.Tests.Mitigation;

/// <summary>What a PredictionEngine reads from a fitted Reweighing.</summary>
public sealed class ReweighingOutput
{
    public float FairWeight { get; set; }
}

/// <summary>
/// The contract suite for Reweighing, on seeded synthetic scored rows (groups Sf × Sf2, incoming weights):
/// every column it reads (label, both sensitive columns, the incoming weight) is read at Transform too.
/// </summary>
public sealed class ReweighingContractTests : MitigatorContract<ReweighingEstimator, ReweighingTransformer, Row, ReweighingOutput>
{
    protected override ReweighingEstimator CreateEstimator(MLContext ml, int seed) =>
        ml.DeepML().Fairness.Reweigh(new ReweighingOptions
        {
            OutputColumnName = "FairWeight", SensitiveColumnNames = ["Sf", "Sf2"], ExampleWeightColumnName = "Weight",
        });

    protected override IDataView CreateTrainingData(MLContext ml) => Synthetic.View(ml, Synthetic.Scored(300, 13));

    protected override IReadOnlyList<Row> CreateScoringRows() => Synthetic.Scored(40, 99);

    protected override string? DifferentSeedsOptOutReason =>
        "Reweighing is deterministic and draws nothing: its factors N_g·N_y/(N·N_gy) are closed-form counts of the training data, " +
        "so it has no seed and every seed gives the same weights (the same-seed half of check 6 still runs).";

    protected override string? CancellationOptOutReason =>
        "Reweighing's Fit is one counting pass over the label, sensitive and weight columns, with no iterations or epochs to stop " +
        "between; its options take no CancellationToken.";

    protected override IEnumerable<WrongColumnType> WrongColumnTypes(MLContext ml)
    {
        var data = CreateTrainingData(ml);
        const string label = "Boolean, Single or Double (0/1)", sensitive = "Text, Boolean, Single, Double, Int32 or Int64";
        yield return new("Label", label, "String", Converted(ml, data, "Label", DataKind.String), label);
        yield return new("Sf2", sensitive, "Key<UInt32", Keyed(ml, data, "Sf2"), sensitive);
        yield return new("Weight", "expected Single", "Double", Converted(ml, data, "Weight", DataKind.Double), "expected Single");
    }

    protected override IEnumerable<MissingColumn> MissingColumns(MLContext ml)
    {
        var data = CreateTrainingData(ml);
        yield return new("Label", Dropped(ml, data, "Label"), CheckAtTransform: true);
        yield return new("Sf2", Dropped(ml, data, "Sf2"), CheckAtTransform: true);
        yield return new("Weight", Dropped(ml, data, "Weight"), CheckAtTransform: true);
    }

    protected override IEnumerable<InvalidOption> InvalidOptions()
    {
        var o = new ReweighingOptions { SensitiveColumnNames = ["Sf"] };
        return
        [
            new(nameof(o.LabelColumnName), () => _ = new ReweighingOptions { LabelColumnName = "" }),
            new(nameof(o.OutputColumnName), () => _ = new ReweighingOptions { OutputColumnName = " " }),
            new(nameof(o.SensitiveColumnNames), () => _ = new ReweighingOptions { SensitiveColumnNames = [] }),
            new(nameof(o.SensitiveColumnNames), () => _ = new ReweighingOptions { SensitiveColumnNames = ["Sf", ""] }),
            new(nameof(o.SensitiveColumnNames), () => _ = new ReweighingOptions { SensitiveColumnNames = null! }),
            // null means "no incoming weights"; an empty name is a mistake.
            new(nameof(o.ExampleWeightColumnName), () => _ = new ReweighingOptions { ExampleWeightColumnName = " " }),
            // The catalog's simple overload validates through the options.
            new(nameof(o.OutputColumnName), () => new MLContext(1).DeepML().Fairness.Reweigh("", ["Sf"])),
        ];
    }
}
