using DeepML.Explainability;
using Microsoft.ML;

namespace DeepML;

/// <summary>
/// Gradient attributions of a fitted DeepML network, computed on its TorchSharp build (the model's exact weights, eval
/// mode): saliency, integrated gradients or SmoothGrad, made by <c>ml.DeepML().Explainability.Saliency / IntegratedGradients /
/// SmoothGrad(model)</c>. One attribution per input slot (a pixel for images).
/// </summary>
/// <remarks>
/// <para>Integrated gradients is additive: its base value is f(baseline) and <see cref="Attributions.MaxAdditivityGap"/> is
/// the completeness gap |Σφ − (f(x) − f(x′))|, which shrinks as <see cref="IntegratedGradientsOptions.Steps"/> grows.
/// Saliency and SmoothGrad are not additive (base value 0).</para>
/// <para>Batched: the points of many rows go through one forward and backward pass (up to <see cref="GradientOptions.MaxBatchRows"/>).
/// Deterministic on the CPU (SmoothGrad's noise is seeded per row). Thread-safe (calls are serialised); owns a TorchSharp
/// module: dispose the explainer to free it.</para>
/// </remarks>
public sealed class GradientExplainer : IVectorExplainer, IDisposable
{
    private readonly NetworkGradients _gradients;
    private readonly GradientOptions _options;
    private readonly int _seed;
    private readonly string _component;
    private readonly (double[] Alphas, double[] Weights)? _path;
    private readonly float[]? _baseline;

    internal GradientExplainer(string component, NetworkModel model, GradientOptions options, int seed)
    {
        _component = component;
        _options = options;
        _seed = seed;
        if (options is IntegratedGradientsOptions ig)
        {
            if (ig.Baseline is { } b && b.Length != model.InputSize)
                throw new ArgumentException($"{component}: the baseline has {b.Length} values but the network has {model.InputSize} inputs; give one value per input.", nameof(options));
            _baseline = ig.Baseline ?? new float[model.InputSize];
            _path = Path(ig.Integration, ig.Steps);
        }
        _gradients = new NetworkGradients(model, options.Output, options.Device, component);
        FeatureColumnName = model.FeatureColumnName;
        FeatureNames = model.FeatureNames.Count == model.InputSize ? model.FeatureNames : Enumerable.Range(0, model.InputSize).Select(i => $"f{i}").ToArray();
        BaseValue = _baseline is null ? 0 : _gradients.Run(_baseline, 1, [])[0];
    }

    /// <inheritdoc />
    public string FeatureColumnName { get; }

    /// <inheritdoc />
    public int InputSize => _gradients.Model.InputSize;

    /// <inheritdoc />
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Integrated gradients: f(baseline); otherwise 0.</summary>
    public double BaseValue { get; }

    /// <inheritdoc />
    public string Method => _options switch
    {
        IntegratedGradientsOptions ig => $"Integrated gradients ({ig.Steps} steps, {ig.Integration})",
        SmoothGradOptions sg => $"SmoothGrad ({sg.Samples} samples, noise {sg.NoiseLevel:0.###}{(sg.Absolute ? ", absolute" : "")})",
        SaliencyOptions s => s.Absolute ? "Saliency (|gradient|)" : "Saliency (gradient)",
        _ => _options.GetType().Name,
    };

    /// <summary>Explains the first <paramref name="maxRows"/> rows of <paramref name="data"/> (read from <see cref="FeatureColumnName"/>).</summary>
    /// <param name="data">Rows with the network's feature column.</param>
    /// <param name="maxRows">At most this many rows.</param>
    /// <param name="cancellation">Stops between batches.</param>
    public Attributions Explain(IDataView data, int maxRows = int.MaxValue, CancellationToken cancellation = default)
    {
        var (features, rows) = GradientCatalogExtensions.Features(data, _gradients.Model, _component, maxRows);
        return Explain(features, rows, cancellation);
    }

    /// <inheritdoc />
    public Attributions Explain(float[] features, int rows, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (rows < 0 || (long)rows * InputSize > features.Length)
            throw new ArgumentException($"{_component}: {rows} rows of {InputSize} values need {(long)rows * InputSize} values; {features.Length} were given.", nameof(features));
        var f = InputSize;
        var outputs = _gradients.Run(features, rows, []);
        var perRow = _options switch { IntegratedGradientsOptions ig => ig.Steps, SmoothGradOptions sg => sg.Samples, _ => 1 };
        var rowsPerBatch = Math.Max(1, _options.MaxBatchRows / perRow);
        var phi = new double[rows][];
        for (var start = 0; start < rows; start += rowsPerBatch)
        {
            cancellation.ThrowIfCancellationRequested();
            var count = Math.Min(rowsPerBatch, rows - start);
            var points = new float[(long)count * perRow * f];
            for (var r = 0; r < count; r++)
                Points(features.AsSpan((start + r) * f, f), points.AsSpan(r * perRow * f, perRow * f));
            var gradients = new float[points.Length];
            _gradients.Run(points, count * perRow, gradients);
            for (var r = 0; r < count; r++)
                phi[start + r] = Combine(features.AsSpan((start + r) * f, f), gradients.AsSpan(r * perRow * f, perRow * f), perRow);
        }
        return new Attributions(Method, FeatureNames, BaseValue, phi, outputs, isAdditive: _options is IntegratedGradientsOptions, outputName: _options.Output.ToString());
    }

    /// <summary>The points whose gradients a row needs: the row itself, the path's points, or the noisy copies.</summary>
    private void Points(ReadOnlySpan<float> x, Span<float> points)
    {
        var f = x.Length;
        switch (_options)
        {
            case IntegratedGradientsOptions:
                for (var k = 0; k < _path!.Value.Alphas.Length; k++)
                {
                    var alpha = _path.Value.Alphas[k];
                    for (var j = 0; j < f; j++)
                        points[k * f + j] = (float)(_baseline![j] + alpha * (x[j] - _baseline[j]));
                }
                break;
            case SmoothGradOptions sg:
                var random = RowRandom.For(_seed, x);
                var sigma = sg.NoiseLevel * (Max(x) - Min(x));
                for (var s = 0; s < sg.Samples; s++)
                    for (var j = 0; j < f; j++)
                        points[s * f + j] = (float)(x[j] + sigma * Normal(random));
                break;
            default:
                x.CopyTo(points);
                break;
        }
    }

    private double[] Combine(ReadOnlySpan<float> x, ReadOnlySpan<float> gradients, int perRow)
    {
        var f = x.Length;
        var phi = new double[f];
        switch (_options)
        {
            case IntegratedGradientsOptions:
                for (var k = 0; k < perRow; k++)
                    for (var j = 0; j < f; j++)
                        phi[j] += _path!.Value.Weights[k] * gradients[k * f + j];
                for (var j = 0; j < f; j++)
                    phi[j] *= x[j] - _baseline![j];
                break;
            case SmoothGradOptions sg:
                for (var s = 0; s < perRow; s++)
                    for (var j = 0; j < f; j++)
                        phi[j] += (sg.Absolute ? Math.Abs(gradients[s * f + j]) : gradients[s * f + j]) / perRow;
                break;
            case SaliencyOptions s:
                for (var j = 0; j < f; j++)
                    phi[j] = s.Absolute ? Math.Abs(gradients[j]) : gradients[j];
                break;
        }
        return phi;
    }

    /// <summary>The path's points α_k in [0, 1] and their weights (summing to 1).</summary>
    internal static (double[] Alphas, double[] Weights) Path(IntegrationMethod method, int n) => method switch
    {
        IntegrationMethod.GaussLegendre => GaussLegendre.OnUnitInterval(n),
        IntegrationMethod.RiemannLeft => (Enumerable.Range(0, n).Select(k => (double)k / n).ToArray(), Enumerable.Repeat(1.0 / n, n).ToArray()),
        IntegrationMethod.RiemannRight => (Enumerable.Range(1, n).Select(k => (double)k / n).ToArray(), Enumerable.Repeat(1.0 / n, n).ToArray()),
        IntegrationMethod.RiemannMiddle => (Enumerable.Range(0, n).Select(k => (k + 0.5) / n).ToArray(), Enumerable.Repeat(1.0 / n, n).ToArray()),
        IntegrationMethod.RiemannTrapezoid => (Enumerable.Range(0, n).Select(k => (double)k / (n - 1)).ToArray(),
            Enumerable.Range(0, n).Select(k => (k == 0 || k == n - 1 ? 0.5 : 1.0) / (n - 1)).ToArray()),
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "IntegratedGradientsOptions: Integration must be one of the IntegrationMethod values."),
    };

    private static double Max(ReadOnlySpan<float> x) { var m = double.NegativeInfinity; foreach (var v in x) m = Math.Max(m, v); return m; }

    private static double Min(ReadOnlySpan<float> x) { var m = double.PositiveInfinity; foreach (var v in x) m = Math.Min(m, v); return m; }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <summary>Frees the TorchSharp module. Safe to call more than once.</summary>
    public void Dispose() => _gradients.Dispose();
}
