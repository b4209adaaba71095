using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML.Explainability;

/// <summary>A feature column read into memory: row-major values, its size and slot names.</summary>
internal sealed record FeatureMatrix(float[] Values, int Rows, int Size, IReadOnlyList<string> SlotNames)
{
    /// <summary>The vector of row <paramref name="row"/>.</summary>
    public ReadOnlySpan<float> Row(int row) => Values.AsSpan(row * Size, Size);

    /// <summary>
    /// Reads the known-size vector of Single column <paramref name="column"/> of <paramref name="data"/>
    /// (at most <paramref name="maxRows"/> rows); a missing or wrong-typed column is refused in the
    /// project's words, naming <paramref name="component"/> and <paramref name="role"/>.
    /// </summary>
    public static FeatureMatrix Read(IDataView data, string column, string component, string role, int maxRows = int.MaxValue,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        var col = ColumnChecks.Find(data.Schema, component, role, column);
        var size = ColumnChecks.RequireFloatVector(col, component, role);
        var slotNames = SlotNamesOf(col, size);
        var values = new List<float>();
        var rows = 0;
        using (var cursor = data.GetRowCursor([col]))
        {
            var getter = cursor.GetGetter<VBuffer<float>>(col);
            var buffer = default(VBuffer<float>);
            while (rows < maxRows && cursor.MoveNext())
            {
                if ((rows & 1023) == 0)
                    cancellation.ThrowIfCancellationRequested();
                getter(ref buffer);
                foreach (var v in buffer.DenseValues())
                    values.Add(v);
                rows++;
            }
        }
        return new FeatureMatrix(values.ToArray(), rows, size, slotNames);
    }

    /// <summary>
    /// The rows an explainer explains: <see cref="Read"/>, refused unless the vectors have the explainer's <paramref name="size"/>
    /// (<paramref name="sizeOf"/> says whose size that is, for the message).
    /// </summary>
    public static FeatureMatrix ReadRows(IDataView data, string column, int size, string component, string sizeOf, int maxRows, CancellationToken cancellation)
    {
        var rows = Read(data, column, component, "feature", maxRows, cancellation);
        if (rows.Size != size)
            throw new ArgumentException(ColumnChecks.MismatchMessage(component, "feature", column, $"vector of Single of size {size} ({sizeOf})",
                $"Vector<Single, {rows.Size}>", "Explain rows built by the same featurization as the model's training data."), nameof(data));
        return rows;
    }

    /// <summary>Refuses a buffer that does not hold <paramref name="rows"/> vectors of <paramref name="size"/> values.</summary>
    public static void CheckBuffer(float[] features, int rows, int size, string component)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (rows < 0 || (long)rows * size > features.Length)
            throw new ArgumentException($"{component}: {rows} rows of {size} values need {(long)rows * size} values; {features.Length} were given.", nameof(features));
    }

    /// <summary>The column's slot names, or <c>f0, f1, …</c> where it has none (or they are empty).</summary>
    public static IReadOnlyList<string> SlotNamesOf(DataViewSchema.Column column, int size)
    {
        var names = default(VBuffer<ReadOnlyMemory<char>>);
        if (column.Annotations.Schema.GetColumnOrNull("SlotNames") is { Type: VectorDataViewType { ItemType: TextDataViewType, Size: var n } } && n == size)
        {
            column.Annotations.GetValue("SlotNames", ref names);
            var text = names.DenseValues().Select(n => n.ToString()).ToArray();
            if (text.Length == size && text.All(n => n.Length > 0))
                return text;
        }
        return Enumerable.Range(0, size).Select(i => $"f{i}").ToArray();
    }
}
