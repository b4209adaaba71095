using DeepML.Compression.Quantization;
using Microsoft.ML;

namespace DeepML;

/// <summary>Adds post-training int8 quantization to <c>ml.DeepML().Compression</c>.</summary>
public static class QuantizationCatalog
{
    /// <summary>
    /// Quantizes a fitted DeepML network to int8 after training: Dense layers (Gemm/MatMul) and attention projections in both
    /// methods, Conv1d/Conv2d in the static one. Layers without an int8 path stay float and are listed in
    /// <see cref="QuantizationResult.FloatLayers"/>. The fitted transformer is not changed.
    /// </summary>
    /// <param name="catalog">The DeepML compression catalog.</param>
    /// <param name="fitted">A fitted float DeepML network (a trainer's result, or one loaded with <c>ml.DeepML().Model.Load</c>).</param>
    /// <param name="calibrationData">
    /// Static only (required there, ignored by dynamic): rows with the model's feature column, a known-size vector of Single of the trained size
    /// (the pipeline's featurized rows, for example <c>featurizer.Transform(train)</c>); the first <see cref="QuantizationOptions.MaxCalibrationRows"/> are read.
    /// </param>
    /// <param name="options">Method, calibration and scales; null for the defaults (dynamic, per-channel).</param>
    /// <returns>The quantized transformer, the per-layer report, the ranges and the ONNX sizes. Deterministic: the same inputs give the same ONNX bytes.</returns>
    /// <exception cref="ArgumentException">Static without calibration rows, or a calibration view without the feature column (the message lists the columns), or an already quantized network.</exception>
    public static QuantizationResult Quantize(this DeepMLCatalog.CompressionCatalog catalog, NetworkScoringTransformer fitted,
        IDataView? calibrationData = null, QuantizationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(fitted);
        return NetworkQuantizer.Quantize(catalog.Context, fitted, calibrationData, options ?? new QuantizationOptions());
    }
}
