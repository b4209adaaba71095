using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML.Fairness;

/// <summary>A numeric column read into memory (Booleans as 0/1, keys as their index, 0 = missing).</summary>
internal sealed class NumberColumn(DataViewSchema.Column column)
{
    public DataViewSchema.Column Column { get; } = column;
    public double[] Values = [];
}

/// <summary>A categorical column read into memory: one code per row and the level names, first seen first.</summary>
internal sealed class CategoryColumn(DataViewSchema.Column column)
{
    public DataViewSchema.Column Column { get; } = column;
    public int[] Codes = [];
    public List<string> Levels { get; } = [];
}

/// <summary>
/// Reads the few scalar columns the fairness code needs in one cursor pass into plain arrays.
/// </summary>
internal sealed class ColumnReader
{
    private readonly List<NumberColumn> _numbers = [];
    private readonly List<CategoryColumn> _categories = [];

    /// <summary>Adds a numeric (or Boolean, or key) column.</summary>
    public NumberColumn AddNumber(DataViewSchema.Column column)
    {
        var c = new NumberColumn(column);
        _numbers.Add(c);
        return c;
    }

    /// <summary>Adds a categorical column (text, Boolean, key or number).</summary>
    public CategoryColumn AddCategory(DataViewSchema.Column column)
    {
        var c = new CategoryColumn(column);
        _categories.Add(c);
        return c;
    }

    /// <summary>Reads every added column; returns the row count.</summary>
    public int Read(IDataView data, CancellationToken cancellationToken = default)
    {
        var capacity = (int)Math.Min(data.GetRowCount() ?? 1024, int.MaxValue - 64);
        capacity = Math.Max(capacity, 16);
        Resize(capacity);
        var columns = _numbers.Select(n => n.Column).Concat(_categories.Select(c => c.Column)).DistinctBy(c => c.Index);
        using var cursor = data.GetRowCursor(columns);
        var numberGetters = _numbers.Select(n => NumberReader(cursor, n.Column)
            ?? throw new InvalidOperationException($"Fairness: column '{n.Column.Name}' is not numeric.")).ToArray();
        var categoryGetters = _categories.Select(c => CategoryReader(cursor, c)).ToArray();
        var row = 0;
        while (cursor.MoveNext())
        {
            if (row == capacity)
                Resize(capacity = checked(capacity * 2));
            for (var k = 0; k < numberGetters.Length; k++)
                _numbers[k].Values[row] = numberGetters[k]();
            for (var k = 0; k < categoryGetters.Length; k++)
                _categories[k].Codes[row] = categoryGetters[k]();
            row++;
            if ((row & 0xFFFF) == 0)
                cancellationToken.ThrowIfCancellationRequested();
        }
        Resize(row);
        return row;
    }

    private void Resize(int n)
    {
        foreach (var c in _numbers)
            Array.Resize(ref c.Values, n);
        foreach (var c in _categories)
            Array.Resize(ref c.Codes, n);
    }

    private static Func<int> CategoryReader(DataViewRowCursor cursor, CategoryColumn target)
    {
        var levels = target.Levels;
        var lookup = new Dictionary<string, int>(StringComparer.Ordinal);
        var spans = lookup.GetAlternateLookup<ReadOnlySpan<char>>();
        int Code(ReadOnlySpan<char> s)
        {
            if (spans.TryGetValue(s, out var c))
                return c;
            var name = s.ToString();
            lookup[name] = levels.Count;
            levels.Add(name);
            return levels.Count - 1;
        }
        var column = target.Column;
        if (column.Type is TextDataViewType)
        {
            var get = cursor.GetGetter<ReadOnlyMemory<char>>(column);
            ReadOnlyMemory<char> v = default;
            return () => { get(ref v); return Code(v.Span); };
        }
        if (column.Type == BooleanDataViewType.Instance)
        {
            var get = cursor.GetGetter<bool>(column);
            var v = false;
            return () => { get(ref v); return Code(v ? "True" : "False"); };
        }
        if (column.Type is KeyDataViewType)
        {
            var get = cursor.GetGetter<uint>(column);
            var names = KeyNames(column);
            uint v = 0;
            return () =>
            {
                get(ref v);
                return Code(v == 0 ? "(missing)" : v - 1 < names.Length ? names[v - 1] : (v - 1).ToString(CultureInfo.InvariantCulture));
            };
        }
        var number = NumberReader(cursor, column) ?? throw ColumnChecks.Mismatch("Fairness", "sensitive", column,
            "a scalar Text, Boolean, key or number", "Sensitive features must be one value per row; split vectors into scalar columns first.");
        return () =>
        {
            Span<char> text = stackalloc char[32];
            number().TryFormat(text, out var written, "R", CultureInfo.InvariantCulture);
            return Code(text[..written]);
        };
    }

    /// <summary>The key values of a key column as strings, or an empty array when it has none.</summary>
    public static string[] KeyNames(DataViewSchema.Column column)
    {
        if (column.Annotations.Schema.GetColumnOrNull("KeyValues") is not { } kv || kv.Type is not VectorDataViewType { ItemType: TextDataViewType })
            return [];
        VBuffer<ReadOnlyMemory<char>> names = default;
        column.GetKeyValues(ref names);
        return names.DenseValues().Select(m => m.ToString()).ToArray();
    }

    /// <summary>True when <see cref="NumberReader"/> can read the column.</summary>
    public static bool IsNumberLike(DataViewType t) =>
        t == NumberDataViewType.Single || t == NumberDataViewType.Double || t == NumberDataViewType.Int32 || t == NumberDataViewType.Int64
        || t == NumberDataViewType.UInt32 || t == NumberDataViewType.Int16 || t == NumberDataViewType.Byte || t == BooleanDataViewType.Instance
        || t is KeyDataViewType;

    /// <summary>A reader of the current row's value as double (Boolean 0/1, key index with 0 = missing), or null for other types.</summary>
    public static Func<double>? NumberReader(DataViewRow cursor, DataViewSchema.Column column)
    {
        var t = column.Type;
        if (t == NumberDataViewType.Single) { var g = cursor.GetGetter<float>(column); float v = 0; return () => { g(ref v); return v; }; }
        if (t == NumberDataViewType.Double) { var g = cursor.GetGetter<double>(column); double v = 0; return () => { g(ref v); return v; }; }
        if (t == NumberDataViewType.Int32) { var g = cursor.GetGetter<int>(column); int v = 0; return () => { g(ref v); return v; }; }
        if (t == NumberDataViewType.Int64) { var g = cursor.GetGetter<long>(column); long v = 0; return () => { g(ref v); return v; }; }
        if (t == NumberDataViewType.UInt32) { var g = cursor.GetGetter<uint>(column); uint v = 0; return () => { g(ref v); return v; }; }
        if (t == NumberDataViewType.Int16) { var g = cursor.GetGetter<short>(column); short v = 0; return () => { g(ref v); return v; }; }
        if (t == NumberDataViewType.Byte) { var g = cursor.GetGetter<byte>(column); byte v = 0; return () => { g(ref v); return v; }; }
        if (t == BooleanDataViewType.Instance) { var g = cursor.GetGetter<bool>(column); bool v = false; return () => { g(ref v); return v ? 1 : 0; }; }
        if (t is KeyDataViewType) { var g = cursor.GetGetter<uint>(column); uint v = 0; return () => { g(ref v); return v; }; }
        return null;
    }
}
