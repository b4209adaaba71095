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
        return RowValueGetters.Create<TValue>(input, column.Index, () => Current)
            ?? throw new InvalidOperationException($"InputRow: column '{column.Name}' holds {input.TypeName}; a getter of {typeof(TValue).Name} was asked for. Ask for {column.Type.RawType.Name}.");
    }

    private object[] Current => _values ?? throw new InvalidOperationException("InputRow: no row was set. Call Set first.");
}
