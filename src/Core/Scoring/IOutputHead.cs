using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML;

/// <summary>Turns one row's raw model outputs into the columns a scoring transformer adds.</summary>
internal interface IOutputHead
{
    /// <summary>The added columns, in order.</summary>
    IReadOnlyList<(string Name, DataViewType Type, DataViewSchema.Annotations Annotations)> Columns();

    /// <summary>The value getter of added column <paramref name="outputIndex"/> over the current row's raw outputs.</summary>
    Delegate Getter(int outputIndex, RawRowSource raw);
}

/// <summary>
/// What the batched cursor (<see cref="ScoredDataView"/>) and the per-row mapper
/// (<see cref="ScoringRowMapper"/>) need from a scoring transformer: the batch size and a way to
/// make one cursor's working memory (<see cref="IScoringBatch"/>).
/// </summary>
internal interface IBatchScoringTransformer
{
    /// <summary>Name used in error messages.</summary>
    string ComponentName { get; }

    /// <summary>Rows per model run when scoring an <see cref="IDataView"/>.</summary>
    int BatchSize { get; }

    /// <summary>
    /// Makes the working memory of one cursor or mapped row, reading the model inputs from
    /// <paramref name="source"/>; throws <see cref="ObjectDisposedException"/> once the transformer is disposed.
    /// </summary>
    IScoringBatch CreateBatch(DataViewRow source, int capacity);
}
