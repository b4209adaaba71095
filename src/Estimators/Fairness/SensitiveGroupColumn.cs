using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML;

/// <summary>
/// The sensitive column that adversarial debiasing reads alongside the labels: checked against a
/// schema (Boolean, Single 0/1, String or key scalar), then read row by row as the group's text and
/// encoded as 0/1 once every row has been seen (the two groups are only known then).
/// </summary>
internal static class SensitiveGroupColumn
{
    private const string Role = "sensitive";
    private const string Expected = "a scalar Boolean, Single (0/1), String or key column";
    private const string Fix = "Name a column with exactly two groups in AdversarialDebiasingOptions.SensitiveColumnName (for example \"Sex\"); convert other types with ml.Transforms.Conversion.";

    /// <summary>The column, or an error naming it (missing: the available columns; wrong type: expected and actual).</summary>
    public static DataViewSchema.Column Resolve(DataViewSchema schema, string name, string component)
    {
        var column = ColumnChecks.Find(schema, component, Role, name);
        var t = column.Type;
        if (!(t == BooleanDataViewType.Instance || t == NumberDataViewType.Single || t is TextDataViewType || t is KeyDataViewType { RawType: var raw } && raw == typeof(uint)))
            throw ColumnChecks.Mismatch(component, Role, name, Expected, ColumnChecks.Describe(t), Fix);
        return column;
    }

    /// <summary>The same check on a schema shape (pipeline construction time).</summary>
    public static void Check(SchemaShape shape, string name, string component)
    {
        var column = ColumnChecks.Find(shape, component, Role, name);
        var t = column.ItemType;
        var ok = column.Kind == SchemaShape.Column.VectorKind.Scalar
            && (column.IsKey || t == BooleanDataViewType.Instance || t == NumberDataViewType.Single || t is TextDataViewType);
        if (!ok)
            throw ColumnChecks.Mismatch(component, Role, name, Expected, ColumnChecks.Describe(column), Fix);
    }

    /// <summary>A getter of the current row's group as text ("true"/"false", "0"/"1", the string, or the key's value).</summary>
    public static Func<long, string> Reader(DataViewRowCursor cursor, DataViewSchema.Column column, string component, string role)
    {
        var name = column.Name;
        switch (column.Type)
        {
            case BooleanDataViewType:
                var getBool = cursor.GetGetter<bool>(column);
                return _ => { var b = false; getBool(ref b); return b ? "true" : "false"; };
            case NumberDataViewType:
                var getSingle = cursor.GetGetter<float>(column);
                return row =>
                {
                    var v = 0f;
                    getSingle(ref v);
                    if (v is not (0f or 1f))
                        throw new InvalidOperationException($"{component}: {role} row {row}, sensitive column '{name}' holds {v}; a Single sensitive column must hold 0 or 1. Map it to 0/1 or to Boolean first, or use a String column.");
                    return v == 1f ? "1" : "0";
                };
            case TextDataViewType:
                var getText = cursor.GetGetter<ReadOnlyMemory<char>>(column);
                return _ => { var m = default(ReadOnlyMemory<char>); getText(ref m); return m.ToString(); };
            default:
                var keyNames = KeyNames(column);
                var getKey = cursor.GetGetter<uint>(column); // ML.NET keys read as their raw type; converted below when needed
                return row =>
                {
                    uint key = 0;
                    getKey(ref key);
                    if (key == 0)
                        throw new InvalidOperationException($"{component}: {role} row {row}, sensitive column '{name}' holds key 0 (a missing or unseen value). Remove rows with a missing group, or fit MapValueToKey on data that holds both groups.");
                    return key <= keyNames.Count ? keyNames[(int)key - 1] : key.ToString(CultureInfo.InvariantCulture);
                };
        }
    }

    /// <summary>
    /// Encodes groups as 0/1: <paramref name="privileged"/> (when given) is 1, otherwise the second of
    /// the two values in ordinal order. Fails unless exactly two groups occur.
    /// </summary>
    public static float[] Encode(IReadOnlyList<string> groups, string column, string? privileged, string component)
    {
        var distinct = groups.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (distinct.Length != 2)
            throw new InvalidOperationException(
                $"{component}: sensitive column '{column}' holds {distinct.Length} group(s) in the training data ({Shown(distinct)}); adversarial debiasing needs exactly 2. " +
                "Merge the groups into two (for example with ml.Transforms.Expression), or filter the rows.");
        if (privileged is not null && !distinct.Contains(privileged, StringComparer.Ordinal))
            throw new ArgumentException(
                $"{component}: AdversarialDebiasingOptions.PrivilegedGroup is \"{privileged}\", but sensitive column '{column}' holds {Shown(distinct)}. Use one of these values, or null for ordinal order.",
                nameof(AdversarialDebiasingOptions.PrivilegedGroup));
        var one = privileged ?? distinct[1];
        var encoded = new float[groups.Count];
        for (var i = 0; i < encoded.Length; i++)
            encoded[i] = string.Equals(groups[i], one, StringComparison.Ordinal) ? 1f : 0f;
        return encoded;
    }

    private static string Shown(string[] values) =>
        values.Length == 0 ? "none" : string.Join(", ", values.Take(10).Select(v => $"\"{v}\"")) + (values.Length > 10 ? ", …" : "");

    private static IReadOnlyList<string> KeyNames(DataViewSchema.Column column)
    {
        if (column.Annotations.Schema.GetColumnOrNull("KeyValues") is not { Type: VectorDataViewType { ItemType: TextDataViewType } })
            return [];
        var names = default(VBuffer<ReadOnlyMemory<char>>);
        column.Annotations.GetValue("KeyValues", ref names);
        return names.DenseValues().Select(n => n.ToString()).ToArray();
    }
}
