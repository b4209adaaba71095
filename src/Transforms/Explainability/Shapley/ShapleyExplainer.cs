using Microsoft.ML;

namespace DeepML.Explainability;

/// <summary>
/// Shapley-value explanations of any fitted ML.NET model that reads a feature vector and writes a
/// numeric output (DeepML networks, FastTree, LightGBM, linear models, ONNX models): exact, KernelSHAP
/// or permutation SHAP, made by <c>ml.DeepML().Explainability.ExactShapley / KernelShap / PermutationShap</c>.
/// </summary>
/// <remarks>
/// <para>The values are interventional Shapley values over a <see cref="Background"/>: a group that
/// is absent from a coalition takes each background row's values in turn, and the coalition's value
/// is the weighted mean output. The base value is the background's weighted mean output, and for
/// every method <c>BaseValue + Σ φ = output</c> holds to rounding (exact: by the definition; KernelSHAP:
/// solved as a constraint; permutations: each order telescopes).</para>
/// <para>The model is called in batches (<see cref="ShapleyOptions.MaxModelRows"/> rows a call)
/// through its own <see cref="ITransformer.Transform"/>; a row costs (coalitions × background rows)
/// evaluations. Deterministic for a seed: each row draws from a generator seeded by the seed and the
/// row's own feature values, so a row gets the same attributions however it is batched (a whole
/// <c>IDataView</c>, a pipeline's batches, one row through <c>PredictionEngine</c>). Thread-safe; the model is borrowed, not owned (dispose it yourself).</para>
/// </remarks>
public sealed class ShapleyExplainer : IVectorExplainer
{
    private readonly IShapleyMethod _method;
    private readonly CoalitionEvaluator _evaluator;
    private readonly int _seed;
    private readonly string _component;

    internal ShapleyExplainer(string component, ITransformer model, IDataView data, Background background, ShapleyOptions options, int seed,
        Func<int, IShapleyMethod> method)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(background);
        _component = component;
        var column = ColumnChecks.Find(data.Schema, component, "feature", options.FeatureColumnName);
        InputSize = ColumnChecks.RequireFloatVector(column, component, "feature");
        if (background.Size != InputSize)
            throw new ArgumentException($"{component}: the background rows have {background.Size} values but the feature column '{column.Name}' has {InputSize}. " +
                "Build the background from the same features (Background.KMeans(trainData, 10, seed, \"" + column.Name + "\")).", nameof(background));
        var slotNames = FeatureMatrix.SlotNamesOf(column, InputSize);
        var groups = options.Grouping.Resolve(slotNames, component);
        var score = new ScoreFunction(model, column.Name, InputSize, slotNames, options.Output, component);
        _method = method(groups.Count);
        _evaluator = new CoalitionEvaluator(score, background, groups, options.MaxModelRows);
        _seed = seed;
        FeatureColumnName = column.Name;
        FeatureNames = groups.Names;
        Output = options.Output;
        BaseValue = _evaluator.EmptyValue();
    }

    /// <inheritdoc />
    public int InputSize { get; }

    /// <summary>The feature column the rows are read from.</summary>
    public string FeatureColumnName { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> FeatureNames { get; }

    /// <inheritdoc />
    public string Method => _method.Name;

    /// <summary>The explained output.</summary>
    public ExplainedOutput Output { get; }

    /// <summary>E[f] over the background: what every row's attributions start from.</summary>
    public double BaseValue { get; }

    /// <summary>Explains every row of <paramref name="data"/> (read from <see cref="FeatureColumnName"/>).</summary>
    /// <param name="data">Rows to explain: a view with the feature column the model reads.</param>
    /// <param name="maxRows">At most this many rows (from the start) are explained.</param>
    /// <param name="cancellation">Stops between model calls.</param>
    public Attributions Explain(IDataView data, int maxRows = int.MaxValue, CancellationToken cancellation = default)
    {
        var rows = FeatureMatrix.ReadRows(data, FeatureColumnName, InputSize, _component, "the explained model's", maxRows, cancellation);
        return Explain(rows.Values, rows.Rows, cancellation);
    }

    /// <inheritdoc />
    public Attributions Explain(float[] features, int rows, CancellationToken cancellation = default)
    {
        FeatureMatrix.CheckBuffer(features, rows, InputSize, _component);
        var outputs = _evaluator.Outputs(features, rows);
        var phi = new double[rows][];
        var m = FeatureNames.Count;
        var start = 0;
        while (start < rows)
        {
            var first = _method.Coalitions(m, RowRandom.For(_seed, features.AsSpan(start * InputSize, InputSize)));
            var perRow = Math.Max(1, first.Count) * (long)_evaluator.Background.Rows;
            var count = (int)Math.Clamp(_evaluator.MaxModelRows / perRow, 1, rows - start);
            var coalitions = new IReadOnlyList<bool[]>[count];
            coalitions[0] = first;
            for (var r = 1; r < count; r++)
                coalitions[r] = _method.Coalitions(m, RowRandom.For(_seed, features.AsSpan((start + r) * InputSize, InputSize)));
            var chunk = features.AsSpan(start * InputSize, count * InputSize).ToArray();
            var values = _evaluator.Values(chunk, InputSize, coalitions, cancellation);
            for (var r = 0; r < count; r++)
                phi[start + r] = _method.Attribute(coalitions[r], values[r], BaseValue, outputs[start + r]);
            start += count;
        }
        return new Attributions(Method, FeatureNames, BaseValue, phi, outputs, isAdditive: true, outputName: Output.ToString());
    }
}
