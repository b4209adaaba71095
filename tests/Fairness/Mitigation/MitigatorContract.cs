using System.Collections;
using DeepML.Testing;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace DeepML.Fairness.Tests.Mitigation;

/// <summary>
/// What the mitigators' contract classes share. A fitted mitigator is a chain of ML.NET built-in
/// transformers (<see cref="BuiltInChainTransformer.Inner"/>): no TorchSharp, so the native-object
/// hooks stay null; ONNX export does not apply (see <see cref="OnnxOptOut"/>, and the fact below that
/// keeps that reason true).
/// </summary>
public abstract class MitigatorContract<TEstimator, TTransformer, TInput, TOutput> : EstimatorContract<TEstimator, TTransformer, TInput, TOutput>
    where TEstimator : class, IEstimator<TTransformer>
    where TTransformer : BuiltInChainTransformer
    where TInput : class
    where TOutput : class, new()
{
    /// <summary>The written reason for check 14, shared by all mitigators.</summary>
    public const string OnnxOptOut =
        "a fitted mitigator is a chain of ML.NET Expression transforms; ML.NET's ExpressionTransformer implements no ONNX " +
        "exporter (no ICanSaveOnnx), so the model cannot be exported and there is no ONNX output to compare " +
        "(FittedChainHoldsATransformerMLNETCannotExportToONNX keeps this reason true).";

    protected override string? OnnxOptOutReason => OnnxOptOut;

    /// <summary>Check 2 asserts DeepML.Fairness's error constant word for word, not only "no rows".</summary>
    protected override string ZeroRowsPhrase => FairnessErrors.NoRows;

    /// <summary>The estimator's options, every public property written out (the base uses the type name only).</summary>
    protected override string DescribeConfiguration(TEstimator estimator)
    {
        var options = estimator.GetType().GetProperty("Options")?.GetValue(estimator)
            ?? throw new InvalidOperationException($"{typeof(TEstimator).Name} has no Options property.");
        return string.Join("; ", options.GetType().GetProperties().OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => $"{p.Name}={Describe(p.GetValue(options))}"));
    }

    private static string Describe(object? value) => value switch
    {
        null => "null",
        string s => s,
        IEnumerable e => "[" + string.Join(", ", e.Cast<object?>().Select(Describe)) + "]",
        _ => value.ToString() ?? "",
    };

    /// <summary>The reason of check 14 holds: the saved chain contains an Expression transform, which ML.NET cannot export.</summary>
    [Fact]
    public void FittedChainHoldsATransformerMLNETCannotExportToONNX()
    {
        var fitted = FitWithSeed(Seed);
        var parts = Flatten(fitted.Inner).ToArray();
        Assert.Contains(parts, t => t.GetType().Name == "ExpressionTransformer");
        Assert.Contains(parts, t => !t.GetType().GetInterfaces().Any(i => i.Name == "ICanSaveOnnx"));
    }

    private static IEnumerable<ITransformer> Flatten(ITransformer t) =>
        t is IEnumerable<ITransformer> chain ? chain.SelectMany(Flatten) : [t];

    /// <summary><paramref name="data"/> with column <paramref name="column"/> converted to <paramref name="kind"/>.</summary>
    protected static IDataView Converted(MLContext ml, IDataView data, string column, DataKind kind) =>
        ml.Transforms.Conversion.ConvertType(column, outputKind: kind).Fit(data).Transform(data);

    /// <summary><paramref name="data"/> with column <paramref name="column"/> made a key (a type the mitigators do not read).</summary>
    protected static IDataView Keyed(MLContext ml, IDataView data, string column) =>
        ml.Transforms.Conversion.MapValueToKey(column).Fit(data).Transform(data);

    /// <summary><paramref name="data"/> without column <paramref name="column"/>.</summary>
    protected static IDataView Dropped(MLContext ml, IDataView data, string column) =>
        ml.Transforms.DropColumns(column).Fit(data).Transform(data);
}
