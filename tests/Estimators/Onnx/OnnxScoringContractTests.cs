using DeepML.Estimators.Tests.Trainers;
using DeepML.Testing;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace DeepML.Estimators.Tests.Onnx;

public sealed class OnnxScoringPrediction
{
    public float[] Output { get; set; } = [];
}

/// <summary>
/// The contract suite for <see cref="OnnxScoringEstimator"/> over an ONNX model exported from a small
/// network (any ONNX model with a float input [N, 7] would do), on the German credit attributes.
/// </summary>
public sealed class OnnxScoringContractTests : EstimatorContract<OnnxScoringEstimator, OnnxScoringTransformer, FeatureRow, OnnxScoringPrediction>
{
    private static readonly byte[] Model = BuildModel();

    protected override OnnxScoringEstimator CreateEstimator(MLContext ml, int seed) =>
        ml.DeepML().Onnx.ScoreOnnxModel(new OnnxScoringOptions { OutputColumnName = "Output", InputColumnName = "Features", ModelBytes = Model });

    protected override IDataView CreateTrainingData(MLContext ml) => TestData.CreditView(ml, take: 300);

    protected override IReadOnlyList<FeatureRow> CreateScoringRows() => TestData.FeatureRows(TestData.Credit.X, 40);

    protected override SchemaDefinition InputSchemaDefinition() => TestData.Definition<FeatureRow>(7);

    protected override string? ZeroRowsOptOutReason => "a scorer of a given model learns nothing from rows; fitting it on zero rows is valid (as ML.NET's ApplyOnnxModel)";

    protected override string? DifferentSeedsOptOutReason => "scoring a given model has no randomness; the seed cannot change its output";

    protected override string? CancellationOptOutReason => "Fit only opens an ONNX Runtime session; there is no long-running work to cancel";

    protected override IEnumerable<WrongColumnType> WrongColumnTypes(MLContext ml)
    {
        const string vector = "known-size vector of Single";
        yield return new("Features", vector, "String", ml.Data.LoadFromEnumerable([new AnyRow<string, bool> { Features = "1,2" }]), vector);
        yield return new("Features", vector, "Vector<Single> of unknown size", ml.Data.LoadFromEnumerable([new AnyRow<float[], bool> { Features = new float[7] }]), vector);
    }

    protected override IEnumerable<MissingColumn> MissingColumns(MLContext ml)
    {
        var data = CreateTrainingData(ml);
        yield return new("Features", ml.Transforms.DropColumns("Features").Fit(data).Transform(data), CheckAtTransform: true);
    }

    protected override IEnumerable<InvalidOption> InvalidOptions()
    {
        yield return new("OutputColumnName", () => _ = new OnnxScoringOptions { OutputColumnName = " ", InputColumnName = "Features", ModelBytes = Model });
        yield return new("InputColumnName", () => _ = new OnnxScoringOptions { OutputColumnName = "Output", InputColumnName = "", ModelBytes = Model });
        yield return new("Scoring", () => _ = new OnnxScoringOptions { OutputColumnName = "Output", InputColumnName = "Features", ModelBytes = Model, Scoring = null! });
        yield return new("BatchSize", () => _ = new ScoringOptions { BatchSize = 0 });
        yield return new("Device", () => _ = new ScoringOptions { Device = "tpu" });
    }

    /// <summary>Check 14: the same numbers as ML.NET's own ApplyOnnxModel on the same bytes, and the same column type.</summary>
    protected override void CheckOnnxParity(MLContext ml, OnnxScoringTransformer fitted, IDataView data)
    {
        var ours = fitted.Transform(data);
        var theirs = ml.Transforms.ApplyOnnxModel(["logits"], ["features"], new MemoryStream(Model))
            .Fit(ml.Transforms.CopyColumns("features", "Features").Fit(data).Transform(data));
        var reference = theirs.Transform(ml.Transforms.CopyColumns("features", "Features").Fit(data).Transform(data));
        Assert.Equal(reference.Schema["logits"].Type, ours.Schema["Output"].Type);
        var a = ours.GetColumn<VBuffer<float>>("Output").Select(v => v.DenseValues().ToArray()).ToArray();
        var b = reference.GetColumn<VBuffer<float>>("logits").Select(v => v.DenseValues().ToArray()).ToArray();
        Assert.Equal(b, a);
    }

    private static byte[] BuildModel()
    {
        var spec = new NetworkSpec([new DenseLayer(5), new ActivationLayer(ActivationKind.Tanh), new DenseLayer(3)], 7);
        var rng = new Random(5);
        var arrays = spec.WeightShapes().ToDictionary(w => w.Name,
            w => new WeightArray(Enumerable.Range(0, w.Shape.Aggregate(1, (x, y) => x * y)).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray(), w.Shape));
        return OnnxExporter.Export(new NetworkModel(new NetworkWeights(spec, arrays), PredictionKind.MulticlassClassification, "Features", ["a", "b", "c"]));
    }
}
