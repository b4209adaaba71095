using System.Runtime.CompilerServices;
using Microsoft.ML;

namespace DeepML;

/// <summary>Adds <c>ml.DeepML()</c> to <see cref="MLContext"/>.</summary>
public static class MLContextExtensions
{
    private static readonly ConditionalWeakTable<MLContext, DeepMLCatalog> Catalogs = new();

    /// <summary>
    /// DeepML's catalog for this context. The same context always gets the same catalog object.
    /// </summary>
    /// <param name="context">The ML.NET context; its seed, log and GPU settings are used.</param>
    public static DeepMLCatalog DeepML(this MLContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Catalogs.GetValue(context, c => new DeepMLCatalog(c));
    }
}
