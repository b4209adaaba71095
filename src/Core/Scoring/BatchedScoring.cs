using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML;

/// <summary>
/// The batched plumbing of DeepML's scorers, for any <see cref="IBatchScoringTransformer"/>: the output
/// schema, a lazy <c>Transform</c> result that runs once per batch of rows, and the per-row mapper
/// <c>PredictionEngine</c> uses.
/// </summary>
/// <remarks>
/// <para>Added columns follow ML.NET's rule (its <c>ColumnBindings</c>): a new name is appended; a name the
/// input already has is inserted right after that column, which becomes hidden.</para>
/// <para>The <c>Transform</c> result keeps two cursors over the input in the same order: one serves the
/// pass-through columns of the current row, the other reads only <c>sources</c>, a batch ahead, so the
/// transformer runs once per batch while each row's pass-through values stay exact. The mapper runs once
/// per row, when an added column's getter is first called, and caches the result until the row moves.</para>
/// </remarks>
public static class BatchedScoring
{
    /// <summary>The output schema of <paramref name="input"/> with <paramref name="added"/> columns.</summary>
    public static DataViewSchema OutputSchema(DataViewSchema input, IReadOnlyList<(string Name, DataViewType Type, DataViewSchema.Annotations Annotations)> added) =>
        new ScoringColumns(Check(input, added), added).Schema;

    /// <summary>
    /// The lazy output of <paramref name="transformer"/> over <paramref name="input"/>: nothing is read until a cursor moves.
    /// </summary>
    /// <param name="transformer">Makes each cursor's working memory; its <see cref="IScoringBatch.Getter"/> serves
    /// <paramref name="added"/>'s columns in order.</param>
    /// <param name="input">The data to transform.</param>
    /// <param name="added">The added columns, in the order the batch serves them.</param>
    /// <param name="sources">The input columns the batch reads.</param>
    public static IDataView Transform(IBatchScoringTransformer transformer, IDataView input,
        IReadOnlyList<(string Name, DataViewType Type, DataViewSchema.Annotations Annotations)> added, IReadOnlyList<DataViewSchema.Column> sources)
    {
        ArgumentNullException.ThrowIfNull(transformer);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(sources);
        return new ScoredDataView(transformer, input, new ScoringColumns(Check(input.Schema, added), added), sources);
    }

    /// <summary>The row-to-row mapper of <paramref name="transformer"/> for <paramref name="inputSchema"/> (one run per row).</summary>
    /// <param name="transformer">Makes each mapped row's working memory.</param>
    /// <param name="inputSchema">The schema rows will have.</param>
    /// <param name="added">The added columns, in the order the batch serves them.</param>
    /// <param name="sources">The input columns the batch reads.</param>
    public static IRowToRowMapper RowToRowMapper(IBatchScoringTransformer transformer, DataViewSchema inputSchema,
        IReadOnlyList<(string Name, DataViewType Type, DataViewSchema.Annotations Annotations)> added, IReadOnlyList<DataViewSchema.Column> sources)
    {
        ArgumentNullException.ThrowIfNull(transformer);
        ArgumentNullException.ThrowIfNull(sources);
        return new ScoringRowMapper(transformer, inputSchema, new ScoringColumns(Check(inputSchema, added), added), sources);
    }

    private static DataViewSchema Check(DataViewSchema input, IReadOnlyList<(string Name, DataViewType Type, DataViewSchema.Annotations Annotations)> added)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(added);
        if (added.Count == 0)
            throw new ArgumentException("BatchedScoring: a batched transformer must add at least one column.", nameof(added));
        return input;
    }
}
