using DeepML.Explainability;
using Microsoft.ML;

namespace DeepML;

/// <summary>Explanations as a pipeline step on <c>ml.DeepML().Explainability</c>.</summary>
public static class AttributionCatalogExtensions
{
    /// <summary>
    /// A pipeline step that adds <paramref name="explainer"/>'s attributions to every row: a vector column
    /// (slot names = the explained features) and its base value (see <see cref="AttributionTransformer"/>).
    /// </summary>
    /// <param name="catalog">The explainability catalog.</param>
    /// <param name="explainer">Any vector explainer: KernelShap, PermutationShap, ExactShapley, TreeShap.</param>
    /// <param name="outputColumnName">The attribution column; <c>{name}BaseValue</c> holds the base value.</param>
    /// <example><code>
    /// var shap = ml.DeepML().Explainability.TreeShap(model.LastTransformer, trainFeatures);
    /// var explained = ml.DeepML().Explainability.CalculateAttributions(shap).Fit(testFeatures).Transform(testFeatures);
    /// </code></example>
    public static AttributionEstimator CalculateAttributions(this DeepMLCatalog.ExplainabilityCatalog catalog, IVectorExplainer explainer,
        string outputColumnName = AttributionOptions.DefaultOutputColumnName) =>
        CalculateAttributions(catalog, explainer, new AttributionOptions { OutputColumnName = outputColumnName });

    /// <summary>A pipeline step that adds <paramref name="explainer"/>'s attributions to every row, with options.</summary>
    /// <param name="catalog">The explainability catalog.</param>
    /// <param name="explainer">Any vector explainer.</param>
    /// <param name="options">The output column and the rows per explainer call.</param>
    public static AttributionEstimator CalculateAttributions(this DeepMLCatalog.ExplainabilityCatalog catalog, IVectorExplainer explainer, AttributionOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new AttributionEstimator(catalog.Context, explainer, options);
    }
}
