using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML.Fairness;

/// <summary>Schema checks shared by the fairness components; every message names the column.</summary>
internal static class ColumnChecks
{
    /// <summary>Finds a column or throws, listing the columns that exist (DeepML's shared message).</summary>
    public static DataViewSchema.Column Find(DataViewSchema schema, string component, string role, string name) =>
        DeepML.ColumnChecks.Find(schema, component, role, name);

    /// <summary>Throws the three-part type error for a column.</summary>
    public static ArgumentOutOfRangeException WrongType(string component, string role, DataViewSchema.Column column, string expected, string fix) =>
        new(nameof(column), $"{component}: schema mismatch for {role} column '{column.Name}': expected {expected}, got {column.Type}. {fix}");

    /// <summary>True for a scalar Single or Double column.</summary>
    public static bool IsRealScalar(DataViewType type) => type == NumberDataViewType.Single || type == NumberDataViewType.Double;

    /// <summary>True for the scalar types a binary label or prediction may have.</summary>
    public static bool IsBinaryLike(DataViewType type) =>
        type == BooleanDataViewType.Instance || type == NumberDataViewType.Single || type == NumberDataViewType.Double
        || type == NumberDataViewType.Int32 || type == NumberDataViewType.Int64;

    /// <summary>Counts rows of a data view (uses the fast path when the view knows it).</summary>
    public static long CountRows(IDataView data)
    {
        if (data.GetRowCount() is { } n)
            return n;
        long count = 0;
        using var cursor = data.GetRowCursor([]);
        while (cursor.MoveNext())
            count++;
        return count;
    }
}
