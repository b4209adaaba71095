using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DeepML.Serving;

/// <summary>
/// Server-side micro-batching: requests wait in a bounded queue; a batch closes when it holds
/// <see cref="ServingOptions.MaxBatchRows"/> rows or when <see cref="ServingOptions.BatchWindow"/> has
/// passed since its first request; the batch is scored in one run on one model version (held by a
/// <see cref="ModelLease"/> for the whole run) and each request gets its own rows back. A request
/// cancelled before its batch runs is dropped from it. When the run fails, each request of the batch
/// is scored alone, so a failing row fails only its own request. A full queue throws
/// <see cref="QueueFullException"/>. With a zero window there is no queue: each request is scored
/// on the caller's thread, row by row, by a pooled one-row engine (per-request scoring, as a pool of
/// <c>PredictionEngine</c>s would).
/// </summary>
/// <remarks>Thread-safe. <see cref="ServingOptions.MaxConcurrentBatches"/> batches run at once.</remarks>
public sealed class MicroBatcher : BackgroundService
{
    private readonly ModelHost _host;
    private readonly ServingOptions _options;
    private readonly ServingMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Channel<Pending> _queue;

    /// <summary>A batcher over <paramref name="host"/>'s serving model.</summary>
    public MicroBatcher(ModelHost host, ServingOptions options, ServingMetrics metrics, ILogger<MicroBatcher> logger)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(logger);
        (_host, _options, _metrics, _logger) = (host, options, metrics, logger);
        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // TryWrite fails when full: the request gets 503, nothing is dropped silently
            SingleReader = options.MaxConcurrentBatches == 1,
        });
    }

    /// <summary>Scores one request's rows; completes when its batch has run.</summary>
    /// <exception cref="QueueFullException">The queue is full.</exception>
    /// <exception cref="ModelNotReadyException">No model is loaded.</exception>
    /// <exception cref="ScoringFailedException">The model failed on these rows.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    public Task<ScoredRequest> Score(RequestRows rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        cancellationToken.ThrowIfCancellationRequested();
        if (_options.BatchWindow == TimeSpan.Zero)
            return Task.FromResult(ScoreAlone(rows));
        var pending = new Pending(rows, cancellationToken);
        // Registered before the write, so that a batch that finishes the request at once always finds it to dispose.
        pending.Registration = cancellationToken.Register(static p => ((Pending)p!).Completion.TrySetCanceled(), pending);
        if (!_queue.Writer.TryWrite(pending))
        {
            pending.Registration.Dispose();
            throw new QueueFullException(_options.QueueCapacity);
        }
        _metrics.Queued(1);
        return pending.Completion.Task;
    }

    private ScoredRequest ScoreAlone(RequestRows rows)
    {
        using var lease = _host.Acquire() ?? throw new ModelNotReadyException();
        try
        {
            var scored = lease.ScoreEachRow(rows.Rows);
            _metrics.Batch(rows.Count);
            return new ScoredRequest(lease.Version, lease.OutputNames, scored, rows.Count);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new ScoringFailedException(e);
        }
    }

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        _options.BatchWindow == TimeSpan.Zero ? Task.CompletedTask
            : Task.WhenAll(Enumerable.Range(0, _options.MaxConcurrentBatches).Select(_ => Task.Run(() => Loop(stoppingToken), CancellationToken.None)));

    /// <summary>Stops taking requests; those already queued are scored before the service stops.</summary>
    public override Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        return base.StopAsync(cancellationToken);
    }

    private async Task Loop(CancellationToken stoppingToken)
    {
        Pending? carry = null;
        var batch = new List<Pending>();
        while (carry is not null || await _queue.Reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            batch.Clear();
            if (carry is not null)
                (batch, carry) = ([carry], null);
            else if (_queue.Reader.TryRead(out var first))
                batch.Add(first);
            else
                continue;
            carry = await Fill(batch, stoppingToken).ConfigureAwait(false);
            Run(batch);
        }
    }

    /// <summary>Adds requests until the batch is full or the window has passed; returns a request that did not fit.</summary>
    private async Task<Pending?> Fill(List<Pending> batch, CancellationToken stoppingToken)
    {
        var rows = batch[0].Rows.Count;
        var deadline = Stopwatch.GetTimestamp() + (long)(_options.BatchWindow.TotalSeconds * Stopwatch.Frequency);
        while (rows < _options.MaxBatchRows)
        {
            if (_queue.Reader.TryRead(out var next))
            {
                if (rows + next.Rows.Count > _options.MaxBatchRows)
                    return next;
                batch.Add(next);
                rows += next.Rows.Count;
                continue;
            }
            var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
            if (left <= TimeSpan.Zero || stoppingToken.IsCancellationRequested)
                break;
            using var wait = new CancellationTokenSource(left);
            try
            {
                if (!await _queue.Reader.WaitToReadAsync(wait.Token).ConfigureAwait(false))
                    break; // completed: no more requests will come
            }
            catch (OperationCanceledException)
            {
                break; // the window has passed
            }
        }
        return null;
    }

    private void Run(List<Pending> batch)
    {
        _metrics.Queued(-batch.Count);
        batch.RemoveAll(p =>
        {
            var dropped = p.CancellationToken.IsCancellationRequested || p.Completion.Task.IsCompleted;
            if (dropped)
                p.Finish(null);
            return dropped;
        });
        if (batch.Count == 0)
            return;
        using var lease = _host.Acquire();
        if (lease is null)
        {
            foreach (var p in batch)
                p.Finish(new ModelNotReadyException());
            return;
        }
        var all = batch.Count == 1 ? batch[0].Rows.Rows : batch.SelectMany(p => p.Rows.Rows).ToList();
        object?[][] scored;
        try
        {
            scored = lease.Score(all);
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "DeepML Serving: a batch of {Requests} requests ({Rows} rows) failed on model {Version}; scoring its requests one by one.", batch.Count, all.Count, lease.Version.Tag);
            foreach (var p in batch)
                RunAlone(p, lease);
            return;
        }
        _metrics.Batch(all.Count);
        var offset = 0;
        foreach (var p in batch)
        {
            var mine = new ArraySegment<object?[]>(scored, offset, p.Rows.Count);
            offset += p.Rows.Count;
            p.Finish(null, new ScoredRequest(lease.Version, lease.OutputNames, mine, all.Count));
        }
    }

    private void RunAlone(Pending p, ModelLease lease)
    {
        try
        {
            var scored = lease.Score(p.Rows.Rows);
            _metrics.Batch(p.Rows.Count);
            p.Finish(null, new ScoredRequest(lease.Version, lease.OutputNames, scored, p.Rows.Count));
        }
        catch (Exception e)
        {
            p.Finish(new ScoringFailedException(e));
        }
    }

    /// <summary>A request waiting for its batch.</summary>
    private sealed class Pending(RequestRows rows, CancellationToken cancellationToken)
    {
        public RequestRows Rows { get; } = rows;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        public TaskCompletionSource<ScoredRequest> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationTokenRegistration Registration { get; set; }

        /// <summary>Completes the request (cancelled when both are null) and drops the cancellation callback.</summary>
        public void Finish(Exception? error, ScoredRequest? result = null)
        {
            Registration.Dispose();
            if (result is not null)
                Completion.TrySetResult(result);
            else if (error is not null)
                Completion.TrySetException(error);
            else
                Completion.TrySetCanceled(CancellationToken);
        }
    }
}
