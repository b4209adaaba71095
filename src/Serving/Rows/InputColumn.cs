using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML.Serving;

/// <summary>The scalar types a request may carry, per input column (alone or as a known-size vector).</summary>
public enum InputKind
{
    /// <summary>32-bit float (ML.NET <c>Single</c>), a JSON number.</summary>
    Single,

    /// <summary>64-bit float (ML.NET <c>Double</c>), a JSON number.</summary>
    Double,

    /// <summary>32-bit integer (ML.NET <c>Int32</c>), a JSON integer.</summary>
    Int32,

    /// <summary>64-bit integer (ML.NET <c>Int64</c>), a JSON integer.</summary>
    Int64,

    /// <summary>Boolean, JSON <c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary>Text (ML.NET <c>String</c>), a JSON string.</summary>
    String,
}

/// <summary>One column a prediction request must send: its name, its type and, for a vector, its length.</summary>
/// <param name="Name">The column name, which is the JSON property name.</param>
/// <param name="Kind">The item type.</param>
/// <param name="VectorSize">0 for a scalar, else the vector's known size.</param>
/// <param name="Type">The ML.NET column type.</param>
public sealed record InputColumn(string Name, InputKind Kind, int VectorSize, DataViewType Type)
{
    /// <summary>The type as a user reads it in an error message: <c>Single</c>, <c>String</c>, <c>Vector&lt;Single, 4&gt;</c>.</summary>
    public string TypeName => VectorSize == 0 ? Kind.ToString() : $"Vector<{Kind}, {VectorSize}>";

    /// <summary>The JSON a request sends for one item: "a JSON number", "a JSON string", ...</summary>
    internal string JsonItem => Kind switch
    {
        InputKind.Single or InputKind.Double => "number",
        InputKind.Int32 or InputKind.Int64 => "integer",
        InputKind.Boolean => "true or false",
        _ => "string",
    };

    /// <summary>The input column for an ML.NET column, or null with the reason when a request cannot carry that type.</summary>
    internal static (InputColumn? Column, string? Problem) From(DataViewSchema.Column column)
    {
        var (item, size) = column.Type is VectorDataViewType v ? (v.ItemType, v.Size) : (column.Type, 0);
        if (column.Type is VectorDataViewType { IsKnownSize: false })
            return (null, $"'{column.Name}' is a vector of unknown size");
        InputKind? kind = item switch
        {
            NumberDataViewType n when n.RawType == typeof(float) => InputKind.Single,
            NumberDataViewType n when n.RawType == typeof(double) => InputKind.Double,
            NumberDataViewType n when n.RawType == typeof(int) => InputKind.Int32,
            NumberDataViewType n when n.RawType == typeof(long) => InputKind.Int64,
            BooleanDataViewType => InputKind.Boolean,
            TextDataViewType => InputKind.String,
            _ => null,
        };
        return kind is null
            ? (null, $"'{column.Name}' has type {column.Type}, which a JSON request cannot carry (expected Single, Double, Int32, Int64, Boolean, String or known-size vectors of them)")
            : (new InputColumn(column.Name, kind.Value, size, column.Type), null);
    }
}
