using System.Globalization;
using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML.Testing;

/// <summary>Reads data views into exact, comparable text (one string per row) and describes schemas.</summary>
public static class ContractData
{
    private static readonly MethodInfo ReadMethod = typeof(ContractData).GetMethod(nameof(Reader), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>
    /// Every row of <paramref name="view"/> restricted to <paramref name="columns"/>, each value written
    /// exactly (floats round-trip, vectors in full, keys as numbers), one string per row.
    /// </summary>
    public static List<string> Rows(IDataView view, IEnumerable<string> columns)
    {
        var selected = columns.Select(n => view.Schema[n]).ToArray();
        using var cursor = view.GetRowCursor(selected);
        var read = RowReader(cursor, selected);
        var rows = new List<string>();
        while (cursor.MoveNext())
            rows.Add(read());
        return rows;
    }

    /// <summary>Reads the current row of <paramref name="cursor"/> (the given columns) as one exact string.</summary>
    public static Func<string> RowReader(DataViewRowCursor cursor, IEnumerable<DataViewSchema.Column> columns)
    {
        var readers = columns.Select(c => (Func<string>)ReadMethod.MakeGenericMethod(c.Type is VectorDataViewType v ? v.ItemType.RawType : c.Type.RawType).Invoke(null, [cursor, c])!).ToArray();
        return () => string.Join(" | ", readers.Select(r => r()));
    }

    /// <summary>The visible columns of <paramref name="view"/> as rows (see <see cref="Rows(IDataView, IEnumerable{string})"/>).</summary>
    public static List<string> Rows(IDataView view) =>
        Rows(view, view.Schema.Where(c => !c.IsHidden).Select(c => c.Name));

    /// <summary>The columns a transformer appended to its input's schema (indices past the input's columns).</summary>
    public static IReadOnlyList<string> AddedColumns(DataViewSchema input, DataViewSchema output) =>
        output.Where(c => c.Index >= input.Count && !c.IsHidden).Select(c => c.Name).ToArray();

    /// <summary>
    /// ML.NET's own shape of <paramref name="schema"/> (<c>SchemaShape.Create</c>, internal in ML.NET 5,
    /// called through reflection so that the suite compares against ML.NET rather than DeepML's helper).
    /// </summary>
    public static SchemaShape ShapeOf(DataViewSchema schema) =>
        (SchemaShape)(typeof(SchemaShape).GetMethod("Create", BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic, [typeof(DataViewSchema)])
            ?? throw new MissingMethodException("SchemaShape.Create(DataViewSchema) not found in this Microsoft.ML version.")).Invoke(null, [schema])!;

    /// <summary>ML.NET's <c>SchemaShape.Column.IsCompatibleWith</c> (internal): <paramref name="actual"/> satisfies <paramref name="promised"/>.</summary>
    public static bool IsCompatible(SchemaShape.Column promised, SchemaShape.Column actual) =>
        (bool)(typeof(SchemaShape.Column).GetMethod("IsCompatibleWith", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            ?? throw new MissingMethodException("SchemaShape.Column.IsCompatibleWith not found in this Microsoft.ML version.")).Invoke(promised, [actual])!;

    /// <summary>A column's name, kind and type, e.g. <c>Score: Vector&lt;Single, 3&gt;</c>.</summary>
    public static string Describe(DataViewSchema.Column c) => $"{c.Name}: {Describe(c.Type)}";

    /// <summary>A type's kind and item type, with key-ness and key count.</summary>
    public static string Describe(DataViewType type) => type switch
    {
        VectorDataViewType v => $"Vector<{Describe(v.ItemType)}, {(v.IsKnownSize ? v.Size.ToString(CultureInfo.InvariantCulture) : "?")}>",
        KeyDataViewType k => $"Key<{k.RawType.Name}, {k.Count}>",
        _ => type.RawType.Name,
    };

    /// <summary>One value written exactly.</summary>
    public static string Format(object? value) => value switch
    {
        null => "null",
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        ReadOnlyMemory<char> m => "\"" + m.ToString() + "\"",
        string s => "\"" + s + "\"",
        IFormattable x => x.ToString(null, CultureInfo.InvariantCulture),
        System.Collections.IEnumerable e => "[" + string.Join(", ", e.Cast<object?>().Select(Format)) + "]",
        _ => value.ToString() ?? "",
    };

    private static Func<string> Reader<T>(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        if (column.Type is VectorDataViewType)
        {
            var getter = cursor.GetGetter<VBuffer<T>>(column);
            var buffer = default(VBuffer<T>);
            return () =>
            {
                getter(ref buffer);
                return Format(buffer.DenseValues().Select(v => (object?)v).ToArray());
            };
        }
        var scalar = cursor.GetGetter<T>(column);
        return () =>
        {
            var v = default(T)!;
            scalar(ref v);
            return Format(v);
        };
    }
}
