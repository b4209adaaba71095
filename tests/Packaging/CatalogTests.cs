using System.Reflection;
using System.Runtime.CompilerServices;

namespace DeepML.Packaging.Tests;

/// <summary>A public sub-catalog of <c>ml.DeepML()</c> exists only when a DeepML package puts members on it.</summary>
public sealed class CatalogTests
{
    [Fact]
    public void Every_public_sub_catalog_has_extension_methods_in_the_packages()
    {
        Assembly[] packages = [typeof(DeepMLCatalog).Assembly, typeof(NeuralNetworkOptions).Assembly, typeof(DeepML.Fairness.GroupMetrics).Assembly,
            typeof(DeepML.Explainability.Attributions).Assembly, typeof(DeepML.Tuning.Study).Assembly];
        var extended = packages.SelectMany(a => a.GetExportedTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static))
            .Where(m => m.IsDefined(typeof(ExtensionAttribute)))
            .Select(m => m.GetParameters()[0].ParameterType)
            .ToHashSet();
        var subCatalogs = typeof(DeepMLCatalog).GetProperties()
            .Where(p => p.PropertyType.IsSubclassOf(typeof(DeepMLCatalog.SubCatalog)))
            .ToDictionary(p => p.Name, p => p.PropertyType);

        Assert.Equal(["Augmentation", "BinaryClassification", "Compression", "Explainability", "Fairness", "Model", "MulticlassClassification", "Onnx", "Regression", "Tuning"],
            subCatalogs.Keys.Order(StringComparer.Ordinal).ToArray());
        Assert.Empty(subCatalogs.Where(c => !extended.Contains(c.Value)).Select(c => c.Key));
        // Nested catalog types nobody can reach are gone as well.
        var nested = typeof(DeepMLCatalog).GetNestedTypes().Where(t => t.IsSubclassOf(typeof(DeepMLCatalog.SubCatalog))).Select(t => t.Name);
        Assert.Equal(subCatalogs.Values.Select(t => t.Name).Order(StringComparer.Ordinal), nested.Order(StringComparer.Ordinal));
    }
}
