namespace DeepML.Serving;

/// <summary>
/// How a model is served: the model file, the device, micro-batching, request limits and hot reload.
/// Immutable; every property is validated when it is set and an invalid value throws an
/// <see cref="ArgumentException"/> naming the option.
/// </summary>
/// <example><code>builder.Services.AddDeepMLModel(new ServingOptions { ModelPath = "model.zip", BatchWindow = TimeSpan.FromMilliseconds(2) });</code></example>
public sealed class ServingOptions
{
    private readonly string _modelPath = "";
    private readonly string _device = "cpu";
    private readonly TimeSpan _batchWindow = TimeSpan.FromMilliseconds(2);
    private readonly int _maxBatchRows = 512;
    private readonly int _maxRowsPerRequest = 1024;
    private readonly int _queueCapacity = 4096;
    private readonly int _maxConcurrentBatches = 1;
    private readonly long _maxRequestBodyBytes = 1 << 20;
    private readonly TimeSpan _requestTimeout = TimeSpan.FromSeconds(10);
    private readonly TimeSpan _reloadDebounce = TimeSpan.FromMilliseconds(250);
    private readonly TimeSpan _pollInterval = TimeSpan.FromSeconds(2);
    private readonly IReadOnlyList<string>? _outputColumns;
    private readonly int _intraOpThreads;

    /// <summary>The model zip written by <c>ml.Model.Save</c>; loaded at start and watched for changes. Required.</summary>
    public string ModelPath
    {
        get => _modelPath;
        init => _modelPath = !string.IsNullOrWhiteSpace(value)
            ? value
            : throw new ArgumentException("ServingOptions: ModelPath is empty. Set it to the model zip written by ml.Model.Save.", nameof(ModelPath));
    }

    /// <summary><c>"cpu"</c> (default), <c>"cuda"</c> or <c>"cuda:N"</c>: where DeepML networks are scored (see <see cref="ScoringOptions.Device"/>).</summary>
    public string Device
    {
        get => _device;
        init
        {
            try
            {
                _ = new ScoringOptions { Device = value };
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException(e.Message.Replace("ScoringOptions:", "ServingOptions:", StringComparison.Ordinal).Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal), nameof(Device), e);
            }
            _device = value;
        }
    }

    /// <summary>Threads ONNX Runtime uses inside one operator; 0 (default) lets ONNX Runtime choose.</summary>
    public int IntraOpThreads
    {
        get => _intraOpThreads;
        init => _intraOpThreads = value >= 0
            ? value
            : throw new ArgumentException($"ServingOptions: IntraOpThreads must be ≥ 0 (0 lets ONNX Runtime choose), got {value}.", nameof(IntraOpThreads));
    }

    /// <summary>
    /// How long the batcher waits, after the first request of a batch arrives, for more requests to
    /// score in the same run (default 2 ms; at most 1 s). <see cref="TimeSpan.Zero"/> turns micro-batching
    /// off: each request is scored alone, on its own thread.
    /// </summary>
    public TimeSpan BatchWindow
    {
        get => _batchWindow;
        init => _batchWindow = value >= TimeSpan.Zero && value <= TimeSpan.FromSeconds(1)
            ? value
            : throw new ArgumentException($"ServingOptions: BatchWindow must be between 0 (no batching) and 1 s, got {value.TotalMilliseconds} ms. 1 to 5 ms is typical.", nameof(BatchWindow));
    }

    /// <summary>A batch closes when it holds this many rows (default 512; 1 to 65,536), even before the window ends.</summary>
    public int MaxBatchRows
    {
        get => _maxBatchRows;
        init => _maxBatchRows = value is >= 1 and <= 65_536
            ? value
            : throw new ArgumentException($"ServingOptions: MaxBatchRows must be between 1 and 65536, got {value}.", nameof(MaxBatchRows));
    }

    /// <summary>The most rows one request may send (default 1024; 1 to 65,536); more is a 400.</summary>
    public int MaxRowsPerRequest
    {
        get => _maxRowsPerRequest;
        init => _maxRowsPerRequest = value is >= 1 and <= 65_536
            ? value
            : throw new ArgumentException($"ServingOptions: MaxRowsPerRequest must be between 1 and 65536, got {value}.", nameof(MaxRowsPerRequest));
    }

    /// <summary>Requests that may wait for a batch (default 4096); when the queue is full a request gets 503 with Retry-After.</summary>
    public int QueueCapacity
    {
        get => _queueCapacity;
        init => _queueCapacity = value >= 1
            ? value
            : throw new ArgumentException($"ServingOptions: QueueCapacity must be ≥ 1, got {value}.", nameof(QueueCapacity));
    }

    /// <summary>Batches scored at the same time (default 1; 1 to 64). More helps when one run cannot use every core.</summary>
    public int MaxConcurrentBatches
    {
        get => _maxConcurrentBatches;
        init => _maxConcurrentBatches = value is >= 1 and <= 64
            ? value
            : throw new ArgumentException($"ServingOptions: MaxConcurrentBatches must be between 1 and 64, got {value}.", nameof(MaxConcurrentBatches));
    }

    /// <summary>The largest request body accepted, in bytes (default 1 MiB); a larger one is a 413.</summary>
    public long MaxRequestBodyBytes
    {
        get => _maxRequestBodyBytes;
        init => _maxRequestBodyBytes = value >= 2
            ? value
            : throw new ArgumentException($"ServingOptions: MaxRequestBodyBytes must be ≥ 2 bytes, got {value}.", nameof(MaxRequestBodyBytes));
    }

    /// <summary>How long a request may wait for its scores (default 10 s); past it the request gets 504.</summary>
    public TimeSpan RequestTimeout
    {
        get => _requestTimeout;
        init => _requestTimeout = value > TimeSpan.Zero
            ? value
            : throw new ArgumentException($"ServingOptions: RequestTimeout must be positive, got {value.TotalMilliseconds} ms.", nameof(RequestTimeout));
    }

    /// <summary>Whether the model file is watched and reloaded when it changes (default true).</summary>
    public bool WatchModelFile { get; init; } = true;

    /// <summary>Quiet time after the last change event before the file is reloaded (default 250 ms), so a file being written is read once, whole.</summary>
    public TimeSpan ReloadDebounce
    {
        get => _reloadDebounce;
        init => _reloadDebounce = value >= TimeSpan.Zero
            ? value
            : throw new ArgumentException($"ServingOptions: ReloadDebounce must be ≥ 0, got {value.TotalMilliseconds} ms.", nameof(ReloadDebounce));
    }

    /// <summary>How often the file's timestamp and size are polled as well (default 2 s): file-system events are lost on some volumes (network shares, some container mounts).</summary>
    public TimeSpan PollInterval
    {
        get => _pollInterval;
        init => _pollInterval = value >= TimeSpan.FromMilliseconds(10)
            ? value
            : throw new ArgumentException($"ServingOptions: PollInterval must be at least 10 ms, got {value.TotalMilliseconds} ms.", nameof(PollInterval));
    }

    /// <summary>
    /// The output columns returned per row; null (default) returns <c>Score</c>, <c>Probability</c> and
    /// <c>PredictedLabel</c>, those of them the model has. A named column the model lacks fails the load.
    /// </summary>
    public IReadOnlyList<string>? OutputColumns
    {
        get => _outputColumns;
        init => _outputColumns = value is null ? null
            : value.Count > 0 && value.All(c => !string.IsNullOrWhiteSpace(c)) ? value.ToArray()
            : throw new ArgumentException("ServingOptions: OutputColumns must be null (Score, Probability, PredictedLabel) or a non-empty list of column names without blanks.", nameof(OutputColumns));
    }

    /// <summary>The scoring options handed to <c>ml.DeepML().Model.Load</c>.</summary>
    internal ScoringOptions Scoring() => new() { Device = Device, IntraOpThreads = IntraOpThreads, BatchSize = Math.Max(MaxBatchRows, MaxRowsPerRequest) };
}
