using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace DeepML.Testing;

/// <summary>
/// The contract suite of CONVENTIONS.md: a component's test class inherits this and supplies data
/// and factories; the suite runs the 14 checks as facts. A check that does not apply is opted out
/// by overriding its <c>...OptOutReason</c> with a written reason; the test is then reported as
/// <em>skipped</em> with that reason (never as passed).
/// </summary>
/// <typeparam name="TEstimator">The estimator under test (the coverage meta-test matches on it).</typeparam>
/// <typeparam name="TTransformer">What it fits.</typeparam>
/// <typeparam name="TInput">A row class for <c>PredictionEngine</c> input.</typeparam>
/// <typeparam name="TOutput">A row class for <c>PredictionEngine</c> output.</typeparam>
/// <remarks>
/// <para>Required: <see cref="CreateEstimator"/>, <see cref="CreateTrainingData"/>, <see cref="CreateScoringRows"/>,
/// <see cref="WrongColumnTypes"/>, <see cref="MissingColumns"/>, <see cref="InvalidOptions"/>.</para>
/// <para>Hooks for native runtimes (the suite itself depends on no native framework):
/// <see cref="EnsureNativeRuntime"/>, <see cref="LiveNativeObjects"/>, <see cref="CheckOnnxParity"/>,
/// <see cref="CreateCancellableEstimator"/>.</para>
/// <para>Tests that count live native objects read process-wide counters: run the test assembly
/// without parallel test collections.</para>
/// </remarks>
public abstract partial class EstimatorContract<TEstimator, TTransformer, TInput, TOutput>
    where TEstimator : class, IEstimator<TTransformer>
    where TTransformer : class, ITransformer
    where TInput : class
    where TOutput : class, new()
{
    /// <summary>The seed most checks use.</summary>
    protected const int Seed = 20240611;

    // ---- What a component supplies ------------------------------------------------------------

    /// <summary>A new context; the suite makes a fresh one per fit (and per load, for save/load).</summary>
    protected virtual MLContext CreateContext(int seed) => new(seed);

    /// <summary>The estimator under test, made from <paramref name="ml"/>; <paramref name="seed"/> is also the context's seed.</summary>
    protected abstract TEstimator CreateEstimator(MLContext ml, int seed);

    /// <summary>Small valid training data (fast to fit).</summary>
    protected abstract IDataView CreateTrainingData(MLContext ml);

    /// <summary>Rows to score (with a PredictionEngine and, loaded as a data view, with Transform).</summary>
    protected abstract IReadOnlyList<TInput> CreateScoringRows();

    /// <summary>How <typeparamref name="TInput"/> maps to the schema the transformer expects (vector sizes, for example).</summary>
    protected virtual SchemaDefinition? InputSchemaDefinition() => null;

    /// <summary>Data sets with one column of a wrong type each.</summary>
    protected abstract IEnumerable<WrongColumnType> WrongColumnTypes(MLContext ml);

    /// <summary>Data sets with one column missing each.</summary>
    protected abstract IEnumerable<MissingColumn> MissingColumns(MLContext ml);

    /// <summary>Each option made invalid; each must throw an <see cref="ArgumentException"/> naming the option.</summary>
    protected abstract IEnumerable<InvalidOption> InvalidOptions();

    /// <summary>Zero-row training data with a valid schema; by default the training data limited to 0 rows.</summary>
    protected virtual IDataView CreateEmptyData(MLContext ml) => new CountingDataView(CreateTrainingData(ml), rowLimit: 0);

    /// <summary>A phrase the zero-rows error must contain (case-insensitive).</summary>
    protected virtual string ZeroRowsPhrase => "no rows";

    /// <summary>The estimator's configuration as comparable text (to prove Fit does not change it).</summary>
    protected virtual string DescribeConfiguration(TEstimator estimator) => estimator.ToString() ?? "";

    // ---- Native hooks -------------------------------------------------------------------------

    /// <summary>Loads a native runtime before any call into it (e.g. TorchSharp's). Called before every check.</summary>
    protected virtual void EnsureNativeRuntime()
    {
    }

    /// <summary>Live native objects (e.g. tensors) in the process now; null when the component has none to count.</summary>
    protected virtual long? LiveNativeObjects() => null;

    /// <summary>
    /// How much <see cref="LiveNativeObjects"/> rises per successful Fit although every native object was
    /// released — for a counter with a known bias (document it in the override). Default 0.
    /// </summary>
    protected virtual long NativeCounterDriftPerFit => 0;

    // ---- Opt-outs: null runs the check; a written reason skips it ------------------------------

    /// <summary>Why check 5 (ml.Model.Save/Load round trip) does not apply.</summary>
    protected virtual string? SaveLoadOptOutReason => null;

    /// <summary>Opt-out of check 2, for estimators that learn nothing from rows (a scorer of a given model), with the reason.</summary>
    protected virtual string? ZeroRowsOptOutReason => null;

    /// <summary>Why check 6 (different seeds give different predictions) does not apply, e.g. a deterministic component.</summary>
    protected virtual string? DifferentSeedsOptOutReason => null;

    /// <summary>Why check 13 (cancellation) does not apply, e.g. a component whose Fit is instant.</summary>
    protected virtual string? CancellationOptOutReason => null;

    /// <summary>Why check 14 (ONNX parity) does not apply, e.g. a component that cannot be exported.</summary>
    protected virtual string? OnnxOptOutReason => null;

    /// <summary>Why the live-native-object part of checks 2 and 10 does not apply (when <see cref="LiveNativeObjects"/> returns null).</summary>
    protected virtual string? NativeObjectsOptOutReason => "the component reports no native objects to count (LiveNativeObjects returns null)";

    // ---- Hooks of individual checks -----------------------------------------------------------

    /// <summary>
    /// Check 13: an estimator that trains long enough to be cancelled mid-way, observing
    /// <paramref name="token"/> and calling <paramref name="unitDone"/> after each unit of work
    /// (an epoch) with the time since training started.
    /// </summary>
    protected virtual TEstimator CreateCancellableEstimator(MLContext ml, int seed, CancellationToken token, Action<TimeSpan> unitDone) =>
        throw new NotImplementedException($"{GetType().Name}: override CreateCancellableEstimator or give CancellationOptOutReason.");

    /// <summary>Training data for check 13 (defaults to <see cref="CreateTrainingData"/>).</summary>
    protected virtual IDataView CreateCancellationData(MLContext ml) => CreateTrainingData(ml);

    /// <summary>Check 14: asserts that ONNX Runtime's output on the exported model matches the training framework's on <paramref name="data"/>.</summary>
    protected virtual void CheckOnnxParity(MLContext ml, TTransformer fitted, IDataView data) =>
        throw new NotImplementedException($"{GetType().Name}: override CheckOnnxParity or give OnnxOptOutReason.");

    // ---- Helpers ------------------------------------------------------------------------------

    /// <summary>A fresh context with the native runtime loaded.</summary>
    protected MLContext Context(int seed = Seed)
    {
        EnsureNativeRuntime();
        return CreateContext(seed);
    }

    /// <summary>The scoring rows as a data view.</summary>
    protected IDataView ScoringData(MLContext ml) => ml.Data.LoadFromEnumerable(CreateScoringRows(), InputSchemaDefinition());

    /// <summary>Fits the estimator made with <paramref name="seed"/> on the training data.</summary>
    protected TTransformer FitWithSeed(int seed)
    {
        var ml = Context(seed);
        return CreateEstimator(ml, seed).Fit(CreateTrainingData(ml));
    }

    /// <summary>The columns <paramref name="fitted"/> adds to the scoring data, one string per row.</summary>
    protected List<string> Predictions(MLContext ml, ITransformer fitted)
    {
        var input = ScoringData(ml);
        var output = fitted.Transform(input);
        return ContractData.Rows(output, ContractData.AddedColumns(input.Schema, output.Schema));
    }

    /// <summary>PredictionEngine outputs, one string per row (public properties of <typeparamref name="TOutput"/>).</summary>
    protected List<string> EnginePredictions(PredictionEngine<TInput, TOutput> engine, IEnumerable<TInput> rows)
    {
        var properties = typeof(TOutput).GetProperties().Where(p => p.CanRead).OrderBy(p => p.Name).ToArray();
        return rows.Select(r =>
        {
            var o = engine.Predict(r);
            return string.Join(" | ", properties.Select(p => $"{p.Name}={ContractData.Format(p.GetValue(o))}"));
        }).ToList();
    }

    /// <summary>A PredictionEngine over <paramref name="fitted"/>.</summary>
    protected PredictionEngine<TInput, TOutput> Engine(MLContext ml, ITransformer fitted) =>
        ml.Model.CreatePredictionEngine<TInput, TOutput>(fitted, inputSchemaDefinition: InputSchemaDefinition());

    private static void Dispose(object? o) => (o as IDisposable)?.Dispose();

    private static void AssertMentions(Exception e, params string[] parts)
    {
        foreach (var part in parts)
            Assert.True(e.Message.Contains(part, StringComparison.Ordinal), $"The message should contain \"{part}\" but was:\n{e.GetType().Name}: {e.Message}");
    }
}
