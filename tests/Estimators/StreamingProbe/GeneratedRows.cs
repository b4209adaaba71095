using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML.StreamingProbe;

/// <summary>
/// An <see cref="IDataView"/> of <c>rows</c> rows made on the fly, each a pure function of (seed, row index): 32 features
/// uniform with variance 1 and a Boolean label drawn from a known logistic model. Nothing is stored: every cursor
/// regenerates the rows, so the data can be far larger than the process's memory.
/// </summary>
internal sealed class GeneratedRows : IDataView
{
    public const int Features = 32;
    private readonly long _rows;
    private readonly ulong _seed;
    private readonly bool _reportsCount;

    /// <summary><paramref name="rows"/> rows from <paramref name="seed"/>; <paramref name="reportsCount"/> false hides the count (as a text file does).</summary>
    public GeneratedRows(long rows, ulong seed, bool reportsCount = true)
    {
        _reportsCount = reportsCount;
        _rows = rows;
        _seed = seed;
        var builder = new DataViewSchema.Builder();
        builder.AddColumn("Features", new VectorDataViewType(NumberDataViewType.Single, Features));
        builder.AddColumn("Label", BooleanDataViewType.Instance);
        Schema = builder.ToSchema();
    }

    /// <summary>The true model's weight for feature <paramref name="j"/>.</summary>
    public static double Weight(int j) => (j % 4) switch { 0 => 0.6, 1 => -0.4, 2 => 0.25, _ => 0 };

    public const double Bias = -0.2;

    /// <summary>Row <paramref name="row"/>: its features (written to <paramref name="x"/>), its label and the true logit.</summary>
    public void Row(long row, Span<float> x, out bool label, out double logit)
    {
        var state = _seed * 0x9E3779B97F4A7C15UL ^ (ulong)row * 0xD1B54A32D192ED03UL;
        logit = Bias;
        for (var j = 0; j < Features; j++)
        {
            x[j] = (float)((Uniform(ref state) * 2 - 1) * 1.7320508075688772);
            logit += Weight(j) * x[j];
        }
        label = Uniform(ref state) < 1 / (1 + Math.Exp(-logit));
    }

    private static double Uniform(ref ulong state)
    {
        // SplitMix64, then 53 bits as a double in [0, 1).
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53));
    }

    public bool CanShuffle => false;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => _reportsCount ? _rows : null;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => new Cursor(this);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [new Cursor(this)];

    private sealed class Cursor(GeneratedRows parent) : DataViewRowCursor
    {
        private readonly float[] _x = new float[Features];
        private bool _label;
        private long _position = -1;

        public override DataViewSchema Schema => parent.Schema;

        public override long Position => _position;

        public override long Batch => 0;

        public override bool MoveNext()
        {
            if (_position + 1 >= parent._rows)
                return false;
            _position++;
            parent.Row(_position, _x, out _label, out _);
            return true;
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)_position, 0);

        public override bool IsColumnActive(DataViewSchema.Column column) => true;

        public override ValueGetter<T> GetGetter<T>(DataViewSchema.Column column)
        {
            if (column.Index == 0)
            {
                ValueGetter<VBuffer<float>> features = (ref VBuffer<float> v) =>
                {
                    var editor = VBufferEditor.Create(ref v, Features);
                    _x.CopyTo(editor.Values);
                    v = editor.Commit();
                };
                return (ValueGetter<T>)(Delegate)features;
            }
            ValueGetter<bool> label = (ref bool b) => b = _label;
            return (ValueGetter<T>)(Delegate)label;
        }
    }
}
