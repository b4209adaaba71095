using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML;

/// <summary>
/// Row-to-row mapping for <c>PredictionEngine</c>: the model runs once per row, when an output
/// getter is first called for that row, and the result is cached until the input row moves.
/// </summary>
internal sealed class ScoringRowMapper : IRowToRowMapper
{
    private readonly IBatchScoringTransformer _transformer;
    private readonly IReadOnlyList<DataViewSchema.Column> _sources;
    private readonly ScoringColumns _columns;

    public ScoringRowMapper(IBatchScoringTransformer transformer, DataViewSchema inputSchema, ScoringColumns columns, IReadOnlyList<DataViewSchema.Column> sources)
    {
        _transformer = transformer;
        _sources = sources;
        _columns = columns;
        InputSchema = inputSchema;
        OutputSchema = columns.Schema;
    }

    public DataViewSchema InputSchema { get; }

    public DataViewSchema OutputSchema { get; }

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
    {
        var needed = new HashSet<int>();
        foreach (var column in dependingColumns)
        {
            var inputIndex = _columns.InputIndex(column.Index);
            if (inputIndex >= 0)
                needed.Add(inputIndex);
            else
                needed.UnionWith(_sources.Select(c => c.Index));
        }
        return InputSchema.Where(c => needed.Contains(c.Index));
    }

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns) =>
        new MappedRow(this, input, activeColumns);

    private sealed class MappedRow : DataViewRow
    {
        private readonly ScoringRowMapper _mapper;
        private readonly DataViewRow _input;
        private readonly bool[] _active;
        private readonly Delegate?[] _outputGetters;
        private readonly IScoringBatch? _batch;
        private long _computedFor = -1;

        public MappedRow(ScoringRowMapper mapper, DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
        {
            _mapper = mapper;
            _input = input;
            _active = new bool[mapper.OutputSchema.Count];
            foreach (var column in activeColumns)
                _active[column.Index] = true;
            var columns = mapper._columns;
            _outputGetters = new Delegate?[_active.Length - columns.InputCount];
            if (!Enumerable.Range(0, _active.Length).Any(i => _active[i] && columns.AddedIndex(i) >= 0))
                return;
            _batch = mapper._transformer.CreateBatch(input, capacity: 1);
            _outputGetters = columns.OutputGetters(_active, _batch, Compute);
        }

        public override DataViewSchema Schema => _mapper.OutputSchema;

        public override long Position => _input.Position;

        public override long Batch => _input.Batch;

        public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column) => _active[column.Index];

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!_active[column.Index])
                throw new InvalidOperationException($"{_mapper._transformer.ComponentName}: column '{column.Name}' is not active in this row.");
            return _mapper._columns.Getter<TValue>(column, _input, _mapper.InputSchema, _outputGetters);
        }

        /// <summary>Runs the model on the current input row unless it already has; returns its slot (always 0).</summary>
        private int Compute()
        {
            // PredictionEngine reuses one row object and moves its input: recompute when the position changes
            // (position -1 is PredictionEngine's single in-memory row, which changes on every call).
            if (_computedFor != _input.Position || _input.Position < 0)
            {
                _batch!.Read(0);
                _batch.Run(1);
                _computedFor = _input.Position;
            }
            return 0;
        }
    }
}
