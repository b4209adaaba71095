namespace DeepML.Explainability;

/// <summary>
/// Path-dependent TreeSHAP (Lundberg, Erion &amp; Lee 2018, "Consistent Individualized Feature
/// Attribution for Tree Ensembles", Algorithm 2): exact Shapley values of the game
/// v(S) = E[f(x) | x_S], where the expectation follows the tree — at a split on a feature outside S
/// both children are taken, weighted by their share of the node's cover. It runs in O(L·D²) per tree
/// and row (L leaves, D depth) by keeping, along the path from the root, the proportion of subsets
/// of each size that flow through (EXTEND adds a feature to the path, UNWIND takes it back out).
/// </summary>
/// <remarks>A node that no cover row reached splits its share evenly between its children.</remarks>
internal static class PathDependentTreeShap
{
    /// <summary>One element of the path: a feature, the fraction of "zero" (feature absent) and "one" (present) paths through it, and the subset-size weight.</summary>
    private struct PathElement
    {
        public int Feature;
        public double Zero;
        public double One;
        public double Weight;
    }

    /// <summary>Adds the tree's attributions for <paramref name="x"/> to <paramref name="phi"/> (one value per slot).</summary>
    public static void Accumulate(FlatTree tree, ReadOnlySpan<float> x, double[] phi)
    {
        if (tree.IsLeaf(tree.Root))
            return;
        Recurse(tree, x.ToArray(), phi, tree.Root, [], 1, 1, -1);
    }

    /// <summary>The tree's expected value over its covers: what the attributions start from.</summary>
    public static double Expected(FlatTree tree)
    {
        double Walk(int node)
        {
            if (tree.IsLeaf(node))
                return tree.Value[node];
            var (l, r) = Shares(tree, node);
            return l * Walk(tree.Left[node]) + r * Walk(tree.Right[node]);
        }
        return Walk(tree.Root);
    }

    /// <summary>The children's shares of node <paramref name="node"/>'s cover (even when it has none).</summary>
    public static (double Left, double Right) Shares(FlatTree tree, int node)
    {
        var total = tree.Cover[node];
        return total > 0 ? (tree.Cover[tree.Left[node]] / total, tree.Cover[tree.Right[node]] / total) : (0.5, 0.5);
    }

    private static void Recurse(FlatTree tree, float[] x, double[] phi, int node, PathElement[] parent, double zero, double one, int feature)
    {
        var path = Extend(parent, zero, one, feature);
        if (tree.IsLeaf(node))
        {
            var value = tree.Value[node];
            for (var i = 1; i < path.Length; i++)
            {
                var w = UnwoundSum(path, i);
                phi[path[i].Feature] += w * (path[i].One - path[i].Zero) * value;
            }
            return;
        }
        var split = tree.Feature[node];
        var hot = tree.Next(node, x);
        var cold = hot == tree.Left[node] ? tree.Right[node] : tree.Left[node];
        var (leftShare, rightShare) = Shares(tree, node);
        var hotShare = hot == tree.Left[node] ? leftShare : rightShare;
        var coldShare = hot == tree.Left[node] ? rightShare : leftShare;
        double incomingZero = 1, incomingOne = 1;
        // A feature met again on the path is taken out first; its fractions carry on to the children.
        var k = Array.FindIndex(path, 1, e => e.Feature == split);
        if (k >= 1)
        {
            incomingZero = path[k].Zero;
            incomingOne = path[k].One;
            path = Unwind(path, k);
        }
        Recurse(tree, x, phi, hot, path, incomingZero * hotShare, incomingOne, split);
        Recurse(tree, x, phi, cold, path, incomingZero * coldShare, 0, split);
    }

    /// <summary>EXTEND: the path with one more element, its subset-size weights updated.</summary>
    private static PathElement[] Extend(PathElement[] parent, double zero, double one, int feature)
    {
        var l = parent.Length;
        var path = new PathElement[l + 1];
        Array.Copy(parent, path, l);
        path[l] = new PathElement { Feature = feature, Zero = zero, One = one, Weight = l == 0 ? 1 : 0 };
        for (var i = l - 1; i >= 0; i--)
        {
            path[i + 1].Weight += one * path[i].Weight * (i + 1) / (l + 1);
            path[i].Weight = zero * path[i].Weight * (l - i) / (l + 1.0);
        }
        return path;
    }

    /// <summary>UNWIND: the path without element <paramref name="index"/>, as if it had never been added.</summary>
    private static PathElement[] Unwind(PathElement[] path, int index)
    {
        var length = path.Length;
        var result = new PathElement[length - 1];
        Array.Copy(path, result, length - 1);
        var one = path[index].One;
        var zero = path[index].Zero;
        var n = path[length - 1].Weight;
        for (var j = length - 2; j >= 0; j--)
        {
            if (one != 0)
            {
                var t = result[j].Weight;
                result[j].Weight = n * length / ((j + 1) * one);
                n = t - result[j].Weight * zero * (length - (j + 1)) / length;
            }
            else
            {
                result[j].Weight = result[j].Weight * length / (zero * (length - (j + 1)));
            }
        }
        for (var j = index; j < length - 1; j++)
        {
            result[j].Feature = path[j + 1].Feature;
            result[j].Zero = path[j + 1].Zero;
            result[j].One = path[j + 1].One;
        }
        return result;
    }

    /// <summary>The total weight of the path once element <paramref name="index"/> is unwound (UNWIND's weights, summed, without building the path).</summary>
    private static double UnwoundSum(PathElement[] path, int index)
    {
        var length = path.Length;
        var one = path[index].One;
        var zero = path[index].Zero;
        var n = path[length - 1].Weight;
        var total = 0.0;
        for (var j = length - 2; j >= 0; j--)
        {
            if (one != 0)
            {
                var w = n * length / ((j + 1) * one);
                total += w;
                n = path[j].Weight - w * zero * (length - (j + 1)) / length;
            }
            else
            {
                total += path[j].Weight * length / (zero * (length - (j + 1)));
            }
        }
        return total;
    }
}
