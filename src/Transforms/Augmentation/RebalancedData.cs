using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML.Augmentation;

/// <summary>
/// The result of a rebalancing verb (<c>ml.DeepML().Augmentation.Smote(...)</c> and the others): the
/// resampled rows as an in-memory <see cref="IDataView"/>, with the <see cref="Report"/> of class counts
/// before and after.
/// </summary>
/// <remarks>
/// <para>The rows are computed once, when the verb is called, and held in memory; the view can be
/// cursored any number of times, by several cursors at once, and every cursor reads the same rows in
/// the same order (rows are not shuffled: pass the view to <c>ml.Data.ShuffleRows</c> if the trainer
/// is sensitive to order). Which columns it has is said by each verb.</para>
/// <para>Rebalancing is a training-time step, so it is a data verb (like ML.NET's
/// <c>ml.Data.BootstrapSample</c> and <c>ml.Data.ShuffleRows</c>) rather than an estimator: put it
/// between the feature pipeline and the trainer when fitting, and score test data without it.</para>
/// </remarks>
public sealed class RebalancedData : IDataView
{
    private readonly StoredColumn[] _columns;
    private readonly int _rows;

    internal RebalancedData(StoredColumn[] columns, RebalanceReport report, IReadOnlyList<RowOrigin> origins)
    {
        _columns = columns;
        _rows = columns.Length == 0 ? 0 : columns[0].Count;
        Report = report;
        Origins = origins;
        var builder = new DataViewSchema.Builder();
        foreach (var column in columns)
            builder.AddColumn(column.Name, column.Type, column.Annotations);
        Schema = builder.ToSchema();
    }

    /// <summary>Class counts before and after rebalancing.</summary>
    public RebalanceReport Report { get; }

    /// <summary>Where each output row comes from (tests and diagnostics).</summary>
    internal IReadOnlyList<RowOrigin> Origins { get; }

    /// <summary>False: rows are served in one fixed order.</summary>
    public bool CanShuffle => false;

    /// <summary>The columns kept (see the verb that made this view).</summary>
    public DataViewSchema Schema { get; }

    /// <summary>The number of rows after rebalancing.</summary>
    public long? GetRowCount() => _rows;

    /// <summary>A cursor over the rows, in order.</summary>
    /// <param name="columnsNeeded">The columns to read.</param>
    /// <param name="rand">Ignored (the view does not shuffle).</param>
    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(this, columnsNeeded);

    /// <summary>One cursor (the rows are in memory; splitting them gains nothing).</summary>
    /// <param name="columnsNeeded">The columns to read.</param>
    /// <param name="n">Ignored.</param>
    /// <param name="rand">Ignored.</param>
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly RebalancedData _data;
        private readonly bool[] _active;
        private long _position = -1;

        public Cursor(RebalancedData data, IEnumerable<DataViewSchema.Column> columnsNeeded)
        {
            _data = data;
            _active = new bool[data._columns.Length];
            foreach (var column in columnsNeeded)
                _active[column.Index] = true;
        }

        public override DataViewSchema Schema => _data.Schema;

        public override long Position => _position;

        public override long Batch => 0;

        public override bool MoveNext()
        {
            if (_position >= _data._rows)
                return false;
            _position++;
            return _position < _data._rows;
        }

        public override bool IsColumnActive(DataViewSchema.Column column) => _active[column.Index];

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!_active[column.Index])
                throw new InvalidOperationException($"RebalancedData: column '{column.Name}' was not requested when the cursor was made; pass it in columnsNeeded.");
            return _data._columns[column.Index].Getter(() => (int)_position) as ValueGetter<TValue>
                ?? throw new InvalidOperationException($"RebalancedData: column '{column.Name}' holds {column.Type.RawType.Name}, not {typeof(TValue).Name}.");
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() =>
            (ref DataViewRowId id) => id = new DataViewRowId((ulong)_position, 0);
    }
}

/// <summary>Where an output row comes from: a copy of input row <see cref="Seed"/>, or a synthetic row between it and <see cref="Neighbour"/> at <see cref="Gap"/>.</summary>
/// <param name="Seed">The input row copied, or the seed of a synthetic row (0-based input row index).</param>
/// <param name="Neighbour">The neighbour a synthetic row was interpolated towards; -1 for a copy.</param>
/// <param name="Gap">u in x_new = x + u·(x_nn − x); 0 for a copy.</param>
internal readonly record struct RowOrigin(int Seed, int Neighbour, double Gap)
{
    public bool IsSynthetic => Neighbour >= 0;
}
