namespace DeepML.Explainability;

/// <summary>
/// Exact Shapley values by the definition: all 2^M coalitions of the M groups are evaluated and
/// φ_j = Σ_{S ⊆ N∖{j}} |S|!(M−|S|−1)!/M! · (v(S ∪ {j}) − v(S)). Local accuracy holds to rounding.
/// </summary>
internal sealed class ExactShapley : IShapleyMethod
{
    private readonly int _groups;
    private readonly bool[][] _coalitions;

    /// <summary>The method for <paramref name="groups"/> groups (at most 30; the caller enforces its own, lower, limit).</summary>
    public ExactShapley(int groups)
    {
        _groups = groups;
        var count = (1 << groups) - 2;
        _coalitions = new bool[count][];
        for (var mask = 1; mask <= count; mask++)
        {
            var c = new bool[groups];
            for (var j = 0; j < groups; j++)
                c[j] = (mask >> j & 1) == 1;
            _coalitions[mask - 1] = c;
        }
    }

    public string Name => "Exact Shapley";

    // Coalition k (0-based) is the bit mask k + 1, so every row evaluates the same list.
    public IReadOnlyList<bool[]> Coalitions(int groups, Random random) => _coalitions;

    public double[] Attribute(IReadOnlyList<bool[]> coalitions, double[] values, double empty, double full)
    {
        var m = _groups;
        var all = (1 << m) - 1;
        double V(int mask) => mask == 0 ? empty : mask == all ? full : values[mask - 1];
        // weight[s] = s!(m−s−1)!/m! = 1 / (m · C(m−1, s)).
        var weight = new double[m];
        var binomial = 1.0;
        for (var s = 0; s < m; s++)
        {
            weight[s] = 1.0 / (m * binomial);
            binomial = binomial * (m - 1 - s) / (s + 1);
        }
        var phi = new double[m];
        for (var mask = 0; mask < all; mask++)
        {
            var size = System.Numerics.BitOperations.PopCount((uint)mask);
            var v = V(mask);
            for (var j = 0; j < m; j++)
            {
                if ((mask >> j & 1) == 0)
                    phi[j] += weight[size] * (V(mask | 1 << j) - v);
            }
        }
        return phi;
    }
}
