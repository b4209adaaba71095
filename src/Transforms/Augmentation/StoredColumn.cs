using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML.Augmentation;

/// <summary>
/// One column held in memory: its name, full type and annotations (key values, slot names), and one
/// value per row. Stored values are never handed out: getters copy vectors into the caller's buffer,
/// so any number of cursors can read a column at once.
/// </summary>
internal abstract class StoredColumn
{
    private protected StoredColumn(string name, DataViewType type, DataViewSchema.Annotations annotations)
    {
        Name = name;
        Type = type;
        Annotations = annotations;
    }

    /// <summary>The column's name.</summary>
    public string Name { get; }

    /// <summary>The column's full type.</summary>
    public DataViewType Type { get; }

    /// <summary>The column's annotations, carried unchanged.</summary>
    public DataViewSchema.Annotations Annotations { get; }

    /// <summary>Rows held.</summary>
    public abstract int Count { get; }

    /// <summary>A new column whose row i is this column's row <paramref name="rows"/>[i].</summary>
    public abstract StoredColumn Take(IReadOnlyList<int> rows);

    /// <summary>A <see cref="ValueGetter{TValue}"/> of the column's raw type that reads row <paramref name="row"/>().</summary>
    public abstract Delegate Getter(Func<int> row);

    /// <summary>Reads <paramref name="columns"/> of <paramref name="data"/> in one pass.</summary>
    /// <param name="data">The data to read.</param>
    /// <param name="columns">Columns of <paramref name="data"/>'s schema.</param>
    /// <param name="cancellation">Checked every 4,096 rows.</param>
    public static StoredColumn[] ReadAll(IDataView data, IReadOnlyList<DataViewSchema.Column> columns, CancellationToken cancellation)
    {
        using var cursor = data.GetRowCursor(columns);
        var readers = columns.Select(c => Reader(cursor, c)).ToArray();
        long row = 0;
        while (cursor.MoveNext())
        {
            if ((++row & 4095) == 0)
                cancellation.ThrowIfCancellationRequested();
            foreach (var reader in readers)
                reader.Append();
        }
        return readers.Select(r => r.Build()).ToArray();
    }

    private static ColumnReader Reader(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        var (generic, item) = column.Type is VectorDataViewType v
            ? (typeof(VectorReader<>), v.ItemType.RawType)
            : (typeof(ScalarReader<>), column.Type.RawType);
        return (ColumnReader)Activator.CreateInstance(generic.MakeGenericType(item), cursor, column)!;
    }

    private abstract class ColumnReader
    {
        public abstract void Append();

        public abstract StoredColumn Build();
    }

    private sealed class ScalarReader<T>(DataViewRowCursor cursor, DataViewSchema.Column column) : ColumnReader
    {
        private readonly ValueGetter<T> _getter = cursor.GetGetter<T>(column);
        private readonly List<T> _values = [];

        public override void Append()
        {
            T value = default!;
            _getter(ref value);
            // Text may point into a buffer the cursor reuses: keep an own copy.
            if (value is ReadOnlyMemory<char> text)
                value = (T)(object)text.ToString().AsMemory();
            _values.Add(value);
        }

        public override StoredColumn Build() => new ScalarColumn<T>(column.Name, column.Type, column.Annotations, _values.ToArray());
    }

    private sealed class VectorReader<T>(DataViewRowCursor cursor, DataViewSchema.Column column) : ColumnReader
    {
        private readonly ValueGetter<VBuffer<T>> _getter = cursor.GetGetter<VBuffer<T>>(column);
        private readonly List<VBuffer<T>> _values = [];
        private VBuffer<T> _buffer;

        public override void Append()
        {
            _getter(ref _buffer);
            VBuffer<T> copy = default;
            _buffer.CopyTo(ref copy);
            _values.Add(copy);
        }

        public override StoredColumn Build() => new VectorColumn<T>(column.Name, column.Type, column.Annotations, _values.ToArray());
    }
}

/// <summary>A scalar column in memory.</summary>
internal sealed class ScalarColumn<T>(string name, DataViewType type, DataViewSchema.Annotations annotations, T[] values)
    : StoredColumn(name, type, annotations)
{
    /// <summary>The values, one per row (read only).</summary>
    public IReadOnlyList<T> Values => values;

    public override int Count => values.Length;

    public override StoredColumn Take(IReadOnlyList<int> rows) =>
        new ScalarColumn<T>(Name, Type, Annotations, rows.Select(r => values[r]).ToArray());

    public override Delegate Getter(Func<int> row) => (ValueGetter<T>)((ref T value) => value = values[row()]);
}

/// <summary>A vector column in memory.</summary>
internal sealed class VectorColumn<T>(string name, DataViewType type, DataViewSchema.Annotations annotations, VBuffer<T>[] values)
    : StoredColumn(name, type, annotations)
{
    public override int Count => values.Length;

    /// <summary>Row <paramref name="row"/>'s stored vector (do not change it).</summary>
    public VBuffer<T> Value(int row) => values[row];

    public override StoredColumn Take(IReadOnlyList<int> rows) =>
        new VectorColumn<T>(Name, Type, Annotations, rows.Select(r => values[r]).ToArray());

    public override Delegate Getter(Func<int> row) => (ValueGetter<VBuffer<T>>)((ref VBuffer<T> value) => values[row()].CopyTo(ref value));

    /// <summary>A dense Single vector column from row-major values (synthetic feature rows).</summary>
    public static VectorColumn<float> FromRows(string name, DataViewType type, DataViewSchema.Annotations annotations, IReadOnlyList<float[]> rows) =>
        new(name, type, annotations, rows.Select(r => new VBuffer<float>(r.Length, r)).ToArray());
}
