using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML.Serving;

/// <summary>
/// An <see cref="IDataView"/> over rows held in memory whose schema is known only at run time (ML.NET's
/// <c>LoadFromEnumerable</c> needs a .NET class per schema). Each row holds one value per column, typed
/// as <see cref="RequestRows"/> describes. Immutable and safe to cursor from several threads; the rows
/// must not change while it is in use.
/// </summary>
public sealed class RowDataView : IDataView
{
    private readonly RequestSchema _schema;
    private readonly IReadOnlyList<object[]> _rows;

    /// <summary>A view over <paramref name="rows"/>, each checked against <paramref name="schema"/> (see <see cref="RequestParser"/>).</summary>
    public RowDataView(RequestSchema schema, IReadOnlyList<object[]> rows)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(rows);
        _schema = schema;
        _rows = rows;
    }

    /// <inheritdoc />
    public bool CanShuffle => false;

    /// <inheritdoc />
    public DataViewSchema Schema => _schema.Schema;

    /// <inheritdoc />
    public long? GetRowCount() => _rows.Count;

    /// <inheritdoc />
    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        ArgumentNullException.ThrowIfNull(columnsNeeded);
        return new Cursor(this, columnsNeeded.Select(c => c.Index).ToHashSet());
    }

    /// <inheritdoc />
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor(RowDataView view, HashSet<int> active) : DataViewRowCursor
    {
        private long _position = -1;
        private bool _done;

        public override long Position => _position;

        public override long Batch => 0;

        public override DataViewSchema Schema => view.Schema;

        public override bool IsColumnActive(DataViewSchema.Column column) => active.Contains(column.Index);

        public override bool MoveNext()
        {
            if (_done)
                return false;
            if (_position + 1 < view._rows.Count)
            {
                _position++;
                return true;
            }
            _done = true;
            _position = -1;
            return false;
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) =>
        {
            Check();
            id = new DataViewRowId((ulong)_position, 0);
        };

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (column.Index < 0 || column.Index >= view.Schema.Count || view.Schema[column.Index].Name != column.Name)
                throw new ArgumentOutOfRangeException(nameof(column), $"RowDataView: column '{column.Name}' (index {column.Index}) is not in this view's schema ({string.Join(", ", view.Schema.Select(c => c.Name))}).");
            if (!IsColumnActive(column))
                throw new InvalidOperationException($"RowDataView: column '{column.Name}' was not requested when the cursor was made. Pass it in columnsNeeded.");
            var input = view._schema.Columns[column.Index];
            return RowValueGetters.Create<TValue>(input, column.Index, () =>
                {
                    Check();
                    return view._rows[(int)_position];
                })
                ?? throw new InvalidOperationException($"RowDataView: column '{column.Name}' holds {input.TypeName} ({column.Type.RawType.Name}); a getter of {typeof(TValue).Name} was asked for. Ask for {column.Type.RawType.Name}.");
        }

        private void Check()
        {
            if (_position < 0)
                throw new InvalidOperationException("RowDataView: the cursor is not on a row. Call MoveNext first and read only while it returns true.");
        }
    }
}
