using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML;

/// <summary>
/// Row-to-row mapping for <c>PredictionEngine</c>: the network runs once per row, when an output
/// getter is first called for that row, and the result is cached until the input row moves.
/// </summary>
internal sealed class ScoringRowMapper : IRowToRowMapper
{
    private readonly IBatchScoringTransformer _transformer;
    private readonly DataViewSchema.Column _feature;
    private readonly ScoringColumns _columns;

    public ScoringRowMapper(IBatchScoringTransformer transformer, DataViewSchema inputSchema, ScoringColumns columns, DataViewSchema.Column feature)
    {
        _transformer = transformer;
        _feature = feature;
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
            needed.Add(inputIndex >= 0 ? inputIndex : _feature.Index);
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
        private readonly ValueGetter<VBuffer<float>>? _features;
        private readonly float[] _inputs = [];
        private readonly float[] _outputs = [];
        private VBuffer<float> _row;
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
            var predictor = mapper._transformer.Predictor;
            _inputs = new float[predictor.InputSize];
            _outputs = new float[predictor.OutputSize];
            _features = input.GetGetter<VBuffer<float>>(mapper._feature);
            for (var i = 0; i < _active.Length; i++)
            {
                if (_active[i] && columns.AddedIndex(i) is var added and >= 0)
                    _outputGetters[added] = mapper._transformer.Head.Getter(added, Compute);
            }
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

        private ReadOnlySpan<float> Compute()
        {
            // PredictionEngine reuses one row object and moves its input: recompute when the position changes
            // (position -1 is PredictionEngine's single in-memory row, which changes on every call).
            if (_computedFor != _input.Position || _input.Position < 0)
            {
                _features!(ref _row);
                RawOutputGetters.CopyDense(_row, _inputs);
                _mapper._transformer.Predictor.Predict(_inputs, 1, _outputs);
                _computedFor = _input.Position;
            }
            return _outputs;
        }
    }
}
