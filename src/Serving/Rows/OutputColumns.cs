using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML.Serving;

/// <summary>
/// The output columns returned per row, and how each is read from the scored rows: Single, Double,
/// Boolean, integers, text, keys (as their value text when the column has key values, else the key
/// number) and known- or unknown-size vectors of Single. Immutable; <see cref="Read"/> is thread-safe.
/// </summary>
public sealed class OutputColumns
{
    /// <summary>The columns returned when none are configured, those of them a model has.</summary>
    public static readonly IReadOnlyList<string> Defaults = ["Score", "Probability", "PredictedLabel"];

    private readonly Func<DataViewRow, Func<object?>>[] _readers;

    private OutputColumns(IReadOnlyList<string> names, Func<DataViewRow, Func<object?>>[] readers)
    {
        Names = names;
        _readers = readers;
    }

    /// <summary>The names, in response order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Finds the output columns in <paramref name="scored"/> (the model's output schema).</summary>
    /// <exception cref="InvalidDataException">A configured column is missing or has a type a response cannot carry, or none of the defaults is present.</exception>
    public static OutputColumns For(DataViewSchema scored, IReadOnlyList<string>? configured)
    {
        ArgumentNullException.ThrowIfNull(scored);
        var visible = scored.Where(c => !c.IsHidden).Select(c => c.Name).ToList();
        var names = configured ?? Defaults.Where(n => scored.GetColumnOrNull(n) is { IsHidden: false }).ToArray();
        if (names.Count == 0)
            throw new InvalidDataException($"DeepML Serving: the model's output has none of the default columns ({string.Join(", ", Defaults)}); it has {string.Join(", ", visible)}. Set ServingOptions.OutputColumns to the columns to return.");
        var readers = new Func<DataViewRow, Func<object?>>[names.Count];
        for (var i = 0; i < names.Count; i++)
        {
            var column = scored.GetColumnOrNull(names[i]) is { IsHidden: false } c ? c
                : throw new InvalidDataException($"DeepML Serving: output column '{names[i]}' is not in the model's output. Columns: {string.Join(", ", visible)}. Fix ServingOptions.OutputColumns.");
            readers[i] = Reader(column) ?? throw new InvalidDataException($"DeepML Serving: output column '{column.Name}' has type {column.Type}, which a JSON response cannot carry (expected Single, Double, Boolean, an integer, text, a key or a vector of Single). Leave it out of ServingOptions.OutputColumns.");
        }
        return new OutputColumns(names, readers);
    }

    /// <summary>Reads the output columns of every row of <paramref name="scored"/>, one array of values per row.</summary>
    public object?[][] Read(IDataView scored, int rowCount)
    {
        ArgumentNullException.ThrowIfNull(scored);
        var columns = Names.Select(n => scored.Schema[n]).ToArray();
        using var cursor = scored.GetRowCursor(columns);
        var getters = _readers.Select(r => r(cursor)).ToArray();
        var rows = new object?[rowCount][];
        var n = 0;
        while (cursor.MoveNext())
        {
            if (n == rowCount)
                throw new InvalidOperationException($"DeepML Serving: the model returned more rows than the {rowCount} it was given. A pipeline that adds rows cannot be served row by row.");
            var values = new object?[getters.Length];
            for (var i = 0; i < getters.Length; i++)
                values[i] = getters[i]();
            rows[n++] = values;
        }
        return n == rowCount ? rows
            : throw new InvalidOperationException($"DeepML Serving: the model returned {n} rows for the {rowCount} it was given. A pipeline that filters rows cannot be served row by row.");
    }

    /// <summary>One getter per output column over <paramref name="row"/> (a mapped row of a prediction engine).</summary>
    internal Func<object?>[] Getters(DataViewRow row) => _readers.Select(r => r(row)).ToArray();

    private static Func<DataViewRow, Func<object?>>? Reader(DataViewSchema.Column column)
    {
        var type = column.Type;
        if (type is KeyDataViewType)
            return KeyReader(column);
        if (type is VectorDataViewType { ItemType: NumberDataViewType n } && n.RawType == typeof(float))
            return row => Vector(row.GetGetter<VBuffer<float>>(column));
        return type.RawType switch
        {
            var t when t == typeof(float) => row => Boxed(row.GetGetter<float>(column)),
            var t when t == typeof(double) => row => Boxed(row.GetGetter<double>(column)),
            var t when t == typeof(bool) => row => Boxed(row.GetGetter<bool>(column)),
            var t when t == typeof(int) => row => Boxed(row.GetGetter<int>(column)),
            var t when t == typeof(uint) => row => Boxed(row.GetGetter<uint>(column)),
            var t when t == typeof(long) => row => Boxed(row.GetGetter<long>(column)),
            var t when t == typeof(ReadOnlyMemory<char>) => row => Text(row.GetGetter<ReadOnlyMemory<char>>(column)),
            _ => null,
        };
    }

    private static Func<DataViewRow, Func<object?>>? KeyReader(DataViewSchema.Column column)
    {
        if (column.Type.RawType != typeof(uint))
            return null;
        string[]? names = null;
        if (column.Annotations.Schema.GetColumnOrNull("KeyValues") is { Type: VectorDataViewType { ItemType: TextDataViewType } })
        {
            VBuffer<ReadOnlyMemory<char>> values = default;
            column.GetKeyValues(ref values);
            names = values.DenseValues().Select(v => v.ToString()).ToArray();
        }
        return row =>
        {
            var getter = row.GetGetter<uint>(column);
            return () =>
            {
                uint key = 0;
                getter(ref key);
                // Key 0 is ML.NET's missing value; key k names value k - 1.
                return key == 0 ? null : names is not null && key <= names.Length ? names[key - 1] : key;
            };
        };
    }

    private static Func<object?> Boxed<T>(ValueGetter<T> getter) => () =>
    {
        T value = default!;
        getter(ref value);
        return value;
    };

    private static Func<object?> Text(ValueGetter<ReadOnlyMemory<char>> getter) => () =>
    {
        ReadOnlyMemory<char> value = default;
        getter(ref value);
        return value.ToString();
    };

    private static Func<object?> Vector(ValueGetter<VBuffer<float>> getter) => () =>
    {
        VBuffer<float> value = default;
        getter(ref value);
        return value.DenseValues().ToArray();
    };
}
