using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML.Augmentation;

/// <summary>
/// SMOTE-NC's view of the feature vector (Chawla et al. 2002, §6.1, as imbalanced-learn's
/// <c>SMOTENC</c>): numeric slots, and categorical groups (the one-hot slots of one source column).
/// </summary>
/// <remarks>
/// <para>A row's category in a group is the slot with the largest value (the first on ties); a group
/// whose slots are all equal (all zero: an unknown category) is its own category.</para>
/// <para>Distance: imbalanced-learn one-hot encodes each categorical feature with entries of
/// Med/2, where Med is the median of the standard deviations (population) of the numeric slots over the
/// minority class; two rows of different categories then differ in two entries, adding
/// 2·(Med/2)² = Med²/2 to the squared Euclidean distance per mismatched group. This class adds exactly
/// that, whatever the group's own values are.</para>
/// <para>Synthetic rows: numeric slots are interpolated; each group takes the most frequent category among
/// the seed's k neighbours (ties broken at random), and its slots are copied from the nearest of those
/// neighbours that has it (so one-hot input stays exactly one-hot).</para>
/// </remarks>
internal sealed class SmoteNcEncoding
{
    private readonly int[] _numeric;
    private readonly int[][] _groups;
    private readonly int[][] _category; // [row][group]
    private readonly float[][] _x;

    private SmoteNcEncoding(float[][] x, int[] numeric, int[][] groups, double medianStd)
    {
        _x = x;
        _numeric = numeric;
        _groups = groups;
        MedianStd = medianStd;
        _category = x.Select(r => groups.Select(g => Category(r, g)).ToArray()).ToArray();
    }

    /// <summary>The median of the numeric slots' standard deviations over the minority class.</summary>
    public double MedianStd { get; }

    /// <summary>The slot indices of each categorical group, in the order of the option.</summary>
    public IReadOnlyList<int[]> Groups => _groups;

    /// <summary>A row's category in a group: a slot index within the group, or −1 when all its slots are equal.</summary>
    public int CategoryOf(int row, int group) => _category[row][group];

    /// <summary>Resolves the groups through the feature column's slot names and measures Med.</summary>
    public static SmoteNcEncoding Create(string component, DataViewSchema.Column features, IReadOnlyList<string> categorical, LabelledRows rows)
    {
        var names = SlotNames(component, features);
        var groupOf = new int[names.Length];
        Array.Fill(groupOf, -1);
        var groups = new int[categorical.Count][];
        for (var g = 0; g < categorical.Count; g++)
        {
            var column = categorical[g];
            var slots = Enumerable.Range(0, names.Length)
                .Where(s => names[s] == column || names[s].StartsWith(column + ".", StringComparison.Ordinal)).ToArray();
            if (slots.Length == 0)
                throw new ArgumentException($"{component}: CategoricalColumnNames lists '{column}', but no slot of feature column '{features.Name}' comes from it (slot names: {string.Join(", ", names.Take(8).Select(n => $"'{n}'"))}{(names.Length > 8 ? ", ..." : "")}). " +
                    "List the one-hot columns exactly as they were passed to Concatenate.", nameof(SmoteNcOptions.CategoricalColumnNames));
            foreach (var s in slots)
            {
                if (groupOf[s] >= 0)
                    throw new ArgumentException($"{component}: CategoricalColumnNames: slot {s} '{names[s]}' belongs to both '{categorical[groupOf[s]]}' and '{column}'. List each source column once, without prefixes of each other.", nameof(SmoteNcOptions.CategoricalColumnNames));
                groupOf[s] = g;
            }
            groups[g] = slots;
        }
        var numeric = Enumerable.Range(0, names.Length).Where(s => groupOf[s] < 0).ToArray();
        return new SmoteNcEncoding(rows.Features!, numeric, groups, MedianStandardDeviation(rows, numeric));
    }

    /// <summary>SMOTE-NC's squared distance between two rows.</summary>
    public double SquaredDistance(int a, int b)
    {
        double sum = 0;
        var (xa, xb) = (_x[a], _x[b]);
        foreach (var s in _numeric)
        {
            double d = xa[s] - xb[s];
            sum += d * d;
        }
        var mismatch = MedianStd * MedianStd / 2;
        for (var g = 0; g < _groups.Length; g++)
        {
            if (_category[a][g] != _category[b][g])
                sum += mismatch;
        }
        return sum;
    }

    /// <summary>Sets each group of <paramref name="row"/> to the neighbours' most frequent category.</summary>
    public void Finish(float[] row, int[] neighbours, Random random)
    {
        var tally = new Dictionary<int, int>();
        for (var g = 0; g < _groups.Length; g++)
        {
            tally.Clear();
            foreach (var n in neighbours)
                tally[_category[n][g]] = tally.GetValueOrDefault(_category[n][g]) + 1;
            var top = tally.Values.Max();
            var modes = tally.Where(t => t.Value == top).Select(t => t.Key).Order().ToArray();
            var mode = modes.Length == 1 ? modes[0] : modes[random.Next(modes.Length)];
            var source = _x[neighbours.First(n => _category[n][g] == mode)];
            foreach (var s in _groups[g])
                row[s] = source[s];
        }
    }

    private static int Category(float[] row, int[] group)
    {
        var best = 0;
        var allEqual = true;
        for (var i = 1; i < group.Length; i++)
        {
            if (row[group[i]] != row[group[0]])
                allEqual = false;
            if (row[group[i]] > row[group[best]])
                best = i;
        }
        return allEqual && group.Length > 1 ? -1 : (group.Length == 1 && row[group[0]] == 0 ? -1 : best);
    }

    private static double MedianStandardDeviation(LabelledRows rows, int[] numeric)
    {
        if (numeric.Length == 0)
            return 0;
        var minority = Array.IndexOf(rows.Counts, rows.Counts.Min());
        var members = rows.RowsByClass()[minority];
        var stds = numeric.Select(s =>
        {
            var mean = members.Average(r => (double)rows.Features![r][s]);
            return Math.Sqrt(members.Average(r => Math.Pow(rows.Features![r][s] - mean, 2)));
        }).Order().ToArray();
        var n = stds.Length;
        return n % 2 == 1 ? stds[n / 2] : (stds[n / 2 - 1] + stds[n / 2]) / 2;
    }

    private static string[] SlotNames(string component, DataViewSchema.Column features)
    {
        var size = ((VectorDataViewType)features.Type).Size;
        if (features.Annotations.Schema.GetColumnOrNull("SlotNames") is null)
            throw new ArgumentException($"{component}: feature column '{features.Name}' has no slot names, so its categorical groups cannot be found; expected the output of ml.Transforms.Concatenate over the numeric and one-hot columns. Build the features with Concatenate.", nameof(SmoteNcOptions.CategoricalColumnNames));
        VBuffer<ReadOnlyMemory<char>> names = default;
        features.Annotations.GetValue("SlotNames", ref names);
        var dense = new ReadOnlyMemory<char>[size];
        names.CopyTo(dense);
        return dense.Select(n => n.ToString()).ToArray();
    }
}
