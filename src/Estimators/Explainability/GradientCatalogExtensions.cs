using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace DeepML;

/// <summary>The gradient explainers of DeepML networks on <c>ml.DeepML().Explainability</c>.</summary>
public static class GradientCatalogExtensions
{
    /// <summary>Saliency: |∂f/∂x| (or the signed gradient) per input of a fitted DeepML network (see <see cref="GradientExplainer"/>).</summary>
    /// <param name="catalog">The explainability catalog.</param>
    /// <param name="model">A fitted DeepML network (the trainer's transformer; for a pipeline, its last transformer).</param>
    /// <param name="options">Options; null for the defaults (Score, absolute, cpu).</param>
    public static GradientExplainer Saliency(this DeepMLCatalog.ExplainabilityCatalog catalog, NetworkScoringTransformer model, SaliencyOptions? options = null) =>
        Saliency(catalog, (model ?? throw new ArgumentNullException(nameof(model))).Model, options);

    /// <summary>Saliency of a trained network (for example one loaded with <c>ml.DeepML().Model.Load</c>, or <see cref="NetworkScoringTransformer.Model"/>).</summary>
    /// <param name="catalog">The explainability catalog.</param>
    /// <param name="model">The network.</param>
    /// <param name="options">Options; null for the defaults.</param>
    public static GradientExplainer Saliency(this DeepMLCatalog.ExplainabilityCatalog catalog, NetworkModel model, SaliencyOptions? options = null) =>
        Create(catalog, "Saliency", model, options ?? new SaliencyOptions());

    /// <summary>
    /// Integrated gradients from a baseline (zeros unless given) with Gauss–Legendre or Riemann steps; additive, with the
    /// completeness gap in <see cref="Explainability.Attributions.MaxAdditivityGap"/>.
    /// </summary>
    /// <param name="catalog">The explainability catalog.</param>
    /// <param name="model">A fitted DeepML network.</param>
    /// <param name="options">Options; null for Captum's defaults (50 Gauss–Legendre steps, zero baseline).</param>
    /// <example><code>
    /// using var ig = ml.DeepML().Explainability.IntegratedGradients(network);
    /// var a = ig.Explain(testFeatures, maxRows: 100);   // a.MaxAdditivityGap: the completeness gap
    /// </code></example>
    public static GradientExplainer IntegratedGradients(this DeepMLCatalog.ExplainabilityCatalog catalog, NetworkScoringTransformer model, IntegratedGradientsOptions? options = null) =>
        IntegratedGradients(catalog, (model ?? throw new ArgumentNullException(nameof(model))).Model, options);

    /// <summary>IntegratedGradients of a trained network (for example one loaded with <c>ml.DeepML().Model.Load</c>, or <see cref="NetworkScoringTransformer.Model"/>).</summary>
    /// <param name="catalog">The explainability catalog.</param>
    /// <param name="model">The network.</param>
    /// <param name="options">Options; null for the defaults.</param>
    public static GradientExplainer IntegratedGradients(this DeepMLCatalog.ExplainabilityCatalog catalog, NetworkModel model, IntegratedGradientsOptions? options = null) =>
        Create(catalog, "IntegratedGradients", model, options ?? new IntegratedGradientsOptions());

    /// <summary>SmoothGrad: the mean gradient over noisy copies of each row (seeded).</summary>
    /// <param name="catalog">The explainability catalog.</param>
    /// <param name="model">A fitted DeepML network.</param>
    /// <param name="options">Options; null for the defaults (25 samples, noise 15 % of the row's range).</param>
    public static GradientExplainer SmoothGrad(this DeepMLCatalog.ExplainabilityCatalog catalog, NetworkScoringTransformer model, SmoothGradOptions? options = null) =>
        SmoothGrad(catalog, (model ?? throw new ArgumentNullException(nameof(model))).Model, options);

    /// <summary>SmoothGrad of a trained network (for example one loaded with <c>ml.DeepML().Model.Load</c>, or <see cref="NetworkScoringTransformer.Model"/>).</summary>
    /// <param name="catalog">The explainability catalog.</param>
    /// <param name="model">The network.</param>
    /// <param name="options">Options; null for the defaults.</param>
    public static GradientExplainer SmoothGrad(this DeepMLCatalog.ExplainabilityCatalog catalog, NetworkModel model, SmoothGradOptions? options = null) =>
        Create(catalog, "SmoothGrad", model, options ?? new SmoothGradOptions());

    /// <summary>Grad-CAM maps of a convolution layer (the last one unless named) for the first <paramref name="maxRows"/> rows of <paramref name="data"/>.</summary>
    /// <param name="catalog">The explainability catalog.</param>
    /// <param name="model">A fitted convolutional DeepML network.</param>
    /// <param name="data">Rows with the network's feature column.</param>
    /// <param name="maxRows">At most this many rows.</param>
    /// <param name="layerPath">A Conv2d layer's path (<see cref="DeepML.GradCam.ConvolutionLayers"/>); null for the last.</param>
    /// <param name="options">The explained output and device; null for Score on the cpu.</param>
    public static GradCamMaps GradCam(this DeepMLCatalog.ExplainabilityCatalog catalog, NetworkScoringTransformer model, IDataView data, int maxRows = 64,
        string? layerPath = null, SaliencyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(model);
        var (features, rows) = Features(data, model.Model, "GradCam", maxRows);
        return DeepML.GradCam.Compute(model.Model, features, rows, layerPath, options);
    }

    private static GradientExplainer Create(DeepMLCatalog.ExplainabilityCatalog catalog, string component, NetworkModel model, GradientOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(model);
        var seed = options is SmoothGradOptions { Seed: { } s } ? s : ((IHostEnvironment)catalog.Context).Register(component).Rand.Next();
        return new GradientExplainer(component, model, options, seed);
    }

    internal static (float[] Features, int Rows) Features(IDataView data, NetworkModel model, string component, int maxRows)
    {
        ArgumentNullException.ThrowIfNull(data);
        var column = ColumnChecks.Find(data.Schema, component, "feature", model.FeatureColumnName);
        ColumnChecks.RequireFloatVector(column, component, "feature", model.InputSize);
        var values = new List<float>();
        var rows = 0;
        using var cursor = data.GetRowCursor([column]);
        var getter = cursor.GetGetter<Microsoft.ML.Data.VBuffer<float>>(column);
        var buffer = default(Microsoft.ML.Data.VBuffer<float>);
        while (rows < maxRows && cursor.MoveNext())
        {
            getter(ref buffer);
            values.AddRange(buffer.DenseValues());
            rows++;
        }
        if (rows == 0)
            throw new ArgumentException($"{component}: the data has no rows to explain.", nameof(data));
        return (values.ToArray(), rows);
    }
}
