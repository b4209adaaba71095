namespace DeepML;

/// <summary>How activations get their int8 scale.</summary>
public enum QuantizationMethod
{
    /// <summary>
    /// Dynamic: weights are stored as int8; each activation is quantized at run time from its own range (per row, or per batch as
    /// ONNX Runtime's Python <c>quantize_dynamic</c> does: see <see cref="DynamicActivationScale"/>), then <c>MatMulInteger</c> →
    /// <c>Cast</c> → scale <c>Mul</c> → bias <c>Add</c>. No calibration data. Dense layers and attention projections only.
    /// </summary>
    Dynamic,

    /// <summary>
    /// Static, QDQ format: <c>QuantizeLinear</c>/<c>DequantizeLinear</c> pairs on weights (int8), biases (int32) and
    /// activations, whose ranges come from a calibration data view. Dense, Conv1d/Conv2d and attention projections.
    /// </summary>
    Static,
}

/// <summary>How dynamic quantization scales activations at run time.</summary>
public enum DynamicActivationScale
{
    /// <summary>
    /// One symmetric scale per row (per token for sequence inputs): <c>max|x_row| / 127</c>, uint8 zero point 128. A row's score does not
    /// depend on the rows scored with it, so batched <c>Transform</c>, <c>PredictionEngine</c> and ML.NET's row-at-a-time
    /// <c>OnnxTransformer</c> (plain <c>ml.Model.Load</c>) agree bit for bit. Written with standard operators (<c>ReduceMax</c>,
    /// <c>Round</c>, <c>Clip</c>, <c>Cast</c>); ONNX Runtime does not fuse them into one kernel.
    /// </summary>
    PerRow,

    /// <summary>
    /// ONNX Runtime's <c>quantize_dynamic</c> graph: one <c>DynamicQuantizeLinear</c> (asymmetric uint8) over the whole input tensor, which
    /// ONNX Runtime fuses with the <c>MatMulInteger</c> into its <c>DynamicQuantizeMatMul</c> kernel. The scale comes from the whole batch,
    /// so a row's score changes (slightly) with the rows batched with it: batched scoring, <c>PredictionEngine</c> and plain
    /// <c>ml.Model.Load</c> (one row per run) do not agree bit for bit.
    /// </summary>
    PerBatch,
}

/// <summary>How a static activation range is chosen from the calibration values.</summary>
public enum CalibrationMethod
{
    /// <summary>The observed minimum and maximum.</summary>
    MinMax,

    /// <summary>The <see cref="QuantizationOptions.Percentile"/>-th and (100 − percentile)-th percentiles of the observed values (sorted-index rule).</summary>
    Percentile,

    /// <summary>
    /// The clipping threshold T ≤ max|x| that minimises the KL divergence between the histogram of |x| and its 128-level
    /// quantized form (TensorRT's entropy calibration, as ONNX Runtime's <c>CalibrationMethod.Entropy</c>); the range is the
    /// observed one clipped to [−T, T].
    /// </summary>
    Entropy,
}

/// <summary>The integer type of quantized activations (weights are always int8).</summary>
public enum QuantizedActivationType
{
    /// <summary>uint8 in [0, 255] (ONNX Runtime's default for activations).</summary>
    UInt8,

    /// <summary>int8 in [−128, 127].</summary>
    Int8,
}

/// <summary>
/// Post-training int8 quantization of a fitted DeepML network (<c>ml.DeepML().Compression.Quantize</c>).
/// Immutable; every property is validated when it is set, throwing an <see cref="ArgumentException"/> that names it.
/// </summary>
/// <remarks>
/// <para>Weights are int8, symmetric (zero point 0), scale <c>max|w| / 127</c> per tensor or per output channel
/// (<see cref="PerChannel"/>), values <c>round_half_to_even(w / scale)</c> in [−127, 127]. Static activations follow
/// <see cref="ActivationType"/> and <see cref="SymmetricActivations"/>; the ranges come from <see cref="Calibration"/>
/// over at most <see cref="MaxCalibrationRows"/> rows of the calibration view.</para>
/// </remarks>
public sealed record QuantizationOptions
{
    private readonly double _percentile = 99.99;
    private readonly int _maxCalibrationRows = 512;
    private readonly int _histogramBins = 2048;

    /// <summary>Dynamic (default, no calibration data) or static QDQ.</summary>
    public QuantizationMethod Method
    {
        get;
        init => field = Enum.IsDefined(value) ? value
            : throw new ArgumentException($"QuantizationOptions: Method {value} is not a QuantizationMethod value; use QuantizationMethod.Dynamic or QuantizationMethod.Static.", nameof(Method));
    } = QuantizationMethod.Dynamic;

    /// <summary>Dynamic only: per-row scales (default; batch-independent) or ONNX Runtime's per-batch <c>DynamicQuantizeLinear</c>.</summary>
    public DynamicActivationScale DynamicScale
    {
        get;
        init => field = Enum.IsDefined(value) ? value
            : throw new ArgumentException($"QuantizationOptions: DynamicScale {value} is not a DynamicActivationScale value; use PerRow or PerBatch.", nameof(DynamicScale));
    } = DynamicActivationScale.PerRow;

    /// <summary>Static only: how activation ranges are chosen. Default <see cref="CalibrationMethod.MinMax"/>.</summary>
    public CalibrationMethod Calibration
    {
        get;
        init => field = Enum.IsDefined(value) ? value
            : throw new ArgumentException($"QuantizationOptions: Calibration {value} is not a CalibrationMethod value; use MinMax, Percentile or Entropy.", nameof(Calibration));
    } = CalibrationMethod.MinMax;

    /// <summary>For <see cref="CalibrationMethod.Percentile"/>: the percentile p in (0, 100]; the range is [P(100 − p), P(p)]. Default 99.99.</summary>
    public double Percentile
    {
        get => _percentile;
        init => _percentile = value > 0 && value <= 100 ? value
            : throw new ArgumentException($"QuantizationOptions: Percentile must be in (0, 100], got {value}. Use for example 99.99 (clips the extreme 0.01% on each side) or 100 (= MinMax).", nameof(Percentile));
    }

    /// <summary>One weight scale per output channel (default true) or one per tensor.</summary>
    public bool PerChannel { get; init; } = true;

    /// <summary>Static only: symmetric activation ranges (int8 zero point 0, uint8 zero point 128) instead of asymmetric (default false).</summary>
    public bool SymmetricActivations { get; init; }

    /// <summary>Static only: the type of quantized activations. Default <see cref="QuantizedActivationType.UInt8"/>. Dynamic is always uint8 (<c>DynamicQuantizeLinear</c>).</summary>
    public QuantizedActivationType ActivationType
    {
        get;
        init => field = Enum.IsDefined(value) ? value
            : throw new ArgumentException($"QuantizationOptions: ActivationType {value} is not a QuantizedActivationType value; use UInt8 or Int8.", nameof(ActivationType));
    } = QuantizedActivationType.UInt8;

    /// <summary>Static only: the calibration rows read at most (the first ones of the view). Default 512; at least 1.</summary>
    public int MaxCalibrationRows
    {
        get => _maxCalibrationRows;
        init => _maxCalibrationRows = value >= 1 ? value
            : throw new ArgumentException($"QuantizationOptions: MaxCalibrationRows must be at least 1, got {value}.", nameof(MaxCalibrationRows));
    }

    /// <summary>For <see cref="CalibrationMethod.Entropy"/>: histogram bins over [0, max|x|]; at least 256 (the 128 quantized levels need room). Default 2048.</summary>
    public int HistogramBins
    {
        get => _histogramBins;
        init => _histogramBins = value >= 256 ? value
            : throw new ArgumentException($"QuantizationOptions: HistogramBins must be at least 256, got {value}. TensorRT and ONNX Runtime use 2048.", nameof(HistogramBins));
    }

    /// <summary>The scoring options of the quantized transformer (device, threads, batch size); null: those of the float transformer when it runs on ONNX Runtime, else the defaults.</summary>
    public ScoringOptions? Scoring { get; init; }
}
