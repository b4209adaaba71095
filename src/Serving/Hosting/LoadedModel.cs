using Microsoft.ML;

namespace DeepML.Serving;

/// <summary>
/// One loaded model version: the transformer (which owns native ONNX Runtime sessions), the request
/// and response columns, and a reference count. The host holds one reference while the version
/// serves; each batch holds one through a <see cref="ModelLease"/> for its whole run. The transformer
/// and its pooled one-row engines are disposed when the count reaches zero, so an old version is freed as soon as its last batch ends.
/// </summary>
internal sealed class LoadedModel
{
    private readonly ServingMetrics _metrics;
    private readonly RowEnginePool _engines;
    private int _references = 1;

    public LoadedModel(ITransformer model, RequestSchema request, OutputColumns outputs, ModelVersion version, ServingMetrics metrics)
    {
        Model = model;
        Request = request;
        Outputs = outputs;
        Version = version;
        _metrics = metrics;
        _engines = new RowEnginePool(model, request, outputs);
        metrics.ModelLoaded();
    }

    public ITransformer Model { get; }

    public RequestSchema Request { get; }

    public OutputColumns Outputs { get; }

    public ModelVersion Version { get; }

    /// <summary>True once the transformer has been disposed.</summary>
    public bool IsDisposed => Volatile.Read(ref _references) == 0;

    /// <summary>Scores rows in one run: one data view, one <c>Transform</c>, one cursor.</summary>
    public object?[][] Score(IReadOnlyList<object[]> rows)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        return Outputs.Read(Model.Transform(new RowDataView(Request, rows)), rows.Count);
    }

    /// <summary>Scores rows one at a time with a pooled engine (a row-to-row mapper, as a PredictionEngine): the per-request path.</summary>
    public object?[][] ScoreEachRow(IReadOnlyList<object[]> rows)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        return _engines.Score(rows);
    }

    /// <summary>Adds a reference unless the model is already freed.</summary>
    public bool TryAcquire()
    {
        for (var seen = Volatile.Read(ref _references); seen > 0; seen = Volatile.Read(ref _references))
        {
            if (Interlocked.CompareExchange(ref _references, seen + 1, seen) == seen)
                return true;
        }
        return false;
    }

    /// <summary>Drops a reference; the last one disposes the transformer.</summary>
    public void Release()
    {
        var left = Interlocked.Decrement(ref _references);
        if (left == 0)
        {
            _engines.Dispose();
            (Model as IDisposable)?.Dispose();
            _metrics.ModelFreed();
        }
        else if (left < 0)
        {
            throw new InvalidOperationException($"DeepML Serving: model version {Version.Tag} was released more often than it was acquired.");
        }
    }
}
