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
            Delegate getter = (input.Kind, input.VectorSize) switch
            {
                (InputKind.Single, 0) => Scalar<float>(column.Index),
                (InputKind.Double, 0) => Scalar<double>(column.Index),
                (InputKind.Int32, 0) => Scalar<int>(column.Index),
                (InputKind.Int64, 0) => Scalar<long>(column.Index),
                (InputKind.Boolean, 0) => Scalar<bool>(column.Index),
                (InputKind.String, 0) => Scalar<ReadOnlyMemory<char>>(column.Index),
                (InputKind.Single, _) => Vector<float>(column.Index),
                (InputKind.Double, _) => Vector<double>(column.Index),
                (InputKind.Int32, _) => Vector<int>(column.Index),
                (InputKind.Int64, _) => Vector<long>(column.Index),
                (InputKind.Boolean, _) => Vector<bool>(column.Index),
                _ => Vector<ReadOnlyMemory<char>>(column.Index),
            };
            return getter as ValueGetter<TValue>
                ?? throw new InvalidOperationException($"RowDataView: column '{column.Name}' holds {input.TypeName} ({column.Type.RawType.Name}); a getter of {typeof(TValue).Name} was asked for. Ask for {column.Type.RawType.Name}.");
        }

        private ValueGetter<T> Scalar<T>(int index) => (ref T value) =>
        {
            Check();
            value = (T)view._rows[(int)_position][index];
        };

        private ValueGetter<VBuffer<T>> Vector<T>(int index) => (ref VBuffer<T> value) =>
        {
            Check();
            var source = (T[])view._rows[(int)_position][index];
            var editor = VBufferEditor.Create(ref value, source.Length);
            source.AsSpan().CopyTo(editor.Values);
            value = editor.Commit();
        };

        private void Check()
        {
            if (_position < 0)
                throw new InvalidOperationException("RowDataView: the cursor is not on a row. Call MoveNext first and read only while it returns true.");
        }
    }
}
