namespace DeepML;

/// <summary>A layer whose weights are int8 in the quantized graph.</summary>
/// <param name="Path">The layer's path in the network (<c>"0"</c>, <c>"2.body.1"</c>).</param>
/// <param name="Kind">The layer kind, for example <c>"Dense"</c>.</param>
/// <param name="Weights">The weights stored as int8 (full names, for example <c>"0.weight"</c>).</param>
public sealed record QuantizedLayer(string Path, string Kind, IReadOnlyList<string> Weights);

/// <summary>A layer with weights that stays float in the quantized graph, and why.</summary>
/// <param name="Path">The layer's path in the network.</param>
/// <param name="Kind">The layer kind, for example <c>"LayerNorm"</c>.</param>
/// <param name="Reason">Why it has no int8 path here.</param>
public sealed record FloatLayer(string Path, string Kind, string Reason);

/// <summary>The calibrated range of one activation tensor of a static (QDQ) graph and the scale and zero point written for it.</summary>
/// <param name="Tensor">The ONNX tensor name.</param>
/// <param name="Min">The lower end of the range the calibration method chose (before it is widened to contain 0).</param>
/// <param name="Max">The upper end of that range.</param>
/// <param name="Scale">The <c>QuantizeLinear</c> scale written.</param>
/// <param name="ZeroPoint">The zero point written.</param>
public sealed record ActivationRange(string Tensor, float Min, float Max, float Scale, int ZeroPoint);

/// <summary>
/// The outcome of <c>ml.DeepML().Compression.Quantize</c>: the quantized, scorable and saveable transformer, which layers are
/// int8 and which stay float, the calibrated ranges (static only) and the ONNX sizes before and after.
/// </summary>
/// <remarks>The caller owns <see cref="Transformer"/> (dispose it when done); the float transformer is not changed.</remarks>
public sealed class QuantizationResult
{
    internal QuantizationResult(NetworkScoringTransformer transformer, IReadOnlyList<QuantizedLayer> quantized, IReadOnlyList<FloatLayer> floats,
        IReadOnlyList<ActivationRange> ranges, long floatBytes, long quantizedBytes, int calibrationRows, QuantizationOptions options)
    {
        Transformer = transformer;
        QuantizedLayers = quantized;
        FloatLayers = floats;
        ActivationRanges = ranges;
        FloatOnnxBytes = floatBytes;
        QuantizedOnnxBytes = quantizedBytes;
        CalibrationRows = calibrationRows;
        Options = options;
    }

    /// <summary>
    /// The quantized model: the same columns as the float one (<c>Score</c>, <c>PredictedLabel</c>, <c>Probability</c>), scored by ONNX
    /// Runtime over the int8 graph, which <c>ExportOnnx</c> returns and <c>ml.Model.Save</c> stores. Its
    /// <see cref="NetworkScoringTransformer.Model"/> holds the dequantized weights (what the int8 values stand for).
    /// </summary>
    public NetworkScoringTransformer Transformer { get; }

    /// <summary>The layers whose weights are int8, in network order.</summary>
    public IReadOnlyList<QuantizedLayer> QuantizedLayers { get; }

    /// <summary>The layers with weights that stay float, with the reason, in network order.</summary>
    public IReadOnlyList<FloatLayer> FloatLayers { get; }

    /// <summary>
    /// Static: the calibrated tensors, first each quantized node's input then each node's output (graph outputs excepted), in node order;
    /// dynamic: empty (the scales are computed at run time).
    /// </summary>
    public IReadOnlyList<ActivationRange> ActivationRanges { get; }

    /// <summary>Size of the float ONNX model in bytes.</summary>
    public long FloatOnnxBytes { get; }

    /// <summary>Size of the quantized ONNX model in bytes.</summary>
    public long QuantizedOnnxBytes { get; }

    /// <summary>Static: the calibration rows read; dynamic: 0.</summary>
    public int CalibrationRows { get; }

    /// <summary>The options used.</summary>
    public QuantizationOptions Options { get; }
}
