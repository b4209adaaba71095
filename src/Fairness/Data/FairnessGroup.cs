namespace DeepML.Fairness;

/// <summary>
/// One group: a combination of values of the sensitive columns (an intersection when there are
/// several), or, in <see cref="GroupMetrics.ControlGroups"/>, of the control columns. Every
/// combination of observed values is listed, in the order the values were first seen; combinations
/// that no row has are kept and marked <see cref="IsEmpty"/>, as Fairlearn's <c>MetricFrame</c>
/// keeps them as NaN rows. Within one control value (<see cref="GroupMetrics.ByControl"/>) the row
/// count is that of the (control value, group) cell, so a group can be empty there only.
/// </summary>
public sealed class FairnessGroup
{
    internal FairnessGroup(int index, IReadOnlyList<string> values, int rowCount)
    {
        Index = index;
        Values = values;
        RowCount = rowCount;
    }

    /// <summary>Position of the group in every by-group list.</summary>
    public int Index { get; }

    /// <summary>The value of each sensitive (or control) column, in the order the columns were named.</summary>
    public IReadOnlyList<string> Values { get; }

    /// <summary>The values joined with " | ", for example <c>Female | Black</c>.</summary>
    public string Name => string.Join(" | ", Values);

    /// <summary>Number of rows in the group (unweighted).</summary>
    public int RowCount { get; }

    /// <summary>True when no row has this combination; its metrics are undefined (NaN).</summary>
    public bool IsEmpty => RowCount == 0;

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>Maps each row to its group over the Cartesian product of the sensitive columns' levels.</summary>
internal sealed class GroupIndex
{
    private GroupIndex(int[] groupOfRow, FairnessGroup[] groups)
    {
        GroupOfRow = groupOfRow;
        Groups = groups;
    }

    /// <summary>The group of each row.</summary>
    public int[] GroupOfRow { get; }

    /// <summary>All groups (Cartesian product), including empty ones.</summary>
    public FairnessGroup[] Groups { get; }

    /// <summary>
    /// Builds the index; the first column varies slowest, like pandas' MultiIndex.from_product.
    /// <paramref name="role"/> ("sensitive" or "control") names the columns in errors.
    /// </summary>
    public static GroupIndex Build(IReadOnlyList<CategoryColumn> columns, int rows, string role = "sensitive")
    {
        var sizes = columns.Select(c => c.Levels.Count).ToArray();
        var total = sizes.Aggregate(1L, (a, b) => a * b);
        if (total > 1_000_000)
            throw new ArgumentException($"Fairness: the {role} columns {string.Join(", ", columns.Select(c => $"'{c.Column.Name}'"))} make {total} groups; expected at most 1,000,000. Bin numeric {role} features into a few ranges first.");
        var groupOfRow = new int[rows];
        var counts = new int[total];
        for (var i = 0; i < rows; i++)
        {
            var g = 0;
            for (var k = 0; k < columns.Count; k++)
                g = g * sizes[k] + columns[k].Codes[i];
            groupOfRow[i] = g;
            counts[g]++;
        }
        var groups = new FairnessGroup[total];
        for (var g = 0; g < total; g++)
        {
            var values = new string[columns.Count];
            var rest = g;
            for (var k = columns.Count - 1; k >= 0; k--)
            {
                values[k] = columns[k].Levels[rest % sizes[k]];
                rest /= sizes[k];
            }
            groups[g] = new FairnessGroup(g, values, counts[g]);
        }
        return new GroupIndex(groupOfRow, groups);
    }
}
