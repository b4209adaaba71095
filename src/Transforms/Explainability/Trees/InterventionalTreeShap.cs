namespace DeepML.Explainability;

/// <summary>
/// Interventional TreeSHAP (Lundberg et al. 2020, "From local explanations to global understanding
/// with explainable AI for trees", the independent algorithm): exact Shapley values of
/// v(S) = Σ_b w_b · f(x_S, z_b), the same game the model-agnostic explainers estimate, in time linear
/// in the background. For one background row z the tree is walked with x and z together; where they
/// part at a split on a feature seen for the first time, both ways are followed, the feature counted
/// as "from x" on one and "from z" on the other. A leaf reached with the features A from x and B from z
/// is worth its value exactly for the coalitions S ⊇ A with S ∩ B = ∅, whose Shapley values are
/// (|A|−1)!|B|!/(|A|+|B|)! for each feature of A and −|A|!(|B|−1)!/(|A|+|B|)! for each of B.
/// </summary>
internal sealed class InterventionalTreeShap
{
    private readonly double[,] _inA;
    private readonly double[,] _inB;

    /// <summary>Coefficient tables for paths of up to <paramref name="maxDepth"/> split features.</summary>
    public InterventionalTreeShap(int maxDepth)
    {
        var d = maxDepth + 1;
        _inA = new double[d + 1, d + 1];
        _inB = new double[d + 1, d + 1];
        for (var a = 0; a <= d; a++)
        {
            for (var b = 0; b <= d && a + b <= d; b++)
            {
                // (a−1)! b! / (a+b)!  and  a! (b−1)! / (a+b)!, through the log-gamma function.
                if (a > 0)
                    _inA[a, b] = Math.Exp(LogFactorial(a - 1) + LogFactorial(b) - LogFactorial(a + b));
                if (b > 0)
                    _inB[a, b] = Math.Exp(LogFactorial(a) + LogFactorial(b - 1) - LogFactorial(a + b));
            }
        }
    }

    private static double LogFactorial(int n)
    {
        var s = 0.0;
        for (var i = 2; i <= n; i++)
            s += Math.Log(i);
        return s;
    }

    /// <summary>Adds the tree's attributions for <paramref name="x"/> against background row <paramref name="z"/> (weight <paramref name="weight"/>) to <paramref name="phi"/>.</summary>
    public void Accumulate(FlatTree tree, ReadOnlySpan<float> x, ReadOnlySpan<float> z, double weight, double[] phi, sbyte[] state, List<int> fromX, List<int> fromZ)
    {
        Walk(tree, tree.Root, x, z, weight, phi, state, fromX, fromZ);
    }

    private void Walk(FlatTree tree, int node, ReadOnlySpan<float> x, ReadOnlySpan<float> z, double weight, double[] phi, sbyte[] state, List<int> fromX, List<int> fromZ)
    {
        while (!tree.IsLeaf(node))
        {
            var f = tree.Feature[node];
            if (state[f] == 1)
            {
                node = tree.Next(node, x);
                continue;
            }
            if (state[f] == -1)
            {
                node = tree.Next(node, z);
                continue;
            }
            var xs = tree.Next(node, x);
            var zs = tree.Next(node, z);
            if (xs == zs)
            {
                node = xs;
                continue;
            }
            state[f] = 1;
            fromX.Add(f);
            Walk(tree, xs, x, z, weight, phi, state, fromX, fromZ);
            fromX.RemoveAt(fromX.Count - 1);
            state[f] = -1;
            fromZ.Add(f);
            Walk(tree, zs, x, z, weight, phi, state, fromX, fromZ);
            fromZ.RemoveAt(fromZ.Count - 1);
            state[f] = 0;
            return;
        }
        var a = fromX.Count;
        var b = fromZ.Count;
        if (a + b == 0)
            return;
        var value = weight * tree.Value[node];
        var plus = value * _inA[a, b];
        var minus = value * _inB[a, b];
        foreach (var f in fromX)
            phi[f] += plus;
        foreach (var f in fromZ)
            phi[f] -= minus;
    }
}
