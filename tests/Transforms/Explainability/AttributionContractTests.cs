using DeepML.Explainability;
using DeepML.Testing;
using Microsoft.ML;
using Microsoft.ML.Data;
using static DeepML.Transforms.Tests.Explainability.ShapleyModels;

namespace DeepML.Transforms.Tests.Explainability;

/// <summary>Rows without the feature column (for check 4).</summary>
public sealed class OtherRow
{
    [VectorType(5)]
    public float[] Other { get; set; } = [];
}

/// <summary>The contract suite for the attribution step, over permutation SHAP of a non-linear model (seeded draws).</summary>
public sealed class AttributionContractTests : EstimatorContract<AttributionEstimator, AttributionTransformer, Row, AttributionOutput>
{
    protected override AttributionEstimator CreateEstimator(MLContext ml, int seed)
    {
        var data = CreateTrainingData(ml);
        var explainer = ml.DeepML().Explainability.PermutationShap(Nonlinear(ml, data), data,
            new PermutationShapOptions { Permutations = 2, Seed = seed }, Background.Sample(data, 4, seed: 1));
        return ml.DeepML().Explainability.CalculateAttributions(explainer);
    }

    protected override IDataView CreateTrainingData(MLContext ml) => View(ml, Gaussian(60, 51));

    protected override IReadOnlyList<Row> CreateScoringRows() => Gaussian(12, 52).Select(r => new Row { Features = r }).ToArray();

    protected override string? ZeroRowsOptOutReason =>
        "the step learns nothing from the rows it is fitted on: the explainer (model and background) is built before it, so Fit only checks the schema, as ML.NET's CalculateFeatureContribution does";

    protected override string? SaveLoadOptOutReason =>
        "not saveable by design: the explainer holds a fitted model and a background in memory and ML.NET's persisted custom step (CustomMapping) is stateless; Save throws NotSupportedException saying so (AttributionTransformerTests.Saving_says_what_to_do_instead)";

    protected override string? CancellationOptOutReason => "Fit checks the schema only; the explainer's own calls take a CancellationToken";

    protected override string? OnnxOptOutReason => "explanations are not an ONNX graph; the explained model may be exportable, the step is not";

    protected override IEnumerable<WrongColumnType> WrongColumnTypes(MLContext ml)
    {
        var data = ml.Transforms.Conversion.ConvertType("Features", outputKind: DataKind.Double).Fit(CreateTrainingData(ml)).Transform(CreateTrainingData(ml));
        yield return new("Features", ColumnChecks.FloatVectorExpected, "Vector<Double", data, ColumnChecks.FloatVectorExpected);
    }

    protected override IEnumerable<MissingColumn> MissingColumns(MLContext ml)
    {
        yield return new("Features", ml.Data.LoadFromEnumerable(Gaussian(5, 53).Select(r => new OtherRow { Other = r }).ToArray()), CheckAtTransform: true);
    }

    protected override IEnumerable<InvalidOption> InvalidOptions() =>
    [
        new(nameof(AttributionOptions.OutputColumnName), () => _ = new AttributionOptions { OutputColumnName = " " }),
        new(nameof(AttributionOptions.BatchSize), () => _ = new AttributionOptions { BatchSize = 0 }),
        new(nameof(AttributionOptions.OutputColumnName), () =>
        {
            var ml = new MLContext(1);
            var data = View(ml, Gaussian(10, 1));
            ml.DeepML().Explainability.CalculateAttributions(ml.DeepML().Explainability.ExactShapley(SecondOrder(ml, data), data, null, Background.Sample(data, 2, seed: 1)), "");
        }),
    ];
}
