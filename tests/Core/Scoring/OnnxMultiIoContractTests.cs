using DeepML.Testing;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace DeepML.Core.Tests.Scoring;

/// <summary>
/// The contract suite for <see cref="OnnxScoringEstimator"/> on a model with five inputs and six outputs of
/// Single, Double, Int32, Int64 and Boolean (<see cref="MultiIoModel"/>). The single-input case runs the
/// suite in tests/Estimators (OnnxScoringContractTests).
/// </summary>
public sealed class OnnxMultiIoContractTests : EstimatorContract<OnnxScoringEstimator, OnnxScoringTransformer, MultiIoRow, MultiIoOutput>
{
    private static readonly byte[] Model = MultiIoModel.Build();

    protected override OnnxScoringEstimator CreateEstimator(MLContext ml, int seed) =>
        ml.DeepML().Onnx.ScoreOnnxModel(new OnnxScoringOptions
        {
            InputColumnNames = MultiIoModel.Inputs, OutputColumnNames = MultiIoModel.Outputs, ModelBytes = Model, Scoring = new ScoringOptions { BatchSize = 7 },
        });

    protected override IDataView CreateTrainingData(MLContext ml) => ml.Data.LoadFromEnumerable(MultiIoModel.Rows(30));

    protected override IReadOnlyList<MultiIoRow> CreateScoringRows() => MultiIoModel.Rows(40);

    protected override string? ZeroRowsOptOutReason => "a scorer of a given model learns nothing from rows; fitting it on zero rows is valid (as ML.NET's ApplyOnnxModel)";

    protected override string? DifferentSeedsOptOutReason => "scoring a given model has no randomness; the seed cannot change its output";

    protected override string? CancellationOptOutReason => "Fit only opens an ONNX Runtime session; there is no long-running work to cancel";

    protected override IEnumerable<WrongColumnType> WrongColumnTypes(MLContext ml)
    {
        var data = CreateTrainingData(ml);
        yield return new("x", "known-size vector of Double", "Vector<Single", ml.Transforms.Conversion.ConvertType("x", outputKind: DataKind.Single).Fit(data).Transform(data), "known-size vector of Double");
        yield return new("k", "known-size vector of Int32", "Int64", ml.Transforms.Conversion.ConvertType("k", outputKind: DataKind.Int64).Fit(data).Transform(data), "known-size vector of Int32");
    }

    protected override IEnumerable<MissingColumn> MissingColumns(MLContext ml)
    {
        var data = CreateTrainingData(ml);
        yield return new("flag", ml.Transforms.DropColumns("flag").Fit(data).Transform(data), CheckAtTransform: true);
        yield return new("b", ml.Transforms.DropColumns("b").Fit(data).Transform(data), CheckAtTransform: true);
    }

    protected override IEnumerable<InvalidOption> InvalidOptions()
    {
        yield return new("InputColumnNames", () => _ = new OnnxScoringOptions { InputColumnNames = [] });
        yield return new("OutputColumnNames", () => _ = new OnnxScoringOptions { OutputColumnNames = ["sum", ""] });
        yield return new("OnnxInputNames", () => _ = new OnnxScoringOptions { OnnxInputNames = ["a", "a"] });
        yield return new("OnnxOutputNames", () => _ = new OnnxScoringOptions { OnnxOutputNames = [" "] });
        yield return new("Scoring", () => _ = new OnnxScoringOptions { Scoring = null! });
    }

    /// <summary>Check 14: the same column types and values as ML.NET's own ApplyOnnxModel on the same bytes.</summary>
    protected override void CheckOnnxParity(MLContext ml, OnnxScoringTransformer fitted, IDataView data)
    {
        var ours = fitted.Transform(data);
        var reference = ml.Transforms.ApplyOnnxModel(MultiIoModel.Outputs, MultiIoModel.Inputs, new MemoryStream(Model)).Fit(data).Transform(data);
        Assert.Equal(MultiIoModel.Outputs.Select(n => reference.Schema[n].Type), MultiIoModel.Outputs.Select(n => ours.Schema[n].Type));
        Assert.Equal(MultiIoModel.Read(reference), MultiIoModel.Read(ours));
    }
}
