using Microsoft.ML;

namespace DeepML;

/// <summary>
/// A transformer that adds columns computed for many rows at once (a model run, an explainer run):
/// what DeepML's batched cursor and per-row mapper need from it — the batch size and a way to make
/// one cursor's working memory (<see cref="IScoringBatch"/>). Part of the component kit: implement
/// it and let <see cref="BatchedScoring"/> build the lazy <c>Transform</c> output and the
/// <c>PredictionEngine</c> mapper, as DeepML's scorers and explainers do.
/// </summary>
public interface IBatchScoringTransformer
{
    /// <summary>Name used in error messages.</summary>
    string ComponentName { get; }

    /// <summary>Rows per run when transforming an <see cref="IDataView"/>.</summary>
    int BatchSize { get; }

    /// <summary>
    /// Makes the working memory of one cursor or mapped row, reading the inputs from
    /// <paramref name="source"/>; throws <see cref="ObjectDisposedException"/> once the transformer is disposed.
    /// </summary>
    IScoringBatch CreateBatch(DataViewRow source, int capacity);
}
