namespace DeepML.Serving;

/// <summary>
/// A hold on one model version: while it is held the version's native sessions stay alive, even if
/// a reload has replaced it. Dispose it when the batch is done (safe to call more than once).
/// </summary>
public sealed class ModelLease : IDisposable
{
    private LoadedModel? _model;

    internal ModelLease(LoadedModel model) => _model = model;

    /// <summary>The version this lease holds.</summary>
    public ModelVersion Version => Model.Version;

    /// <summary>The request columns of this version.</summary>
    public RequestSchema Request => Model.Request;

    /// <summary>The response columns of this version.</summary>
    public IReadOnlyList<string> OutputNames => Model.Outputs.Names;

    /// <summary>The transformer of this version; valid while the lease is held.</summary>
    public Microsoft.ML.ITransformer Transformer => Model.Model;

    internal LoadedModel Model => _model ?? throw new ObjectDisposedException(nameof(ModelLease));

    /// <summary>Scores rows in one run on this version; one output array per row, in <see cref="OutputNames"/> order.</summary>
    public object?[][] Score(IReadOnlyList<object[]> rows) => Model.Score(rows);

    /// <summary>Scores rows one at a time with a pooled one-row engine of this version (no batching: the per-request path).</summary>
    public object?[][] ScoreEachRow(IReadOnlyList<object[]> rows) => Model.ScoreEachRow(rows);

    /// <summary>Releases the hold; the version is freed when no one else holds it.</summary>
    public void Dispose() => Interlocked.Exchange(ref _model, null)?.Release();
}
