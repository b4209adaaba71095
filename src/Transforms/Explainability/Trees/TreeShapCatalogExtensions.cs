using DeepML.Explainability;
using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace DeepML;

/// <summary>TreeSHAP on <c>ml.DeepML().Explainability</c>.</summary>
public static class TreeShapCatalogExtensions
{
    /// <summary>
    /// TreeSHAP for a FastTree, FastForest or LightGBM model: exact Shapley values of its raw score,
    /// path-dependent (covers counted from <paramref name="data"/>) or interventional (against a background).
    /// </summary>
    /// <param name="catalog">The explainability catalog.</param>
    /// <param name="model">The tree model's prediction transformer (for a pipeline: <c>model.LastTransformer</c>), calibrated or not.</param>
    /// <param name="data">Data with the model's feature column (the training data): the node covers, or the default background.</param>
    /// <param name="options">Options; null for the defaults (path-dependent, per slot).</param>
    /// <example><code>
    /// var trees = pipeline.Fit(train);
    /// var features = trees.Transform(train);   // has the Features column the trees read
    /// var shap = ml.DeepML().Explainability.TreeShap(trees.LastTransformer, features);
    /// var a = shap.Explain(trees.Transform(test));
    /// </code></example>
    public static TreeShapExplainer TreeShap(this DeepMLCatalog.ExplainabilityCatalog catalog, ITransformer model, IDataView data, TreeShapOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(data);
        const string component = "TreeShap";
        options ??= new TreeShapOptions();
        var trees = TreeEnsembleView.Read(model, component);
        var seed = options.Seed ?? ((IHostEnvironment)catalog.Context).Register(component).Rand.Next();
        return new TreeShapExplainer(component, trees, data, options, seed);
    }
}
