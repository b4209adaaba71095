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
    internal struct PathElement
    {
        public int Feature;
        public double Zero;
        public double One;
        public double Weight;
    }

    /// <summary>
    /// One thread's working memory: every level of the recursion keeps its path in its own segment of one array
    /// (level l's path right after level l − 1's, as shap's C++ does), so a row allocates nothing.
    /// </summary>
    internal sealed class Scratch
    {
        public PathElement[] Path = [];

        public void Fit(int depth)
        {
            var needed = (depth + 2) * (depth + 3) / 2;
            if (Path.Length < needed)
                Path = new PathElement[needed];
        }
    }

    /// <summary>Adds the tree's attributions for <paramref name="x"/> to <paramref name="phi"/> (one value per slot).</summary>
    public static void Accumulate(FlatTree tree, ReadOnlySpan<float> x, double[] phi, Scratch scratch)
    {
        if (tree.IsLeaf(tree.Root))
            return;
        scratch.Fit(tree.MaxDepth);
        var (left, right) = tree.CoverShares;
        Recurse(tree, x, phi, scratch.Path, left, right, tree.Root, 0, 0, 1, 1, -1);
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

    /// <summary>Visits <paramref name="node"/> with the parent's path at <c>path[parentStart .. parentStart + parentLength)</c>; its own goes right after.</summary>
    private static void Recurse(FlatTree tree, ReadOnlySpan<float> x, double[] phi, PathElement[] path, double[] leftShares, double[] rightShares,
        int node, int parentStart, int parentLength, double zero, double one, int feature)
    {
        var start = parentStart + parentLength;
        path.AsSpan(parentStart, parentLength).CopyTo(path.AsSpan(start, parentLength)); // short: a span copy, not Array.Copy's checks
        var length = Extend(path, start, parentLength, zero, one, feature);
        if (tree.IsLeaf(node))
        {
            var value = tree.Value[node];
            for (var i = 1; i < length; i++)
            {
                var w = UnwoundSum(path, start, length, i);
                ref var e = ref path[start + i];
                phi[e.Feature] += w * (e.One - e.Zero) * value;
            }
            return;
        }
        var split = tree.Feature[node];
        var hot = tree.Next(node, x);
        var hotIsLeft = hot == tree.Left[node];
        var cold = hotIsLeft ? tree.Right[node] : tree.Left[node];
        var (leftShare, rightShare) = (leftShares[node], rightShares[node]);
        var hotShare = hotIsLeft ? leftShare : rightShare;
        var coldShare = hotIsLeft ? rightShare : leftShare;
        double incomingZero = 1, incomingOne = 1;
        // A feature met again on the path is taken out first; its fractions carry on to the children.
        var k = 1;
        while (k < length && path[start + k].Feature != split)
            k++;
        if (k < length)
        {
            incomingZero = path[start + k].Zero;
            incomingOne = path[start + k].One;
            Unwind(path, start, length, k);
            length--;
        }
        // A branch that carries neither "zero" paths (no cover row reached it) nor "one" paths (x does not go there) adds
        // exactly nothing, and its UNWIND would divide 0 by 0: it is skipped.
        if (incomingZero * hotShare > 0 || incomingOne > 0)
            Recurse(tree, x, phi, path, leftShares, rightShares, hot, start, length, incomingZero * hotShare, incomingOne, split);
        if (incomingZero * coldShare > 0)
            Recurse(tree, x, phi, path, leftShares, rightShares, cold, start, length, incomingZero * coldShare, 0, split);
    }

    /// <summary>EXTEND in place: appends an element to the path at <paramref name="start"/> and updates the subset-size weights; returns the new length.</summary>
    private static int Extend(PathElement[] path, int start, int l, double zero, double one, int feature)
    {
        path[start + l] = new PathElement { Feature = feature, Zero = zero, One = one, Weight = l == 0 ? 1 : 0 };
        var inverse = 1.0 / (l + 1);
        for (var i = l - 1; i >= 0; i--)
        {
            ref var e = ref path[start + i];
            path[start + i + 1].Weight += one * e.Weight * (i + 1) * inverse;
            e.Weight = zero * e.Weight * (l - i) * inverse;
        }
        return l + 1;
    }

    /// <summary>UNWIND in place: removes element <paramref name="index"/> from the path at <paramref name="start"/>, as if it had never been added.</summary>
    private static void Unwind(PathElement[] path, int start, int length, int index)
    {
        var one = path[start + index].One;
        var zero = path[start + index].Zero;
        var n = path[start + length - 1].Weight;
        for (var j = length - 2; j >= 0; j--)
        {
            ref var e = ref path[start + j];
            if (one != 0)
            {
                var t = e.Weight;
                e.Weight = n * length / ((j + 1) * one);
                n = t - e.Weight * zero * (length - (j + 1)) / length;
            }
            else
            {
                e.Weight = e.Weight * length / (zero * (length - (j + 1)));
            }
        }
        for (var j = index; j < length - 1; j++)
        {
            path[start + j].Feature = path[start + j + 1].Feature;
            path[start + j].Zero = path[start + j + 1].Zero;
            path[start + j].One = path[start + j + 1].One;
        }
    }

    /// <summary>The total weight of the path once element <paramref name="index"/> is unwound (UNWIND's weights, summed, without changing the path).</summary>
    private static double UnwoundSum(PathElement[] path, int start, int length, int index)
    {
        var one = path[start + index].One;
        var zero = path[start + index].Zero;
        var n = path[start + length - 1].Weight;
        var total = 0.0;
        if (one != 0)
        {
            // w_j = n·L/((j + 1)·one); n ← weight_j − w_j·zero·(L − j − 1)/L
            var scale = length / one;
            var back = zero / length;
            for (var j = length - 2; j >= 0; j--)
            {
                var w = n * scale / (j + 1);
                total += w;
                n = path[start + j].Weight - w * back * (length - (j + 1));
            }
        }
        else
        {
            var scale = length / zero;
            for (var j = length - 2; j >= 0; j--)
                total += path[start + j].Weight * scale / (length - (j + 1));
        }
        return total;
    }
}
