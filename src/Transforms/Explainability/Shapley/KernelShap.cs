namespace DeepML.Explainability;

/// <summary>
/// KernelSHAP (Lundberg &amp; Lee 2017): Shapley values as the weighted least-squares fit of
/// v(z) − v(∅) ≈ Σ_j z_j φ_j over coalitions z, weighted by the Shapley kernel
/// π(z) = (M−1) / (C(M,|z|)·|z|·(M−|z|)), subject to Σ_j φ_j = v(all) − v(∅) (local accuracy,
/// solved exactly as a constraint rather than by a large weight).
/// </summary>
/// <remarks>
/// Sampling follows shap's <c>KernelExplainer</c>: subset sizes are taken in pairs (s, M−s) from the
/// smallest, and a pair is enumerated completely while the sample budget covers it in expectation;
/// the rest of the budget draws sizes by their kernel mass and random subsets of that size, each with
/// its complement (paired sampling). Repeated draws add weight; only new coalitions count against the budget. When the budget covers all 2^M − 2
/// coalitions the fit is exact and equals <see cref="ExactShapley"/> to rounding.
/// </remarks>
internal sealed class KernelShap(int samples) : IShapleyMethod
{
    public string Name => $"KernelSHAP ({samples:N0} samples)";

    /// <summary>The kernel weight of each coalition of the last call, by coalition (kept per call: see <see cref="Coalitions"/>).</summary>
    private sealed class Plan(List<bool[]> coalitions, List<double> weights) : List<bool[]>(coalitions)
    {
        public List<double> Weights { get; } = weights;
    }

    public IReadOnlyList<bool[]> Coalitions(int m, Random random)
    {
        var coalitions = new List<bool[]>();
        var weights = new List<double>();
        if (m < 2)
            return new Plan(coalitions, weights);
        // Kernel mass of each size s = 1 … m−1 (the sum of π over the C(m,s) subsets), normalised.
        var mass = new double[m];
        for (var s = 1; s < m; s++)
            mass[s] = (m - 1.0) / (s * (double)(m - s));
        var total = mass.Sum();
        for (var s = 1; s < m; s++)
            mass[s] /= total;

        var budget = (double)samples;
        var remaining = 1.0;
        var half = m / 2;
        var next = 1;
        for (; next <= half; next++)
        {
            var paired = next != m - next;
            var count = Binomial(m, next) * (paired ? 2 : 1);
            var pairMass = mass[next] + (paired ? mass[m - next] : 0);
            if (budget * pairMass / remaining < count - 1e-8)
                break;
            foreach (var subset in Subsets(m, next))
            {
                coalitions.Add(subset);
                weights.Add(mass[next] / Binomial(m, next));
                if (paired)
                {
                    coalitions.Add(Complement(subset));
                    weights.Add(mass[m - next] / Binomial(m, m - next));
                }
            }
            budget -= count;
            remaining -= pairMass;
        }
        if (next <= half && budget >= 1)
            Sample(m, next, half, mass, (int)budget, remaining, random, coalitions, weights);
        return new Plan(coalitions, weights);
    }

    /// <summary>Fills the budget left with paired random subsets of the sizes not enumerated; their weights share the kernel mass left.</summary>
    private static void Sample(int m, int first, int half, double[] mass, int budget, double remaining, Random random,
        List<bool[]> coalitions, List<double> weights)
    {
        var sizes = Enumerable.Range(first, half - first + 1).ToArray();
        var sizeMass = sizes.Select(s => mass[s] + (s != m - s ? mass[m - s] : 0)).ToArray();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var start = coalitions.Count;
        var order = Enumerable.Range(0, m).ToArray();
        var drawn = 0;
        for (var attempt = 0; drawn < budget && attempt < 4 * budget; attempt++)
        {
            var u = random.NextDouble() * remaining;
            var k = 0;
            while (k < sizes.Length - 1 && u >= sizeMass[k])
                u -= sizeMass[k++];
            var s = sizes[k];
            random.Shuffle(order);
            var subset = new bool[m];
            for (var i = 0; i < s; i++)
                subset[order[i]] = true;
            // Paired sampling: the complement too (of size m − s; for s = m/2 another subset of the same size).
            Add(subset);
            Add(Complement(subset));
        }
        // The sampled coalitions share the mass the enumerated sizes did not take, in proportion to their draws.
        var drawnWeight = 0.0;
        for (var i = start; i < weights.Count; i++)
            drawnWeight += weights[i];
        for (var i = start; i < weights.Count; i++)
            weights[i] *= remaining / drawnWeight;

        void Add(bool[] subset)
        {
            var key = new string(subset.Select(b => b ? '1' : '0').ToArray());
            // A repeated draw adds weight; only a new coalition uses the budget (as shap counts).
            if (index.TryGetValue(key, out var at))
            {
                weights[at] += 1;
                return;
            }
            index[key] = coalitions.Count;
            coalitions.Add(subset);
            weights.Add(1);
            drawn++;
        }
    }

    public double[] Attribute(IReadOnlyList<bool[]> coalitions, double[] values, double empty, double full)
    {
        var plan = (Plan)coalitions;
        var m = plan.Count == 0 ? 1 : plan[0].Length;
        if (m == 1 || plan.Count == 0)
            return m == 1 ? [full - empty] : new double[m];
        // Normal equations A φ = b of Σ w (y − z·φ)², A = Zᵀ W Z, b = Zᵀ W y, with y = v(z) − v(∅).
        var a = new double[m, m];
        var b = new double[m];
        for (var c = 0; c < plan.Count; c++)
        {
            var z = plan[c];
            var w = plan.Weights[c];
            var y = values[c] - empty;
            for (var i = 0; i < m; i++)
            {
                if (!z[i])
                    continue;
                b[i] += w * y;
                for (var j = 0; j < m; j++)
                {
                    if (z[j])
                        a[i, j] += w;
                }
            }
        }
        return ConstrainedLeastSquares.Solve(a, b, full - empty);
    }

    private static double Binomial(int n, int k)
    {
        var r = 1.0;
        for (var i = 1; i <= k; i++)
            r = r * (n - k + i) / i;
        return Math.Round(r);
    }

    private static bool[] Complement(bool[] subset) => subset.Select(b => !b).ToArray();

    /// <summary>All subsets of size <paramref name="size"/> of {0 … m−1}, in lexicographic order of their members.</summary>
    private static IEnumerable<bool[]> Subsets(int m, int size)
    {
        var members = Enumerable.Range(0, size).ToArray();
        while (true)
        {
            var subset = new bool[m];
            foreach (var i in members)
                subset[i] = true;
            yield return subset;
            var k = size - 1;
            while (k >= 0 && members[k] == m - size + k)
                k--;
            if (k < 0)
                yield break;
            members[k]++;
            for (var i = k + 1; i < size; i++)
                members[i] = members[i - 1] + 1;
        }
    }
}
