using System.Globalization;

namespace DeepML;

/// <summary>
/// Where and how an ONNX model is scored: device, CPU fallback, threads and batch size. Immutable;
/// every property is validated when it is set and an invalid value throws an
/// <see cref="ArgumentException"/> naming the option.
/// </summary>
/// <example><code>var options = new ScoringOptions { Device = "cuda:0", FallbackToCpu = true };</code></example>
public sealed class ScoringOptions
{
    /// <summary>The largest <see cref="BatchSize"/> accepted (16 Mi rows).</summary>
    public const int MaxBatchSize = 1 << 24;

    private readonly string _device = "cpu";
    private readonly int _intraOpThreads;
    private readonly int _batchSize = 1024;

    /// <summary>
    /// <c>"cpu"</c> (default), <c>"cuda"</c> (GPU 0) or <c>"cuda:N"</c> (GPU N, N ≥ 0), case-insensitive.
    /// CUDA needs a CUDA-enabled native ONNX Runtime (see <see cref="OnnxRuntimeNative"/>).
    /// </summary>
    public string Device
    {
        get => _device;
        init
        {
            DeviceId = ParseDevice(value);
            _device = value.Trim().ToLowerInvariant();
        }
    }

    /// <summary>The CUDA device index, or null for the CPU.</summary>
    public int? DeviceId { get; private init; }

    /// <summary>
    /// When the CUDA execution provider cannot be created: false (default) throws an
    /// <see cref="ExecutionProviderUnavailableException"/> naming what is missing; true logs why and
    /// scores on the CPU instead.
    /// </summary>
    public bool FallbackToCpu { get; init; }

    /// <summary>Threads ONNX Runtime uses inside one operator; 0 (default) lets ONNX Runtime choose (one per physical core).</summary>
    public int IntraOpThreads
    {
        get => _intraOpThreads;
        init => _intraOpThreads = value >= 0
            ? value
            : throw new ArgumentException($"ScoringOptions: IntraOpThreads must be ≥ 0 (0 lets ONNX Runtime choose), got {value}.", nameof(IntraOpThreads));
    }

    /// <summary>
    /// Rows per ONNX Runtime run (default 1024; 1 to <see cref="MaxBatchSize"/>). Larger batches amortise
    /// the per-run overhead; smaller ones bound memory (on a GPU: device memory per run).
    /// </summary>
    public int BatchSize
    {
        get => _batchSize;
        init => _batchSize = value is >= 1 and <= MaxBatchSize
            ? value
            : throw new ArgumentException($"ScoringOptions: BatchSize must be between 1 and {MaxBatchSize}, got {value}. 1024 is a good default on the CPU.", nameof(BatchSize));
    }

    /// <summary>Parses a device string: null for the CPU, otherwise the CUDA device index.</summary>
    private static int? ParseDevice(string? value)
    {
        var text = value?.Trim().ToLowerInvariant();
        if (text == "cpu")
            return null;
        if (text == "cuda")
            return 0;
        if (text is not null && text.StartsWith("cuda:", StringComparison.Ordinal)
            && int.TryParse(text.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            return id;
        throw new ArgumentException(
            $"ScoringOptions: Device '{value}' is not recognised. Expected \"cpu\", \"cuda\" or \"cuda:N\" with N a GPU index ≥ 0 (for example \"cuda:0\").",
            nameof(Device));
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"Device={Device}, FallbackToCpu={FallbackToCpu}, IntraOpThreads={IntraOpThreads}, BatchSize={BatchSize}";
}
