using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML.Testing;

/// <summary>
/// Wraps a data view and counts what is read through it: cursors opened and rows moved to.
/// Optionally stops after <see cref="RowLimit"/> rows (0 gives an empty view with the same
/// schema) and calls back after every row (to cancel training after N rows, for example).
/// </summary>
public sealed class CountingDataView : IDataView
{
    private readonly IDataView _source;
    private readonly Action<long>? _onRow;
    private long _rowsRead;
    private int _cursorsOpened;

    /// <summary>Wraps <paramref name="source"/>.</summary>
    /// <param name="source">The data to read.</param>
    /// <param name="rowLimit">Rows each cursor yields at most; null for all.</param>
    /// <param name="onRow">Called with the total rows read so far after each row.</param>
    public CountingDataView(IDataView source, long? rowLimit = null, Action<long>? onRow = null)
    {
        _source = source;
        RowLimit = rowLimit;
        _onRow = onRow;
    }

    /// <summary>Rows each cursor yields at most; null for all.</summary>
    public long? RowLimit { get; }

    /// <summary>Rows moved to, over all cursors.</summary>
    public long RowsRead => Interlocked.Read(ref _rowsRead);

    /// <summary>Cursors opened.</summary>
    public int CursorsOpened => Volatile.Read(ref _cursorsOpened);

    /// <inheritdoc />
    public bool CanShuffle => false;

    /// <inheritdoc />
    public DataViewSchema Schema => _source.Schema;

    /// <inheritdoc />
    public long? GetRowCount() => RowLimit is { } limit ? Math.Min(limit, _source.GetRowCount() ?? limit) : _source.GetRowCount();

    /// <inheritdoc />
    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        Interlocked.Increment(ref _cursorsOpened);
        return new Cursor(this, _source.GetRowCursor(columnsNeeded));
    }

    /// <inheritdoc />
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly CountingDataView _parent;
        private readonly DataViewRowCursor _inner;
        private long _position = -1;

        public Cursor(CountingDataView parent, DataViewRowCursor inner)
        {
            _parent = parent;
            _inner = inner;
        }

        public override DataViewSchema Schema => _inner.Schema;
        public override long Position => _position;
        public override long Batch => _inner.Batch;
        public override ValueGetter<DataViewRowId> GetIdGetter() => _inner.GetIdGetter();
        public override bool IsColumnActive(DataViewSchema.Column column) => _inner.IsColumnActive(column);
        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => _inner.GetGetter<TValue>(column);

        public override bool MoveNext()
        {
            if (_parent.RowLimit is { } limit && _position + 1 >= limit)
                return false;
            if (!_inner.MoveNext())
                return false;
            _position++;
            var total = Interlocked.Increment(ref _parent._rowsRead);
            _parent._onRow?.Invoke(total);
            return true;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                _inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
