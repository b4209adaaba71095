using Microsoft.ML;

namespace DeepML;

/// <summary>Loading saved ML.NET models with DeepML's fast scorer: <c>ml.DeepML().Model.Load(...)</c>.</summary>
public static class ModelCatalogExtensions
{
    /// <summary>
    /// Loads a model zip written by <c>ml.Model.Save</c> and returns it with every DeepML network
    /// scored by DeepML's batched <see cref="NetworkScoringTransformer"/> on the device that
    /// <paramref name="options"/> names, instead of ML.NET's row-at-a-time <c>OnnxTransformer</c>.
    /// Other steps of the pipeline are loaded by ML.NET unchanged.
    /// </summary>
    /// <remarks>
    /// <para>A file saved from a DeepML pipeline also loads with plain <c>ml.Model.Load</c> (same columns,
    /// same values, slower); this method is the fast path. Predictions are identical either way.</para>
    /// <para>The returned transformer owns native ONNX Runtime sessions: dispose it when done.</para>
    /// </remarks>
    /// <param name="catalog">The model catalog, <c>ml.DeepML().Model</c>.</param>
    /// <param name="path">The model zip.</param>
    /// <param name="inputSchema">The input schema saved with the model.</param>
    /// <param name="options">Device, threads and batch size for DeepML networks; null scores on the CPU.</param>
    /// <returns>The loaded model.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a readable ML.NET model zip, or a model inside it is damaged; the message names the file and the entry.</exception>
    public static ITransformer Load(this DeepMLCatalog.ModelCatalog catalog, string path, out DataViewSchema inputSchema, ScoringOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return Persistence.DeepMLModelLoader.Load(catalog.Context, path, out inputSchema, options);
    }
}
