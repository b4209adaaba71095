using DeepML.Explainability;
using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace DeepML;

/// <summary>LIME on <c>ml.DeepML().Explainability</c>.</summary>
public static class LimeCatalogExtensions
{
    /// <summary>
    /// LIME for tabular data: a weighted linear surrogate of <paramref name="model"/> around each explained row
    /// (see <see cref="LimeExplainer"/>).
    /// </summary>
    /// <param name="catalog">The explainability catalog.</param>
    /// <param name="model">A fitted model that reads the feature column.</param>
    /// <param name="trainingData">Data with the feature column: its quartiles and values are what perturbations are drawn from (the model's training data).</param>
    /// <param name="options">Options; null for lime's defaults (5,000 samples, kernel width 0.75·√M, ridge α 1).</param>
    /// <example><code>
    /// var lime = ml.DeepML().Explainability.Lime(model, trainFeatures, new LimeOptions { Grouping = FeatureGrouping.SourceColumns() });
    /// LimeExplanations e = lime.ExplainWithFit(testFeatures, maxRows: 10);
    /// </code></example>
    public static LimeExplainer Lime(this DeepMLCatalog.ExplainabilityCatalog catalog, ITransformer model, IDataView trainingData, LimeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        const string component = "Lime";
        var o = options ?? new LimeOptions();
        var seed = o.Seed ?? ((IHostEnvironment)catalog.Context).Register(component).Rand.Next();
        return new LimeExplainer(component, model, trainingData, o, seed);
    }
}
