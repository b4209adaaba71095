namespace DeepML.Explainability;

/// <summary>
/// What an explainer says about a batch of rows: one attribution per feature per row, the base value
/// they start from and the model output they explain.
/// </summary>
/// <remarks>
/// <para>For additive methods (Shapley values in every flavour, TreeSHAP, integrated gradients)
/// <c>BaseValues[i] + Σ_j Values[i][j]</c> should equal <c>Outputs[i]</c>;
/// <see cref="MaxAdditivityGap"/> measures how far it is. Shapley values: the base value is
/// <c>E[f]</c> over the background; integrated gradients: <c>f(baseline)</c>; LIME: each row's surrogate
/// intercept (its coefficients add up to the surrogate's local prediction, not to the model's output, so
/// LIME is not additive). Non-additive methods (saliency, SmoothGrad, Grad-CAM) set <see cref="IsAdditive"/>
/// to false.</para>
/// <para>The arrays are owned by this object once passed in; do not change them afterwards.
/// Instances are immutable and thread-safe.</para>
/// </remarks>
public sealed class Attributions
{
    /// <summary>Wraps the results of one explainer run.</summary>
    /// <param name="method">The method's name as reports show it, for example "KernelSHAP (2,048 samples)".</param>
    /// <param name="featureNames">One name per attributed feature (an original column, a feature group, a slot or a pixel).</param>
    /// <param name="baseValue">The value the attributions start from (see remarks).</param>
    /// <param name="values">Per row, one attribution per feature.</param>
    /// <param name="outputs">Per row, the model output being explained, on the explained scale (raw score, probability, class score).</param>
    /// <param name="isAdditive">Whether the attributions should add up to <c>output − base value</c>.</param>
    /// <param name="outputName">What <paramref name="outputs"/> are, for example "Score" or "Probability of class 3".</param>
    /// <param name="baseValues">Per row, its own base value, for methods whose base differs by row (LIME's intercepts);
    /// null when every row starts from <paramref name="baseValue"/>.</param>
    public Attributions(string method, IReadOnlyList<string> featureNames, double baseValue, double[][] values, double[] outputs,
        bool isAdditive = true, string outputName = "Score", double[]? baseValues = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(method);
        ArgumentNullException.ThrowIfNull(featureNames);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(outputs);
        if (values.Length != outputs.Length)
            throw new ArgumentException($"Attributions: {values.Length} rows of values but {outputs.Length} outputs; give one output per row.", nameof(outputs));
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] is null || values[i].Length != featureNames.Count)
                throw new ArgumentException($"Attributions: row {i} has {values[i]?.Length ?? 0} values for {featureNames.Count} features; give one value per feature.", nameof(values));
        }
        if (baseValues is not null && baseValues.Length != values.Length)
            throw new ArgumentException($"Attributions: {baseValues.Length} base values for {values.Length} rows; give one per row or none.", nameof(baseValues));
        Method = method;
        FeatureNames = featureNames;
        BaseValues = baseValues ?? (IReadOnlyList<double>)Enumerable.Repeat(baseValue, values.Length).ToArray();
        BaseValue = baseValue;
        Values = values;
        Outputs = outputs;
        IsAdditive = isAdditive;
        OutputName = outputName;
    }

    /// <summary>The method's name as reports show it.</summary>
    public string Method { get; }

    /// <summary>One name per attributed feature.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>The value the attributions start from: E[f] over the background, f(baseline); for methods with a base per row (LIME), see <see cref="BaseValues"/>.</summary>
    public double BaseValue { get; }

    /// <summary>Per row, the value its attributions start from: <see cref="BaseValue"/> for every row, except for methods with a base per row (LIME).</summary>
    public IReadOnlyList<double> BaseValues { get; }

    /// <summary>Per row, one attribution per feature (row-major, <see cref="RowCount"/> × feature count).</summary>
    public IReadOnlyList<double[]> Values { get; }

    /// <summary>Per row, the model output being explained.</summary>
    public IReadOnlyList<double> Outputs { get; }

    /// <summary>Whether the attributions should add up to output − base value.</summary>
    public bool IsAdditive { get; }

    /// <summary>What <see cref="Outputs"/> are, for example "Score".</summary>
    public string OutputName { get; }

    /// <summary>Rows explained.</summary>
    public int RowCount => Values.Count;

    /// <summary>
    /// The largest <c>|BaseValues[i] + Σ_j Values[i][j] − Outputs[i]|</c> over the rows (local accuracy for
    /// SHAP, completeness for integrated gradients); NaN when the method is not additive or there are no rows.
    /// </summary>
    public double MaxAdditivityGap
    {
        get
        {
            if (!IsAdditive || RowCount == 0)
                return double.NaN;
            var worst = 0.0;
            for (var i = 0; i < RowCount; i++)
                worst = Math.Max(worst, Math.Abs(BaseValues[i] + Values[i].Sum() - Outputs[i]));
            return worst;
        }
    }

    /// <summary>Global importance: the mean absolute attribution of each feature over the rows, largest first.</summary>
    public GlobalImportance GlobalImportance()
    {
        if (RowCount == 0)
            throw new InvalidOperationException("Attributions: no rows were explained, so there is no global importance. Explain at least one row.");
        var mean = new double[FeatureNames.Count];
        foreach (var row in Values)
        {
            for (var j = 0; j < mean.Length; j++)
                mean[j] += Math.Abs(row[j]);
        }
        var entries = FeatureNames.Select((name, j) => new FeatureImportance(name, mean[j] / RowCount))
            .OrderByDescending(e => e.MeanAbsoluteAttribution).ThenBy(e => e.Feature, StringComparer.Ordinal).ToArray();
        return new GlobalImportance(Method, entries);
    }
}

/// <summary>One feature's global importance: its mean absolute attribution.</summary>
/// <param name="Feature">The feature (column, group, slot) name.</param>
/// <param name="MeanAbsoluteAttribution">Mean of |attribution| over the explained rows.</param>
public sealed record FeatureImportance(string Feature, double MeanAbsoluteAttribution);

/// <summary>Mean |attribution| per feature over a set of explained rows, largest first.</summary>
/// <param name="Method">The explainer that produced the attributions.</param>
/// <param name="Features">One entry per feature, sorted by importance (ties by name).</param>
public sealed record GlobalImportance(string Method, IReadOnlyList<FeatureImportance> Features);
