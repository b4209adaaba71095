using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DeepML.Serving;

/// <summary>
/// Loads the model when the service starts and reloads it when the file changes: a
/// <see cref="FileSystemWatcher"/> on the file's folder plus polling of its time and size every
/// <see cref="ServingOptions.PollInterval"/> (events are lost on some volumes), debounced by
/// <see cref="ServingOptions.ReloadDebounce"/> so that a file being written is read once it is quiet.
/// Write new models atomically (write a temporary file in the same folder, then rename it over the
/// old one); a half-written file that is read anyway fails the load and is rejected.
/// </summary>
public sealed class ModelFileWatcher : BackgroundService
{
    private readonly ModelHost _host;
    private readonly ServingOptions _options;
    private readonly ILogger _logger;
    private readonly Channel<bool> _changes = Channel.CreateUnbounded<bool>(new UnboundedChannelOptions { SingleReader = true });
    private FileSystemWatcher? _watcher;

    /// <summary>A watcher for <paramref name="host"/>'s file.</summary>
    public ModelFileWatcher(ModelHost host, ServingOptions options, ILogger<ModelFileWatcher> logger)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        (_host, _options, _logger) = (host, options, logger);
    }

    /// <summary>Loads the model (a failure is logged and leaves the service not ready), then starts watching.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await _host.Reload(cancellationToken).ConfigureAwait(false);
        if (_options.WatchModelFile)
        {
            var folder = Path.GetDirectoryName(_host.ModelPath)!;
            if (Directory.Exists(folder))
            {
                _watcher = new FileSystemWatcher(folder, Path.GetFileName(_host.ModelPath))
                {
                    NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
                };
                _watcher.Changed += (_, _) => _changes.Writer.TryWrite(true);
                _watcher.Created += (_, _) => _changes.Writer.TryWrite(true);
                _watcher.Renamed += (_, _) => _changes.Writer.TryWrite(true);
                _watcher.Error += (_, e) => _logger.LogWarning(e.GetException(), "DeepML Serving: file events for {Path} were lost; polling every {Poll} ms continues.", _host.ModelPath, _options.PollInterval.TotalMilliseconds);
                _watcher.EnableRaisingEvents = true;
            }
        }
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.WatchModelFile)
            return;
        using var poll = new PeriodicTimer(_options.PollInterval);
        // One outstanding wait of each kind at a time: a PeriodicTimer allows only one, and the channel is single-reader.
        Task<bool>? events = null, tick = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                events ??= _changes.Reader.WaitToReadAsync(stoppingToken).AsTask();
                tick ??= poll.WaitForNextTickAsync(stoppingToken).AsTask();
                await Task.WhenAny(events, tick).ConfigureAwait(false);
                stoppingToken.ThrowIfCancellationRequested();
                var signalled = events.IsCompleted;
                if (signalled)
                    events = null;
                if (tick.IsCompleted)
                    tick = null;
                if (!signalled && !Changed())
                    continue;
                await Quiet(stoppingToken).ConfigureAwait(false);
                await _host.Reload(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A watcher that stops would leave the service on its old model for good; log and keep watching.
                _logger.LogError(e, "DeepML Serving: watching {Path} failed; retrying at the next change or poll.", _host.ModelPath);
            }
        }
    }

    /// <summary>Waits until no change event has come for the debounce time, dropping the events seen.</summary>
    private async Task Quiet(CancellationToken cancellationToken)
    {
        do
        {
            while (_changes.Reader.TryRead(out _))
            {
            }
            await Task.Delay(_options.ReloadDebounce, cancellationToken).ConfigureAwait(false);
        }
        while (_changes.Reader.TryPeek(out _));
    }

    private bool Changed()
    {
        var info = new FileInfo(_host.ModelPath);
        return (info.LastWriteTimeUtc, info.Exists ? info.Length : -1) != _host.LastSeen;
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _watcher?.Dispose();
        base.Dispose();
    }
}
