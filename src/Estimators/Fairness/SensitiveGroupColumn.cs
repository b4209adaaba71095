using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML;

/// <summary>The sensitive groups of the training rows: the groups' values in output order, and each row's group index.</summary>
/// <param name="Names">The groups as text; the adversary's output (or, for two groups, its label) <c>k</c> is group <c>Names[k]</c>.</param>
/// <param name="Codes">Each row's index into <paramref name="Names"/>, as a float (exact: at most <see cref="SensitiveGroupColumn.MaxGroups"/> groups).</param>
internal sealed record SensitiveGroups(IReadOnlyList<string> Names, float[] Codes);

/// <summary>
/// The sensitive column that adversarial debiasing reads alongside the labels: checked against a
/// schema (Boolean, String, key, or whole-number Single, Double, Int32 or Int64 scalar), then read
/// row by row as the group's text and encoded as group indices once every row has been seen (the
/// groups are only known then), or, when resuming, with the checkpoint's groups.
/// </summary>
internal static class SensitiveGroupColumn
{
    /// <summary>The most groups the adversary accepts: beyond this a column is more likely an identifier or a measurement than a group.</summary>
    public const int MaxGroups = 64;

    private const string Role = "sensitive";
    private const string Expected = "a scalar Boolean, String, key, or whole-number Single, Double, Int32 or Int64 column";
    private const string Fix = "Name a column that holds 2 to 64 groups in AdversarialDebiasingOptions.SensitiveColumnName (for example \"Sex\" or \"Race\"); convert other types with ml.Transforms.Conversion.";

    /// <summary>The column, or an error naming it (missing: the available columns; wrong type: expected and actual).</summary>
    public static DataViewSchema.Column Resolve(DataViewSchema schema, string name, string component)
    {
        var column = ColumnChecks.Find(schema, component, Role, name);
        var t = column.Type;
        if (!(IsPlainType(t) || t is KeyDataViewType { RawType: var raw } && raw == typeof(uint)))
            throw ColumnChecks.Mismatch(component, Role, name, Expected, ColumnChecks.Describe(t), Fix);
        return column;
    }

    /// <summary>The same check on a schema shape (pipeline construction time).</summary>
    public static void Check(SchemaShape shape, string name, string component)
    {
        var column = ColumnChecks.Find(shape, component, Role, name);
        var ok = column.Kind == SchemaShape.Column.VectorKind.Scalar && (column.IsKey || IsPlainType(column.ItemType));
        if (!ok)
            throw ColumnChecks.Mismatch(component, Role, name, Expected, ColumnChecks.Describe(column), Fix);
    }

    private static bool IsPlainType(DataViewType t) =>
        t == BooleanDataViewType.Instance || t is TextDataViewType || t == NumberDataViewType.Single || t == NumberDataViewType.Double
        || t == NumberDataViewType.Int32 || t == NumberDataViewType.Int64;

    /// <summary>A getter of the current row's group as text ("true"/"false", the number, the string, or the key's value).</summary>
    public static Func<long, string> Reader(DataViewRowCursor cursor, DataViewSchema.Column column, string component, string role)
    {
        var name = column.Name;
        var t = column.Type;
        if (t is BooleanDataViewType)
        {
            var getBool = cursor.GetGetter<bool>(column);
            return _ => { var b = false; getBool(ref b); return b ? "true" : "false"; };
        }
        if (t is TextDataViewType)
        {
            var getText = cursor.GetGetter<ReadOnlyMemory<char>>(column);
            return _ => { var m = default(ReadOnlyMemory<char>); getText(ref m); return m.ToString(); };
        }
        if (t == NumberDataViewType.Int32)
        {
            var getInt = cursor.GetGetter<int>(column);
            return _ => { var v = 0; getInt(ref v); return v.ToString(CultureInfo.InvariantCulture); };
        }
        if (t == NumberDataViewType.Int64)
        {
            var getLong = cursor.GetGetter<long>(column);
            return _ => { var v = 0L; getLong(ref v); return v.ToString(CultureInfo.InvariantCulture); };
        }
        if (t == NumberDataViewType.Single)
        {
            var getSingle = cursor.GetGetter<float>(column);
            return row => { var v = 0f; getSingle(ref v); return WholeNumber(v, row, name, component, role); };
        }
        if (t == NumberDataViewType.Double)
        {
            var getDouble = cursor.GetGetter<double>(column);
            return row => { var v = 0.0; getDouble(ref v); return WholeNumber(v, row, name, component, role); };
        }
        var keyNames = KeyNames(column);
        var getKey = cursor.GetGetter<uint>(column);
        return row =>
        {
            uint key = 0;
            getKey(ref key);
            if (key == 0)
                throw new InvalidOperationException($"{component}: {role} row {row}, sensitive column '{name}' holds key 0 (a missing or unseen value). Remove rows with a missing group, or fit MapValueToKey on data that holds every group.");
            return key <= keyNames.Count ? keyNames[(int)key - 1] : key.ToString(CultureInfo.InvariantCulture);
        };
    }

    private static string WholeNumber(double v, long row, string name, string component, string role)
    {
        if (!double.IsFinite(v) || v != Math.Round(v))
            throw new InvalidOperationException(
                $"{component}: {role} row {row}, sensitive column '{name}' holds {v.ToString(CultureInfo.InvariantCulture)}; a numeric sensitive column must hold whole-number group codes (for example 0, 1, 2). " +
                "Remove rows with a missing group, bin the values into groups first, or map the column to a String or key column.");
        return (v == 0 ? 0.0 : v).ToString(CultureInfo.InvariantCulture); // never "-0"
    }

    /// <summary>
    /// Encodes the rows' groups as indices. From the data (<paramref name="known"/> null): two groups
    /// give <paramref name="privileged"/> (or, when null, the second in ordinal order) index 1 and the
    /// other index 0; more groups take ordinal order (<paramref name="privileged"/> must still occur).
    /// Fails with fewer than 2 or more than <see cref="MaxGroups"/> groups. With <paramref name="known"/>
    /// (a resumed run's groups), a value outside them fails with its row.
    /// </summary>
    public static SensitiveGroups Encode(IReadOnlyList<string> groups, string column, string? privileged, string component, IReadOnlyList<string>? known = null)
    {
        var names = known ?? Discover(groups, column, privileged, component);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var k = 0; k < names.Count; k++)
            index[names[k]] = k;
        var codes = new float[groups.Count];
        for (var i = 0; i < codes.Length; i++)
        {
            if (!index.TryGetValue(groups[i], out var k))
                throw new InvalidOperationException(
                    $"{component}: training row {i}, sensitive column '{column}' holds \"{groups[i]}\", a group the checkpoint being resumed does not know (its groups: {Shown(names)}). " +
                    "The adversary has one output per group, fixed when training started: remove the rows of new groups, or train from the start without ResumeFromCheckpoint.");
            codes[i] = k;
        }
        return new SensitiveGroups(names, codes);
    }

    private static string[] Discover(IReadOnlyList<string> groups, string column, string? privileged, string component)
    {
        var distinct = groups.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (distinct.Length < 2)
            throw new InvalidOperationException(
                $"{component}: sensitive column '{column}' holds {distinct.Length} group(s) in the training data ({Shown(distinct)}); adversarial debiasing needs at least 2. " +
                "Check AdversarialDebiasingOptions.SensitiveColumnName and any row filters, or train without AdversarialDebiasing.");
        if (distinct.Length > MaxGroups)
            throw new InvalidOperationException(
                $"{component}: sensitive column '{column}' holds {distinct.Length} groups in the training data ({Shown(distinct)}); adversarial debiasing accepts at most {MaxGroups}. " +
                "Check that the column is a group and not an identifier or a measurement, and merge rare groups (for example with ml.Transforms.CustomMapping) before training.");
        if (privileged is not null && !distinct.Contains(privileged, StringComparer.Ordinal))
            throw new ArgumentException(
                $"{component}: AdversarialDebiasingOptions.PrivilegedGroup is \"{privileged}\", but sensitive column '{column}' holds {Shown(distinct)}. Use one of these values, or null for ordinal order.",
                nameof(AdversarialDebiasingOptions.PrivilegedGroup));
        if (distinct.Length > 2)
            return distinct; // softmax over K outputs: which group is which output changes nothing
        var one = privileged ?? distinct[1];
        return [distinct[0] == one ? distinct[1] : distinct[0], one];
    }

    /// <summary>Up to ten values, quoted, for messages.</summary>
    public static string Shown(IReadOnlyList<string> values) =>
        values.Count == 0 ? "none" : string.Join(", ", values.Take(10).Select(v => $"\"{v}\"")) + (values.Count > 10 ? $", … ({values.Count} in all)" : "");

    private static IReadOnlyList<string> KeyNames(DataViewSchema.Column column)
    {
        if (column.Annotations.Schema.GetColumnOrNull("KeyValues") is not { Type: VectorDataViewType { ItemType: TextDataViewType } })
            return [];
        var names = default(VBuffer<ReadOnlyMemory<char>>);
        column.Annotations.GetValue("KeyValues", ref names);
        return names.DenseValues().Select(n => n.ToString()).ToArray();
    }
}
