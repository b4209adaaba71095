using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML;

/// <summary>
/// Schema checks shared by DeepML components. Every message says which component, which column
/// and role, what was expected, what was found, and how to fix it; a missing column lists the
/// columns that exist.
/// </summary>
internal static class ColumnChecks
{
    /// <summary>The column named <paramref name="name"/>, or an error listing the available columns.</summary>
    public static DataViewSchema.Column Find(DataViewSchema schema, string component, string role, string name)
    {
        var column = schema.GetColumnOrNull(name);
        if (column is { IsHidden: false } found)
            return found;
        throw new ArgumentOutOfRangeException(name,
            $"{component}: {role} column '{name}' was not found. Available columns: {Available(schema.Where(c => !c.IsHidden).Select(c => c.Name))}. " +
            $"Pass the right column name in the options or add the column to the pipeline.");
    }

    /// <summary>The shape column named <paramref name="name"/>, or an error listing the available columns.</summary>
    public static SchemaShape.Column Find(SchemaShape schema, string component, string role, string name)
    {
        foreach (var column in schema)
        {
            if (column.Name == name)
                return column;
        }
        throw new ArgumentOutOfRangeException(name,
            $"{component}: {role} column '{name}' was not found. Available columns: {Available(schema.Select(c => c.Name))}. " +
            $"Pass the right column name in the options or add the column to the pipeline.");
    }

    /// <summary>Throws the standard schema-mismatch error.</summary>
    public static Exception Mismatch(string component, string role, string name, string expected, string actual, string fix) =>
        new ArgumentOutOfRangeException(name,
            $"{component}: schema mismatch for {role} column '{name}': expected {expected}, got {actual}. {fix}");

    /// <summary>Requires a known-size vector of Single (optionally of a given size); returns its size.</summary>
    public static int RequireFloatVector(DataViewSchema.Column column, string component, string role, int expectedSize = 0)
    {
        const string fix = "Concatenate numeric columns into one vector first (ml.Transforms.Concatenate) and convert them to Single (ml.Transforms.Conversion.ConvertType).";
        if (column.Type is not VectorDataViewType { ItemType: NumberDataViewType n } vector || n != NumberDataViewType.Single)
            throw Mismatch(component, role, column.Name, "known-size vector of Single", Describe(column.Type), fix);
        if (!vector.IsKnownSize)
            throw Mismatch(component, role, column.Name, "known-size vector of Single", Describe(column.Type),
                "The vector's size must be known when the pipeline is built; a variable-size vector (e.g. from tokenizing) cannot feed a network. Use a fixed-size featurizer.");
        if (expectedSize > 0 && vector.Size != expectedSize)
            throw Mismatch(component, role, column.Name, $"vector of Single of size {expectedSize} (the size the model was trained on)", Describe(column.Type),
                "Build the features with the same pipeline that was used for training.");
        return vector.Size;
    }

    /// <summary>Requires a known-size vector of Single in a schema shape (sizes are not visible in shapes).</summary>
    public static void RequireFloatVector(SchemaShape.Column column, string component, string role)
    {
        if (column.Kind != SchemaShape.Column.VectorKind.Vector || column.ItemType != NumberDataViewType.Single)
            throw Mismatch(component, role, column.Name, "known-size vector of Single", Describe(column),
                "Concatenate numeric columns into one vector first (ml.Transforms.Concatenate) and convert them to Single.");
    }

    /// <summary>A readable name of a column type, e.g. <c>Vector&lt;Single, 14&gt;</c>.</summary>
    public static string Describe(DataViewType type) => type switch
    {
        VectorDataViewType { IsKnownSize: true } v => $"Vector<{Describe(v.ItemType)}, {v.Size}>",
        VectorDataViewType v => $"Vector<{Describe(v.ItemType)}> of unknown size",
        KeyDataViewType k => $"Key<{k.RawType.Name}, {k.Count}>",
        _ => type.RawType == typeof(ReadOnlyMemory<char>) ? "String" : type.ToString() ?? type.GetType().Name,
    };

    /// <summary>A readable description of a column shape.</summary>
    public static string Describe(SchemaShape.Column column)
    {
        var item = column.IsKey ? $"Key<{column.ItemType.RawType.Name}>" : Describe(column.ItemType);
        return column.Kind switch
        {
            SchemaShape.Column.VectorKind.Vector => $"Vector<{item}>",
            SchemaShape.Column.VectorKind.VariableVector => $"Vector<{item}> of unknown size",
            _ => item,
        };
    }

    private static string Available(IEnumerable<string> names)
    {
        var list = names.Distinct().ToArray();
        return list.Length == 0 ? "(none)" : string.Join(", ", list.Select(n => $"'{n}'"));
    }
}
