using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.ML;

namespace DeepML.Serving;

/// <summary>
/// Holds the serving model and replaces it atomically when the file changes. A new file is read once
/// (so the hash and the loaded model are the same bytes), loaded in full, checked (same request
/// columns as the serving version, the output columns present, one self-test row scored) and only
/// then swapped in; a file that fails any check is rejected, logged and counted, and the old version
/// keeps serving. Callers score through <see cref="Acquire"/>: the lease keeps its version alive
/// until it is disposed, after which an old version's native sessions are freed.
/// </summary>
/// <remarks>Thread-safe. Reloads are serialised; <see cref="Acquire"/> never blocks.</remarks>
public sealed class ModelHost : IDisposable
{
    private readonly ServingOptions _options;
    private readonly ServingMetrics _metrics;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _reloading = new(1, 1);
    private LoadedModel? _current;
    private int _loads;
    private bool _disposed;

    /// <summary>A host for <see cref="ServingOptions.ModelPath"/>; nothing is loaded until <see cref="Reload"/>.</summary>
    public ModelHost(ServingOptions options, ServingMetrics metrics, ILogger<ModelHost> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(logger);
        if (string.IsNullOrWhiteSpace(options.ModelPath))
            throw new ArgumentException("ServingOptions: ModelPath is not set. Set it to the model zip written by ml.Model.Save.", nameof(options));
        _options = options;
        _metrics = metrics;
        _logger = logger;
        ModelPath = Path.GetFullPath(options.ModelPath);
    }

    /// <summary>The watched model file, as a full path.</summary>
    public string ModelPath { get; }

    /// <summary>Whether a model is loaded.</summary>
    public bool IsReady => Volatile.Read(ref _current) is not null;

    /// <summary>The serving version, or null before the first load.</summary>
    public ModelVersion? Version => Volatile.Read(ref _current)?.Version;

    /// <summary>The serving version's request columns, or null before the first load.</summary>
    public RequestSchema? Request => Volatile.Read(ref _current)?.Request;

    /// <summary>The file's last write time and length when it was last read (for change polling).</summary>
    internal (DateTime Time, long Length) LastSeen { get; private set; }

    /// <summary>A lease on the serving version; null when no model is loaded.</summary>
    public ModelLease? Acquire()
    {
        while (Volatile.Read(ref _current) is { } model)
        {
            if (model.TryAcquire())
                return new ModelLease(model);
            // The version was freed between the read and the acquire: a reload swapped it out. Read again.
        }
        return null;
    }

    /// <summary>
    /// Reads the model file and, when its content differs from the serving version's, loads it and
    /// swaps it in. Returns true when a new version serves, false when the file is unchanged or was
    /// rejected (the reason is logged at Error and <c>deepml_model_reload_failures_total</c> counts it).
    /// </summary>
    public async Task<bool> Reload(CancellationToken cancellationToken = default)
    {
        await _reloading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return ReloadLocked();
        }
        finally
        {
            _reloading.Release();
        }
    }

    private bool ReloadLocked()
    {
        var current = _current;
        byte[] bytes;
        DateTime time;
        try
        {
            var info = new FileInfo(ModelPath);
            (time, LastSeen) = (info.LastWriteTimeUtc, (info.LastWriteTimeUtc, info.Exists ? info.Length : -1));
            bytes = File.ReadAllBytes(ModelPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Reject(current, $"the file could not be read ({e.GetType().Name}: {e.Message})", e);
        }
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes))[..12];
        if (current is not null && current.Version.Hash == hash)
            return false;

        LoadedModel next;
        try
        {
            next = Load(bytes, new ModelVersion(_loads + 1, hash, time), current);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Whatever a bad file makes ML.NET or ONNX Runtime throw, the serving model must keep serving.
            return Reject(current, $"{e.GetType().Name}: {e.Message}", e);
        }
        _loads++;
        var old = Interlocked.Exchange(ref _current, next);
        _metrics.Version = next.Version;
        if (old is null)
        {
            _logger.LogInformation("DeepML Serving: model {Version} loaded from {Path}; request columns: {Columns}.", next.Version.Tag, ModelPath, next.Request.Describe());
        }
        else
        {
            _metrics.Reloaded();
            _logger.LogInformation("DeepML Serving: model {Version} replaced {Old} (from {Path}).", next.Version.Tag, old.Version.Tag, ModelPath);
            old.Release(); // the host's reference; batches still holding leases keep it alive until they end
        }
        return true;
    }

    private LoadedModel Load(byte[] bytes, ModelVersion version, LoadedModel? current)
    {
        // Load from a private copy of exactly the bytes that were hashed: the watched file may change again meanwhile.
        var copy = Path.Combine(Path.GetTempPath(), $"deepml-serving-{Guid.NewGuid():N}.zip");
        ITransformer model;
        Microsoft.ML.DataViewSchema inputSchema;
        try
        {
            File.WriteAllBytes(copy, bytes);
            model = new MLContext(seed: 0).DeepML().Model.Load(copy, out inputSchema, _options.Scoring());
        }
        finally
        {
            File.Delete(copy);
        }
        try
        {
            var request = RequestSchema.For(model, inputSchema);
            if (current is not null && !current.Request.SameColumns(request))
                throw new InvalidDataException($"the new model takes columns {request.Describe()}, but the serving model takes {current.Request.Describe()}. A hot reload must keep the request columns; deploy a model with another schema as a new service or version");
            var outputs = OutputColumns.For(model.GetOutputSchema(request.Schema), _options.OutputColumns);
            var loaded = new LoadedModel(model, request, outputs, version, _metrics);
            loaded.Score([DefaultRow(request)]); // self-test: the sessions run before the version serves
            return loaded;
        }
        catch
        {
            (model as IDisposable)?.Dispose();
            throw;
        }
    }

    private bool Reject(LoadedModel? current, string reason, Exception e)
    {
        _metrics.ReloadFailed();
        _logger.LogError(e, "DeepML Serving: model file {Path} was rejected: {Reason}. {Serving}", ModelPath, reason,
            current is null ? "No model is serving yet; /ready answers 503 until a good file is written." : $"Model {current.Version.Tag} keeps serving.");
        return false;
    }

    /// <summary>A row of zeros, falses and empty strings, to check a new model scores before it serves.</summary>
    internal static object[] DefaultRow(RequestSchema request) => request.Columns.Select(c => (c.Kind, c.VectorSize) switch
    {
        (InputKind.Single, 0) => 0f,
        (InputKind.Double, 0) => 0d,
        (InputKind.Int32, 0) => 0,
        (InputKind.Int64, 0) => 0L,
        (InputKind.Boolean, 0) => false,
        (InputKind.String, 0) => ReadOnlyMemory<char>.Empty,
        (InputKind.Single, var n) => new float[n],
        (InputKind.Double, var n) => new double[n],
        (InputKind.Int32, var n) => new int[n],
        (InputKind.Int64, var n) => new long[n],
        (InputKind.Boolean, var n) => new bool[n],
        (_, var n) => (object)Enumerable.Repeat(ReadOnlyMemory<char>.Empty, n).ToArray(),
    }).ToArray();

    /// <summary>Releases the serving version (old versions go when their leases end). Safe to call more than once.</summary>
    public void Dispose()
    {
        _reloading.Wait();
        try
        {
            if (_disposed)
                return;
            _disposed = true;
            Interlocked.Exchange(ref _current, null)?.Release();
        }
        finally
        {
            _reloading.Release();
        }
    }
}
