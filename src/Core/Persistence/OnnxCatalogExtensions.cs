using Microsoft.ML;

namespace DeepML;

/// <summary>Scoring an exported DeepML ONNX file with the batched scorer: <c>ml.DeepML().Onnx.LoadNetwork(...)</c>.</summary>
public static class OnnxCatalogExtensions
{
    /// <summary>
    /// Opens an ONNX model written by <see cref="OnnxExporter"/> (or <see cref="NetworkScoringTransformer.SaveOnnx"/>)
    /// as a fitted <see cref="NetworkScoringTransformer"/>: the task, feature column and class names come from
    /// the model's DeepML metadata, scoring runs in ONNX Runtime on the device <paramref name="options"/> names.
    /// </summary>
    /// <param name="catalog">The ONNX catalog, <c>ml.DeepML().Onnx</c>.</param>
    /// <param name="path">The ONNX file.</param>
    /// <param name="options">Device, threads and batch size; null scores on the CPU in batches of 1024.</param>
    /// <returns>The scorer; dispose it when done.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not an ONNX model written by DeepML, or it is damaged.</exception>
    public static NetworkScoringTransformer LoadNetwork(this DeepMLCatalog.OnnxCatalog catalog, string path, ScoringOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
            throw new FileNotFoundException($"DeepML Onnx.LoadNetwork: ONNX file '{full}' does not exist. Expected a file written by OnnxExporter.ExportToFile or NetworkScoringTransformer.SaveOnnx.", full);
        return LoadNetwork(catalog, File.ReadAllBytes(full), options, full);
    }

    /// <summary>
    /// Opens ONNX model bytes written by <see cref="OnnxExporter.Export"/> as a fitted <see cref="NetworkScoringTransformer"/>.
    /// </summary>
    /// <param name="catalog">The ONNX catalog, <c>ml.DeepML().Onnx</c>.</param>
    /// <param name="onnx">The ONNX model.</param>
    /// <param name="options">Device, threads and batch size; null scores on the CPU in batches of 1024.</param>
    /// <returns>The scorer; dispose it when done.</returns>
    /// <exception cref="InvalidDataException">The bytes are not an ONNX model written by DeepML, or they are damaged.</exception>
    public static NetworkScoringTransformer LoadNetwork(this DeepMLCatalog.OnnxCatalog catalog, byte[] onnx, ScoringOptions? options = null) =>
        LoadNetwork(catalog, onnx, options, $"the {onnx?.Length ?? 0} ONNX bytes");

    private static NetworkScoringTransformer LoadNetwork(DeepMLCatalog.OnnxCatalog catalog, byte[] onnx, ScoringOptions? options, string source)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(onnx);
        NetworkModel model;
        try
        {
            if (!OnnxModelMetadata.IsDeepMLModel(OnnxModelMetadata.ReadMetadataProps(onnx)))
                throw new FormatException("it has no DeepML metadata (deepml.version, deepml.spec); it was not written by OnnxExporter. Score other ONNX models with ml.Transforms.ApplyOnnxModel");
            model = Persistence.OnnxNetworkReader.Read(onnx);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"DeepML Onnx.LoadNetwork: cannot open {source}: {e.Message}. Expected an ONNX model written by OnnxExporter; export it again.", e);
        }
        var scoring = options ?? new ScoringOptions();
        var predictor = new OrtBatchPredictor(onnx, scoring);
        try
        {
            return new NetworkScoringTransformer(catalog.Context, model, predictor, (byte[])onnx.Clone(), scoring.BatchSize);
        }
        catch
        {
            predictor.Dispose();
            throw;
        }
    }
}
