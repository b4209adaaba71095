using DeepML.Explainability;
using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace DeepML;

/// <summary>The Shapley explainers on <c>ml.DeepML().Explainability</c>.</summary>
public static class ShapleyCatalogExtensions
{
    /// <summary>Background rows when none is given: this many weighted k-means centroids of <c>data</c>.</summary>
    public const int DefaultBackgroundClusters = 10;

    /// <summary>
    /// Exact Shapley values of <paramref name="model"/>'s output: every coalition of the feature groups
    /// is evaluated (2^M per row), so keep M small (<see cref="ExactShapleyOptions.MaxFeatures"/>;
    /// group one-hot blocks with <see cref="FeatureGrouping.SourceColumns"/>).
    /// </summary>
    /// <param name="catalog">The explainability catalog.</param>
    /// <param name="model">A fitted model that reads the feature column (the trainer's transformer, or a pipeline starting at the features).</param>
    /// <param name="data">Data with the feature column: gives its size and slot names, and the default background.</param>
    /// <param name="options">Options; null for the defaults.</param>
    /// <param name="background">The background; null summarises <paramref name="data"/> by <see cref="DefaultBackgroundClusters"/> k-means centroids.</param>
    /// <example><code>
    /// var shap = ml.DeepML().Explainability.ExactShapley(model.LastTransformer, features,
    ///     new ExactShapleyOptions { Grouping = FeatureGrouping.SourceColumns() });
    /// Attributions a = shap.Explain(testFeatures, maxRows: 100);
    /// </code></example>
    public static ShapleyExplainer ExactShapley(this DeepMLCatalog.ExplainabilityCatalog catalog, ITransformer model, IDataView data,
        ExactShapleyOptions? options = null, Background? background = null)
    {
        const string component = "ExactShapley";
        options ??= new ExactShapleyOptions();
        return Create(catalog, component, model, data, options, background, groups =>
        {
            if (groups > options.MaxFeatures)
                throw new ArgumentException($"{component}: {groups} features give 2^{groups} = {1L << groups:N0} coalitions per row, more than MaxFeatures = {options.MaxFeatures} allows. " +
                    "Group the slots (Grouping = FeatureGrouping.SourceColumns()), raise MaxFeatures (at most 24), or use KernelShap, PermutationShap or, for trees, TreeShap.", nameof(options));
            return new ExactShapley(groups);
        });
    }

    /// <summary>KernelSHAP estimates of <paramref name="model"/>'s Shapley values (exact when the sample budget covers every coalition).</summary>
    /// <param name="catalog">The explainability catalog.</param>
    /// <param name="model">A fitted model that reads the feature column.</param>
    /// <param name="data">Data with the feature column: gives its size and slot names, and the default background.</param>
    /// <param name="options">Options; null for the defaults.</param>
    /// <param name="background">The background; null summarises <paramref name="data"/> by <see cref="DefaultBackgroundClusters"/> k-means centroids.</param>
    public static ShapleyExplainer KernelShap(this DeepMLCatalog.ExplainabilityCatalog catalog, ITransformer model, IDataView data,
        KernelShapOptions? options = null, Background? background = null)
    {
        options ??= new KernelShapOptions();
        return Create(catalog, "KernelShap", model, data, options, background, groups => new KernelShap(options.Samples ?? 2 * groups + 2048));
    }

    /// <summary>Permutation SHAP (antithetic orders) estimates of <paramref name="model"/>'s Shapley values; local accuracy is exact.</summary>
    /// <param name="catalog">The explainability catalog.</param>
    /// <param name="model">A fitted model that reads the feature column.</param>
    /// <param name="data">Data with the feature column: gives its size and slot names, and the default background.</param>
    /// <param name="options">Options; null for the defaults.</param>
    /// <param name="background">The background; null summarises <paramref name="data"/> by <see cref="DefaultBackgroundClusters"/> k-means centroids.</param>
    public static ShapleyExplainer PermutationShap(this DeepMLCatalog.ExplainabilityCatalog catalog, ITransformer model, IDataView data,
        PermutationShapOptions? options = null, Background? background = null)
    {
        options ??= new PermutationShapOptions();
        return Create(catalog, "PermutationShap", model, data, options, background, _ => new PermutationShap(options.Permutations));
    }

    private static ShapleyExplainer Create(DeepMLCatalog.ExplainabilityCatalog catalog, string component, ITransformer model, IDataView data,
        ShapleyOptions options, Background? background, Func<int, IShapleyMethod> method)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        var seed = options.Seed ?? ((IHostEnvironment)catalog.Context).Register(component).Rand.Next();
        if (background is null)
        {
            ColumnChecks.RequireFloatVector(ColumnChecks.Find(data.Schema, component, "feature", options.FeatureColumnName), component, "feature");
            background = Background.KMeans(data, DefaultBackgroundClusters, seed, options.FeatureColumnName);
        }
        return new ShapleyExplainer(component, model, data, background, options, seed, method);
    }
}
