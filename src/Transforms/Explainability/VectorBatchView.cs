using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML.Explainability;

/// <summary>
/// A data view over a row-major <see cref="float"/> buffer: one known-size vector column (with the
/// slot names of the column it stands in for), so that perturbed inputs reach a model through its own
/// <see cref="ITransformer.Transform"/> in one batch instead of one <c>PredictionEngine</c> call per row.
/// </summary>
/// <remarks>The buffer is read, never copied or changed; the caller keeps it alive and unchanged while
/// the view is cursored. Cursors are independent and read rows in order.</remarks>
internal sealed class VectorBatchView : IDataView
{
    private readonly float[] _values;
    private readonly int _rows;
    private readonly int _size;

    /// <summary>A view of <paramref name="rows"/> vectors of <paramref name="size"/> values each.</summary>
    /// <param name="column">The column name the model reads.</param>
    /// <param name="size">Slots per vector.</param>
    /// <param name="slotNames">Slot names to carry as the column's annotation; empty for none.</param>
    /// <param name="values">Row-major values; the first <c>rows × size</c> are used.</param>
    /// <param name="rows">Rows in the view.</param>
    public VectorBatchView(string column, int size, IReadOnlyList<string> slotNames, float[] values, int rows)
    {
        if ((long)rows * size > values.Length)
            throw new ArgumentException($"VectorBatchView: {rows} rows of {size} need {(long)rows * size} values, the buffer has {values.Length}.", nameof(values));
        _values = values;
        _rows = rows;
        _size = size;
        Schema = SchemaFor(column, size, slotNames);
    }

    /// <summary>The one-column schema: <paramref name="column"/> as a vector of Single of <paramref name="size"/>, with slot names if given.</summary>
    public static DataViewSchema SchemaFor(string column, int size, IReadOnlyList<string> slotNames)
    {
        var builder = new DataViewSchema.Builder();
        var type = new VectorDataViewType(NumberDataViewType.Single, size);
        if (slotNames.Count == size)
        {
            var annotations = new DataViewSchema.Annotations.Builder();
            var names = slotNames.Select(n => n.AsMemory()).ToArray();
            annotations.Add("SlotNames", new VectorDataViewType(TextDataViewType.Instance, size), (ref VBuffer<ReadOnlyMemory<char>> v) => v = new VBuffer<ReadOnlyMemory<char>>(size, names));
            builder.AddColumn(column, type, annotations.ToAnnotations());
        }
        else
        {
            builder.AddColumn(column, type);
        }
        return builder.ToSchema();
    }

    public bool CanShuffle => false;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => _rows;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => new Cursor(this);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [new Cursor(this)];

    private sealed class Cursor(VectorBatchView view) : DataViewRowCursor
    {
        private long _position = -1;

        public override DataViewSchema Schema => view.Schema;

        public override long Position => _position;

        public override long Batch => 0;

        public override bool MoveNext()
        {
            if (_position + 1 >= view._rows)
            {
                _position = view._rows;
                return false;
            }
            _position++;
            return true;
        }

        public override bool IsColumnActive(DataViewSchema.Column column) => column.Index == 0;

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (column.Index != 0 || typeof(TValue) != typeof(VBuffer<float>))
                throw new InvalidOperationException($"VectorBatchView: column {column.Index} cannot be read as {typeof(TValue).Name}; it holds VBuffer<Single>.");
            ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> value) =>
            {
                if (_position < 0 || _position >= view._rows)
                    throw new InvalidOperationException("VectorBatchView: the cursor is not on a row; call MoveNext first.");
                var editor = VBufferEditor.Create(ref value, view._size);
                view._values.AsSpan((int)(_position * view._size), view._size).CopyTo(editor.Values);
                value = editor.Commit();
            };
            return (ValueGetter<TValue>)(Delegate)getter;
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)_position, 0);
    }
}
