namespace DeepML.Explainability;

/// <summary>
/// Permutation sampling of Shapley values with antithetic pairs (Štrumbelj &amp; Kononenko 2014; the
/// scheme of shap's <c>PermutationExplainer</c>): for each random order of the groups and for its
/// reverse, the groups are switched on one at a time and each is credited with the change in v.
/// Every order telescopes to v(all) − v(∅), so local accuracy is exact whatever the number of
/// permutations; a model with at most pairwise interactions is explained exactly by one antithetic pair.
/// </summary>
internal sealed class PermutationShap(int permutations) : IShapleyMethod
{
    public string Name => $"Permutation SHAP ({permutations} antithetic permutation{(permutations == 1 ? "" : "s")})";

    public IReadOnlyList<bool[]> Coalitions(int groups, Random random)
    {
        // Per order: the prefixes of sizes 1 … M−1 (size 0 and M are v(∅) and v(all)).
        var list = new List<bool[]>(2 * permutations * (groups - 1));
        var order = Enumerable.Range(0, groups).ToArray();
        for (var p = 0; p < permutations; p++)
        {
            random.Shuffle(order);
            AddPrefixes(list, order);
            AddPrefixes(list, order.Reverse().ToArray());
        }
        return list;
    }

    private static void AddPrefixes(List<bool[]> list, int[] order)
    {
        var present = new bool[order.Length];
        for (var k = 0; k < order.Length - 1; k++)
        {
            present[order[k]] = true;
            list.Add((bool[])present.Clone());
        }
    }

    public double[] Attribute(IReadOnlyList<bool[]> coalitions, double[] values, double empty, double full)
    {
        var m = coalitions.Count == 0 ? 1 : coalitions[0].Length;
        var phi = new double[m];
        var orders = 2 * permutations;
        var perOrder = m - 1;
        for (var o = 0; o < orders; o++)
        {
            var previous = empty;
            var before = new bool[m];
            for (var k = 0; k <= perOrder; k++)
            {
                var current = k < perOrder ? values[o * perOrder + k] : full;
                var added = k < perOrder ? Added(before, coalitions[o * perOrder + k]) : Array.IndexOf(before, false);
                phi[added] += current - previous;
                previous = current;
                if (k < perOrder)
                    before = coalitions[o * perOrder + k];
            }
        }
        for (var j = 0; j < m; j++)
            phi[j] /= orders;
        return phi;
    }

    private static int Added(bool[] before, bool[] after)
    {
        for (var j = 0; j < after.Length; j++)
        {
            if (after[j] && !before[j])
                return j;
        }
        throw new InvalidOperationException("PermutationShap: consecutive prefixes must differ by one group.");
    }
}
