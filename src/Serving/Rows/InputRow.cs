using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML.Serving;

/// <summary>
/// One settable row of a <see cref="RequestSchema"/>: the input of a row-to-row mapper, as a
/// <c>PredictionEngine</c>'s input row is. Each <see cref="Set"/> moves <see cref="Position"/> on, so
/// that ML.NET's per-position caches see a new row. Not thread-safe: one per engine.
/// </summary>
internal sealed class InputRow(RequestSchema schema) : DataViewRow
{
    private object[]? _values;
    private long _position = -1;

    public override long Position => _position;

    public override long Batch => 0;

    public override DataViewSchema Schema => schema.Schema;

    public void Set(object[] values)
    {
        _values = values;
        _position++;
    }

    public override bool IsColumnActive(DataViewSchema.Column column) => true;

    public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)_position, 0);

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        var input = schema.Columns[column.Index];
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
            ?? throw new InvalidOperationException($"InputRow: column '{column.Name}' holds {input.TypeName}; a getter of {typeof(TValue).Name} was asked for. Ask for {column.Type.RawType.Name}.");
    }

    private ValueGetter<T> Scalar<T>(int index) => (ref T value) => value = (T)Current[index];

    private ValueGetter<VBuffer<T>> Vector<T>(int index) => (ref VBuffer<T> value) =>
    {
        var source = (T[])Current[index];
        var editor = VBufferEditor.Create(ref value, source.Length);
        source.AsSpan().CopyTo(editor.Values);
        value = editor.Commit();
    };

    private object[] Current => _values ?? throw new InvalidOperationException("InputRow: no row was set. Call Set first.");
}
