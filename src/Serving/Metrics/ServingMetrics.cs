namespace DeepML.Serving;

/// <summary>How a prediction request ended, as the <c>outcome</c> label of <c>deepml_requests_total</c>.</summary>
public enum RequestOutcome
{
    /// <summary>Scored (200).</summary>
    Ok,

    /// <summary>Rejected by validation (400).</summary>
    Invalid,

    /// <summary>Body over the size limit (413).</summary>
    TooLarge,

    /// <summary>The queue was full, or no model was loaded (503).</summary>
    Rejected,

    /// <summary>Not scored within the request timeout (504).</summary>
    TimedOut,

    /// <summary>The client went away first.</summary>
    Cancelled,

    /// <summary>The model failed on the rows (500).</summary>
    Failed,
}

/// <summary>
/// The service's metrics, written at <c>/metrics</c> in the Prometheus text format: requests by
/// outcome, rows and batches scored, latency and batch-size histograms, queue depth, and the model's
/// version, reloads, failed reloads and the number of loaded models not yet freed. Thread-safe.
/// </summary>
public sealed class ServingMetrics
{
    private readonly long[] _requests = new long[Enum.GetValues<RequestOutcome>().Length];
    private long _rows;
    private long _batches;
    private long _reloads;
    private long _reloadFailures;
    private long _queueDepth;
    private long _modelsAlive;

    /// <summary>Request latency, seconds, from the body read to the response written.</summary>
    public Histogram RequestSeconds { get; } = new([0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);

    /// <summary>Rows per scoring run.</summary>
    public Histogram BatchRows { get; } = new([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096, 16384]);

    /// <summary>The version serving now, or null before the first load.</summary>
    public ModelVersion? Version { get; internal set; }

    /// <summary>Requests that ended with <paramref name="outcome"/>.</summary>
    public long Requests(RequestOutcome outcome) => Interlocked.Read(ref _requests[(int)outcome]);

    /// <summary>Successful reloads (the first load is not one).</summary>
    public long Reloads => Interlocked.Read(ref _reloads);

    /// <summary>Reloads rejected (unreadable file, wrong schema, failing self-test); the old model kept serving.</summary>
    public long ReloadFailures => Interlocked.Read(ref _reloadFailures);

    /// <summary>Loaded models whose native sessions are not yet freed (the serving one, plus old ones still leased).</summary>
    public long ModelsAlive => Interlocked.Read(ref _modelsAlive);

    /// <summary>Requests waiting for a batch.</summary>
    public long QueueDepth => Interlocked.Read(ref _queueDepth);

    internal void Request(RequestOutcome outcome, double seconds)
    {
        Interlocked.Increment(ref _requests[(int)outcome]);
        RequestSeconds.Observe(seconds);
    }

    internal void Batch(int rows)
    {
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _rows, rows);
        BatchRows.Observe(rows);
    }

    internal void Reloaded() => Interlocked.Increment(ref _reloads);

    internal void ReloadFailed() => Interlocked.Increment(ref _reloadFailures);

    internal void ModelLoaded() => Interlocked.Increment(ref _modelsAlive);

    internal void ModelFreed() => Interlocked.Decrement(ref _modelsAlive);

    internal void Queued(int delta) => Interlocked.Add(ref _queueDepth, delta);

    /// <summary>All metrics in the Prometheus text format 0.0.4.</summary>
    public string ToPrometheusText()
    {
        var text = new PrometheusText().Family("deepml_requests_total", "counter", "Prediction requests by outcome.");
        foreach (var outcome in Enum.GetValues<RequestOutcome>())
            text.Sample("deepml_requests_total", Requests(outcome), ("outcome", Label(outcome)));
        text.Family("deepml_rows_scored_total", "counter", "Rows scored.").Sample("deepml_rows_scored_total", Interlocked.Read(ref _rows))
            .Family("deepml_batches_total", "counter", "Scoring runs (one per micro-batch).").Sample("deepml_batches_total", Interlocked.Read(ref _batches))
            .Histogram("deepml_request_duration_seconds", "Prediction request latency in seconds.", RequestSeconds)
            .Histogram("deepml_batch_rows", "Rows per scoring run.", BatchRows)
            .Family("deepml_queue_depth", "gauge", "Requests waiting for a batch.").Sample("deepml_queue_depth", QueueDepth)
            .Family("deepml_model_loaded", "gauge", "1 when a model is loaded and serving.").Sample("deepml_model_loaded", Version is null ? 0 : 1)
            .Family("deepml_model_version", "gauge", "The serving model's load number (1 for the first load, +1 per reload).").Sample("deepml_model_version", Version?.Number ?? 0)
            .Family("deepml_model_info", "gauge", "The serving model's version tag (load number and content hash), value 1.");
        if (Version is { } version)
            text.Sample("deepml_model_info", 1, ("version", version.Tag));
        return text.Family("deepml_model_reloads_total", "counter", "Successful hot reloads.").Sample("deepml_model_reloads_total", Reloads)
            .Family("deepml_model_reload_failures_total", "counter", "Rejected hot reloads (the old model kept serving).").Sample("deepml_model_reload_failures_total", ReloadFailures)
            .Family("deepml_models_alive", "gauge", "Loaded models not yet disposed (the serving one plus old ones still leased by a batch).").Sample("deepml_models_alive", ModelsAlive)
            .ToString();
    }

    private static string Label(RequestOutcome outcome) => outcome switch
    {
        RequestOutcome.TooLarge => "too_large",
        RequestOutcome.TimedOut => "timed_out",
        _ => outcome.ToString().ToLowerInvariant(),
    };
}
