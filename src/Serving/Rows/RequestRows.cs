namespace DeepML.Serving;

/// <summary>
/// The rows of one prediction request, parsed and checked against a <see cref="RequestSchema"/>: one
/// value per column per row, typed as the column's <see cref="InputKind"/> (<c>float</c>, <c>double</c>,
/// <c>int</c>, <c>long</c>, <c>bool</c>, <c>ReadOnlyMemory&lt;char&gt;</c>, or an array of those for a vector).
/// </summary>
public sealed class RequestRows
{
    internal RequestRows(RequestSchema schema, IReadOnlyList<object[]> rows)
    {
        Schema = schema;
        Rows = rows;
    }

    /// <summary>The schema the rows were checked against.</summary>
    public RequestSchema Schema { get; }

    /// <summary>The rows; each holds one value per <see cref="RequestSchema.Columns"/> entry.</summary>
    public IReadOnlyList<object[]> Rows { get; }

    /// <summary>The number of rows.</summary>
    public int Count => Rows.Count;
}
