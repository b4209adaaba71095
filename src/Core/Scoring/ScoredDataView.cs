using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML;

/// <summary>
/// The lazy output of <see cref="NetworkScoringTransformer.Transform"/>: nothing is read until a
/// cursor moves.
/// </summary>
/// <remarks>
/// A cursor keeps two cursors over the input in the same order: a <em>serving</em> cursor that
/// provides the pass-through columns of the current row, and a <em>look-ahead</em> cursor that
/// reads only the model's input columns, a batch of rows ahead, so that the model runs once per batch
/// while each row's pass-through values stay exact.
/// </remarks>
internal sealed class ScoredDataView : IDataView
{
    private readonly IBatchScoringTransformer _transformer;
    private readonly IDataView _input;
    private readonly IReadOnlyList<DataViewSchema.Column> _sources;
    private readonly ScoringColumns _columns;

    public ScoredDataView(IBatchScoringTransformer transformer, IDataView input, ScoringColumns columns, IReadOnlyList<DataViewSchema.Column> sources)
    {
        _transformer = transformer;
        _input = input;
        _sources = sources;
        _columns = columns;
        Schema = columns.Schema;
    }

    public bool CanShuffle => false;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => _input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var active = new bool[Schema.Count];
        foreach (var column in columnsNeeded)
            active[column.Index] = true;
        return new Cursor(this, active);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly ScoredDataView _parent;
        private readonly bool[] _active;
        private readonly ScoringColumns _columns;
        private readonly DataViewRowCursor _serving;
        private readonly DataViewRowCursor? _lookAhead;
        private readonly Delegate?[] _outputGetters;
        private readonly IScoringBatch? _batch;
        private readonly int _capacity;
        private int _batchRows;
        private int _inBatch;
        private bool _disposed;

        public Cursor(ScoredDataView parent, bool[] active)
        {
            _parent = parent;
            _active = active;
            var input = parent._input;
            _columns = parent._columns;
            var columns = _columns;
            var anyOutput = Enumerable.Range(0, active.Length).Any(i => active[i] && columns.AddedIndex(i) >= 0);
            _serving = input.GetRowCursor(Enumerable.Range(0, active.Length).Where(i => active[i] && columns.InputIndex(i) >= 0).Select(i => input.Schema[columns.InputIndex(i)]));
            _outputGetters = new Delegate?[active.Length - columns.InputCount];
            if (!anyOutput)
                return;
            var transformer = parent._transformer;
            _capacity = transformer.BatchSize;
            _lookAhead = input.GetRowCursor(parent._sources);
            try
            {
                _batch = transformer.CreateBatch(_lookAhead, _capacity);
            }
            catch
            {
                _lookAhead.Dispose();
                _serving.Dispose();
                throw;
            }
            _outputGetters = columns.OutputGetters(active, _batch, CurrentSlot);
        }

        public override DataViewSchema Schema => _parent.Schema;

        public override long Position => _serving.Position;

        public override long Batch => _serving.Batch;

        public override ValueGetter<DataViewRowId> GetIdGetter() => _serving.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column) => _active[column.Index];

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!_active[column.Index])
                throw new InvalidOperationException($"{_parent._transformer.ComponentName}: column '{column.Name}' was not requested when this cursor was created; include it in the columns passed to GetRowCursor.");
            return _columns.Getter<TValue>(column, _serving, _parent._input.Schema, _outputGetters);
        }

        public override bool MoveNext()
        {
            if (_disposed || !_serving.MoveNext())
                return false;
            if (_lookAhead is null)
                return true;
            if (_inBatch == _batchRows)
                FillBatch();
            _inBatch++;
            return true;
        }

        protected override void Dispose(bool disposing)
        {
            if (_disposed)
                return;
            _disposed = true;
            if (disposing)
            {
                _serving.Dispose();
                _lookAhead?.Dispose();
            }
            base.Dispose(disposing);
        }

        private int CurrentSlot() => _inBatch - 1;

        private void FillBatch()
        {
            var rows = 0;
            while (rows < _capacity && _lookAhead!.MoveNext())
            {
                _batch!.Read(rows);
                rows++;
            }
            if (rows == 0)
                throw new InvalidOperationException($"{_parent._transformer.ComponentName}: the input data view returned different rows to two cursors. Scoring needs an input whose cursors are repeatable (cache it with ml.Data.Cache if it is not).");
            _batch!.Run(rows);
            _batchRows = rows;
            _inBatch = 0;
        }
    }
}
