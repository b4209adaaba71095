using Microsoft.ML;

namespace DeepML.Explainability;

/// <summary>Per row, how well LIME's linear surrogate fits the model around it.</summary>
/// <param name="Attributions">The surrogate's coefficients per interpretable feature (base value per row: the intercept).</param>
/// <param name="RSquared">Per row, the surrogate's weighted R² on its own samples (lime's <c>score</c>); near 1: the model is close to linear there.</param>
/// <param name="LocalPredictions">Per row, the surrogate's prediction at the row itself (intercept + Σ coefficients; lime's <c>local_pred</c>), to compare with <see cref="Attributions.Outputs"/>.</param>
public sealed record LimeExplanations(Attributions Attributions, IReadOnlyList<double> RSquared, IReadOnlyList<double> LocalPredictions);

/// <summary>
/// LIME for tabular data (Ribeiro et al. 2016) for any fitted ML.NET model that reads a feature vector and writes a
/// numeric output: made by <c>ml.DeepML().Explainability.Lime(model, trainingData)</c>.
/// </summary>
/// <remarks>
/// <para>For each row: <see cref="LimeOptions.Samples"/> perturbations are drawn (the row first; see the sampler's rules:
/// quartile bins for single slots, whole blocks for groups), the model scores them in batches through its own
/// <see cref="ITransformer.Transform"/>, each sample is weighted by lime's kernel √exp(−d²/width²) of its distance
/// d = √Σ((1 − same)/scale)² to the row in the binary representation, and a weighted ridge regression of the outputs on
/// the binary features gives one coefficient per feature: the effect of a feature keeping the row's bin (or category)
/// rather than another. <see cref="ExplainWithFit(IDataView, int, CancellationToken)"/> also reports each surrogate's R² and local prediction.</para>
/// <para>Differences from the lime package: values are drawn from the training rows' own values (lime: a truncated normal
/// per bin); every feature enters the surrogate (lime's default keeps 10 by forward selection or weight); the scale of a
/// categorical group's mismatch is 1 (lime: the standard deviation of its label codes).</para>
/// <para>Not additive: the coefficients add up to the surrogate's local prediction, not to the model's output.
/// Deterministic for a seed (each row draws from a generator seeded by the seed and the row's values). Thread-safe;
/// the model is borrowed, not owned.</para>
/// </remarks>
public sealed class LimeExplainer : IVectorExplainer
{
    private readonly ScoreFunction _score;
    private readonly LimeSampler _sampler;
    private readonly LimeOptions _options;
    private readonly int _seed;
    private readonly string _component;

    internal LimeExplainer(string component, ITransformer model, IDataView trainingData, LimeOptions options, int seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(trainingData);
        _component = component;
        var training = FeatureMatrix.Read(trainingData, options.FeatureColumnName, component, "feature", options.MaxTrainingRows);
        if (training.Rows < 2)
            throw new ArgumentException($"{component}: the training data has {training.Rows} rows; LIME needs at least 2 to learn the features' quartiles and draw perturbations. Pass the model's training data.", nameof(trainingData));
        var groups = options.Grouping.Resolve(training.SlotNames, component);
        _score = new ScoreFunction(model, options.FeatureColumnName, training.Size, training.SlotNames, options.Output, component);
        _sampler = new LimeSampler(training, groups);
        _options = options;
        _seed = seed;
        InputSize = training.Size;
        FeatureColumnName = options.FeatureColumnName;
        FeatureNames = groups.Names;
        KernelWidth = options.KernelWidth ?? 0.75 * Math.Sqrt(groups.Count);
    }

    /// <inheritdoc />
    public string FeatureColumnName { get; }

    /// <inheritdoc />
    public int InputSize { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>The kernel width in use.</summary>
    public double KernelWidth { get; }

    /// <inheritdoc />
    public string Method => $"LIME ({_options.Samples:N0} samples, kernel width {KernelWidth:0.###}, ridge α {_options.RidgeAlpha:0.###})";

    /// <summary>Explains the first <paramref name="maxRows"/> rows of <paramref name="data"/>.</summary>
    /// <param name="data">Rows with the feature column.</param>
    /// <param name="maxRows">At most this many rows (from the start).</param>
    /// <param name="cancellation">Stops between model calls.</param>
    public Attributions Explain(IDataView data, int maxRows = int.MaxValue, CancellationToken cancellation = default) =>
        ExplainWithFit(data, maxRows, cancellation).Attributions;

    /// <inheritdoc />
    public Attributions Explain(float[] features, int rows, CancellationToken cancellation = default) =>
        ExplainWithFit(features, rows, cancellation).Attributions;

    /// <summary>Explains rows of <paramref name="data"/> and reports each surrogate's fit.</summary>
    /// <param name="data">Rows with the feature column.</param>
    /// <param name="maxRows">At most this many rows (from the start).</param>
    /// <param name="cancellation">Stops between model calls.</param>
    public LimeExplanations ExplainWithFit(IDataView data, int maxRows = int.MaxValue, CancellationToken cancellation = default)
    {
        var rows = FeatureMatrix.ReadRows(data, FeatureColumnName, InputSize, _component, "the training data's", maxRows, cancellation);
        return ExplainWithFit(rows.Values, rows.Rows, cancellation);
    }

    /// <summary>Explains <paramref name="rows"/> vectors held row-major in <paramref name="features"/> and reports each surrogate's fit.</summary>
    /// <param name="features">Row-major inputs.</param>
    /// <param name="rows">Rows to explain.</param>
    /// <param name="cancellation">Stops between model calls.</param>
    public LimeExplanations ExplainWithFit(float[] features, int rows, CancellationToken cancellation = default)
    {
        FeatureMatrix.CheckBuffer(features, rows, InputSize, _component);
        var n = _options.Samples;
        var m = FeatureNames.Count;
        var coefficients = new double[rows][];
        var intercepts = new double[rows];
        var r2 = new double[rows];
        var local = new double[rows];
        var outputs = new double[rows];
        var perCall = (int)Math.Clamp(_options.MaxModelRows / n, 1, Math.Max(rows, 1));
        for (var start = 0; start < rows; start += perCall)
        {
            cancellation.ThrowIfCancellationRequested();
            var count = Math.Min(perCall, rows - start);
            var samples = new float[(long)count * n * InputSize];
            var same = new double[(long)count * n * m];
            for (var r = 0; r < count; r++)
            {
                var row = features.AsSpan((start + r) * InputSize, InputSize);
                _sampler.Draw(row, RowRandom.For(_seed, row), samples.AsSpan(r * n * InputSize, n * InputSize), same.AsSpan(r * n * m, n * m), n);
            }
            var y = _score.Evaluate(samples, count * n);
            for (var r = 0; r < count; r++)
            {
                var z = same.AsSpan(r * n * m, n * m).ToArray();
                var weights = Weights(z, n, m);
                var fit = WeightedRidge.Solve(z, y.AsSpan(r * n, n).ToArray(), weights, n, m, _options.RidgeAlpha);
                var i = start + r;
                coefficients[i] = fit.Coefficients;
                intercepts[i] = fit.Intercept;
                r2[i] = fit.RSquared;
                local[i] = fit.Intercept + fit.Coefficients.Sum();
                outputs[i] = y[r * n]; // the first sample is the row itself
            }
        }
        var attributions = new Attributions(Method, FeatureNames, rows == 0 ? 0 : intercepts.Average(), coefficients, outputs,
            isAdditive: false, outputName: _options.Output.ToString(), baseValues: intercepts);
        return new LimeExplanations(attributions, r2, local);
    }

    /// <summary>lime's kernel: √exp(−d²/width²) of each sample's scaled distance to the row in the binary representation.</summary>
    private double[] Weights(double[] same, int n, int m)
    {
        var weights = new double[n];
        var width2 = KernelWidth * KernelWidth;
        for (var s = 0; s < n; s++)
        {
            var d2 = 0.0;
            for (var g = 0; g < m; g++)
            {
                var off = (1 - same[s * m + g]) / _sampler.Scales[g];
                d2 += off * off;
            }
            weights[s] = Math.Sqrt(Math.Exp(-d2 / width2));
        }
        return weights;
    }
}
