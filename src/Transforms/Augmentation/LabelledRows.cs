using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML.Augmentation;

/// <summary>
/// The input of a rebalancing verb, read once and checked: the columns kept, each row's class, the
/// class names and counts, and (for the SMOTE family) the features as dense rows.
/// </summary>
internal sealed class LabelledRows
{
    /// <summary>The fix sentence of a label of the wrong type.</summary>
    public const string LabelFix = "Map the label to a key first (ml.Transforms.Conversion.MapValueToKey), or use a Boolean label.";

    /// <summary>The expected-type text of the label column.</summary>
    public const string LabelExpected = "key or Boolean";

    private const string KeyValuesKind = "KeyValues";

    private LabelledRows(StoredColumn[] columns, int[] classOfRow, string[] classes, long[] counts, float[][]? features)
    {
        Columns = columns;
        ClassOfRow = classOfRow;
        Classes = classes;
        Counts = counts;
        Features = features;
    }

    /// <summary>The columns kept, in input order (the label and, if read, the features among them).</summary>
    public StoredColumn[] Columns { get; }

    /// <summary>Each row's class: an index into <see cref="Classes"/>.</summary>
    public int[] ClassOfRow { get; }

    /// <summary>Names of the classes present, in key (or False, True) order.</summary>
    public string[] Classes { get; }

    /// <summary>Rows per class.</summary>
    public long[] Counts { get; }

    /// <summary>Dense feature rows, when the verb reads features.</summary>
    public float[][]? Features { get; }

    /// <summary>Row count.</summary>
    public int Rows => ClassOfRow.Length;

    /// <summary>The row indices of each class, in input order.</summary>
    public int[][] RowsByClass()
    {
        var byClass = Classes.Select(_ => new List<int>()).ToArray();
        for (var i = 0; i < ClassOfRow.Length; i++)
            byClass[ClassOfRow[i]].Add(i);
        return byClass.Select(l => l.ToArray()).ToArray();
    }

    /// <summary>Checks the schema and reads the rows.</summary>
    /// <param name="data">The input.</param>
    /// <param name="component">The verb's name, first word of every error.</param>
    /// <param name="labelName">The label column.</param>
    /// <param name="featureName">The feature column, or null when the verb does not read features.</param>
    /// <param name="keepAll">True to keep every visible column; false to keep the label and the features only.</param>
    /// <param name="cancellation">Checked while reading.</param>
    public static LabelledRows Read(IDataView data, string component, string labelName, string? featureName, bool keepAll, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(data);
        var label = ColumnChecks.Find(data.Schema, component, "label", labelName);
        if (!(label.Type is BooleanDataViewType || label.Type is KeyDataViewType))
            throw ColumnChecks.Mismatch(component, "label", label, LabelExpected, LabelFix);
        DataViewSchema.Column? features = null;
        if (featureName is not null)
        {
            features = ColumnChecks.Find(data.Schema, component, "feature", featureName);
            ColumnChecks.RequireFloatVector(features.Value, component, "feature");
        }
        var kept = keepAll
            ? data.Schema.Where(c => !c.IsHidden).ToList()
            : new[] { label, features }.Where(c => c is not null).Select(c => c!.Value).OrderBy(c => c.Index).ToList();
        var columns = StoredColumn.ReadAll(data, kept, cancellation);
        var labelColumn = columns[kept.FindIndex(c => c.Index == label.Index)];
        if (labelColumn.Count == 0)
            throw new ArgumentException($"{component}: the input has no rows; expected at least one row of each class to rebalance. Check the data loading and any filters before rebalancing.", nameof(data));
        var (raw, names) = ClassValues(labelColumn, label, component);
        // Present classes only, in key order (imbalanced-learn counts the classes that occur).
        var present = raw.Distinct().Order().ToArray();
        var classOf = present.Select((v, i) => (v, i)).ToDictionary(p => p.v, p => p.i);
        var classOfRow = raw.Select(v => classOf[v]).ToArray();
        var counts = new long[present.Length];
        foreach (var c in classOfRow)
            counts[c]++;
        float[][]? dense = null;
        if (features is not null)
            dense = DenseRows((VectorColumn<float>)columns[kept.FindIndex(c => c.Index == features.Value.Index)], component, featureName!);
        return new LabelledRows(columns, classOfRow, present.Select(v => names(v)).ToArray(), counts, dense);
    }

    private static (ulong[] Raw, Func<ulong, string> Name) ClassValues(StoredColumn column, DataViewSchema.Column label, string component)
    {
        if (column is ScalarColumn<bool> b)
            return (b.Values.Select(v => v ? 1UL : 0UL).ToArray(), v => v == 1 ? "True" : "False");
        ulong[] raw = column switch
        {
            ScalarColumn<uint> u => u.Values.Select(v => (ulong)v).ToArray(),
            ScalarColumn<byte> u => u.Values.Select(v => (ulong)v).ToArray(),
            ScalarColumn<ushort> u => u.Values.Select(v => (ulong)v).ToArray(),
            ScalarColumn<ulong> u => u.Values.ToArray(),
            _ => throw ColumnChecks.Mismatch(component, "label", label, LabelExpected, LabelFix),
        };
        var missing = Array.IndexOf(raw, 0UL);
        if (missing >= 0)
            throw new ArgumentException($"{component}: label column '{label.Name}' is missing (key 0) at row {missing}; expected a class in every row. Filter out rows with missing labels first (ml.Data.FilterRowsByMissingValues on the source column).", nameof(label));
        var keyValues = KeyValues(label);
        return (raw, v => keyValues is not null && (long)v - 1 < keyValues.Length ? keyValues[v - 1] : v.ToString(CultureInfo.InvariantCulture));
    }

    private static string[]? KeyValues(DataViewSchema.Column label)
    {
        var annotation = label.Annotations.Schema.GetColumnOrNull(KeyValuesKind);
        if (annotation is not { Type: VectorDataViewType vector })
            return null;
        var read = typeof(LabelledRows).GetMethod(nameof(ReadKeyValues), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(vector.ItemType.RawType);
        return (string[])read.Invoke(null, [label])!;
    }

    private static string[] ReadKeyValues<T>(DataViewSchema.Column label)
    {
        VBuffer<T> values = default;
        label.Annotations.GetValue(KeyValuesKind, ref values);
        return values.DenseValues().Select(v => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "").ToArray();
    }

    private static float[][] DenseRows(VectorColumn<float> column, string component, string featureName)
    {
        var rows = new float[column.Count][];
        for (var row = 0; row < rows.Length; row++)
        {
            var buffer = column.Value(row);
            var dense = new float[buffer.Length];
            buffer.CopyTo(dense);
            var nan = Array.FindIndex(dense, float.IsNaN);
            if (nan >= 0)
                throw new ArgumentException($"{component}: feature column '{featureName}' has NaN at row {row}, slot {nan}; expected finite values (distances cannot be computed with NaN). Replace missing values first (ml.Transforms.ReplaceMissingValues).", featureName);
            rows[row] = dense;
        }
        return rows;
    }
}
