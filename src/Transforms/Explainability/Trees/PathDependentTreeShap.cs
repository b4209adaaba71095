using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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
    /// (level l's path right after level l − 1's, as shap's C++ does), so a row allocates nothing; and the reciprocals
    /// 1/k the EXTEND/UNWIND loops scale by, so their dependency chains multiply instead of divide.
    /// </summary>
    internal sealed class Scratch
    {
        public PathElement[] Path = [];
        /// <summary><c>Inverse[k] = 1/k</c> for k = 1 … depth + 2 (<c>Inverse[0]</c> unused).</summary>
        public double[] Inverse = [];

        public void Fit(int depth)
        {
            var needed = (depth + 2) * (depth + 3) / 2;
            if (Path.Length < needed)
                Path = new PathElement[needed];
            if (Inverse.Length < depth + 3)
            {
                Inverse = new double[depth + 3];
                for (var k = 1; k < Inverse.Length; k++)
                    Inverse[k] = 1.0 / k;
            }
        }
    }

    /// <summary>Adds the tree's attributions for <paramref name="x"/> to <paramref name="phi"/> (one value per slot).</summary>
    public static void Accumulate(FlatTree tree, ReadOnlySpan<float> x, double[] phi, Scratch scratch)
    {
        if (tree.IsLeaf(tree.Root))
            return;
        scratch.Fit(tree.MaxDepth);
        Recurse(tree.ShapNodes, x, phi, scratch.Path, scratch.Inverse, tree.Root, 0, 0, 1, 1, -1);
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
    private static void Recurse(ShapNode[] nodes, ReadOnlySpan<float> x, double[] phi, PathElement[] path, double[] inverse,
        int node, int parentStart, int parentLength, double zero, double one, int feature)
    {
        var start = parentStart + parentLength;
        path.AsSpan(parentStart, parentLength).CopyTo(path.AsSpan(start, parentLength)); // short: a span copy, not Array.Copy's checks
        var length = Extend(path.AsSpan(start, parentLength + 1), inverse, zero, one, feature);
        ref readonly var here = ref nodes[node];
        if (here.IsLeaf)
        {
            var segment = path.AsSpan(start, length);
            for (var i = 1; i < length; i++)
            {
                var w = UnwoundSum(segment, inverse, i);
                ref readonly var e = ref segment[i];
                phi[e.Feature] += w * (e.One - e.Zero) * here.Value;
            }
            return;
        }
        var split = here.Feature;
        var hotIsLeft = x[split] <= here.Threshold;
        var (hot, cold) = hotIsLeft ? (here.Left, here.Right) : (here.Right, here.Left);
        var (hotShare, coldShare) = hotIsLeft ? (here.LeftShare, here.RightShare) : (here.RightShare, here.LeftShare);
        double incomingZero = 1, incomingOne = 1;
        // A feature met again on the path is taken out first; its fractions carry on to the children.
        var k = 1;
        while (k < length && path[start + k].Feature != split)
            k++;
        if (k < length)
        {
            incomingZero = path[start + k].Zero;
            incomingOne = path[start + k].One;
            Unwind(path.AsSpan(start, length), inverse, k);
            length--;
        }
        // A branch that carries neither "zero" paths (no cover row reached it) nor "one" paths (x does not go there) adds
        // exactly nothing, and its UNWIND would divide 0 by 0: it is skipped.
        if (incomingZero * hotShare > 0 || incomingOne > 0)
            Recurse(nodes, x, phi, path, inverse, hot, start, length, incomingZero * hotShare, incomingOne, split);
        if (incomingZero * coldShare > 0)
            Recurse(nodes, x, phi, path, inverse, cold, start, length, incomingZero * coldShare, 0, split);
    }

    /// <summary>EXTEND in place: sets the last element of <paramref name="path"/> and updates the subset-size weights; returns the new length.</summary>
    private static int Extend(Span<PathElement> path, double[] inverse, double zero, double one, int feature)
    {
        var l = path.Length - 1;
        path[l] = new PathElement { Feature = feature, Zero = zero, One = one, Weight = l == 0 ? 1 : 0 };
        // zero·w·(l − i)/(l + 1) and one·w·(i + 1)/(l + 1), with the constant factors taken out of the loop
        var zeroScale = zero * inverse[l + 1];
        var oneScale = one * inverse[l + 1];
        for (var i = l - 1; i >= 0; i--)
        {
            ref var e = ref path[i];
            path[i + 1].Weight += oneScale * e.Weight * (i + 1);
            e.Weight = zeroScale * e.Weight * (l - i);
        }
        return l + 1;
    }

    /// <summary>UNWIND in place: removes element <paramref name="index"/> from <paramref name="path"/>, as if it had never been added.</summary>
    private static void Unwind(Span<PathElement> path, double[] inverse, int index)
    {
        var length = path.Length;
        var one = path[index].One;
        var zero = path[index].Zero;
        var n = path[length - 1].Weight;
        if (one != 0)
        {
            // weight_j = n·L/((j + 1)·one); n ← weight_j − new weight_j·zero·(L − j − 1)/L
            var scale = length / one;
            var back = zero * inverse[length];
            for (var j = length - 2; j >= 0; j--)
            {
                ref var e = ref path[j];
                var t = e.Weight;
                e.Weight = n * (scale * inverse[j + 1]);
                n = t - e.Weight * (back * (length - (j + 1)));
            }
        }
        else
        {
            var scale = length / zero;
            for (var j = length - 2; j >= 0; j--)
                path[j].Weight *= scale * inverse[length - (j + 1)];
        }
        for (var j = index; j < length - 1; j++)
        {
            path[j].Feature = path[j + 1].Feature;
            path[j].Zero = path[j + 1].Zero;
            path[j].One = path[j + 1].One;
        }
    }

    /// <summary>The total weight of <paramref name="path"/> once element <paramref name="index"/> is unwound (UNWIND's weights, summed, without changing the path).</summary>
    private static double UnwoundSum(ReadOnlySpan<PathElement> path, double[] inverse, int index)
    {
        var length = path.Length;
        var one = path[index].One;
        var zero = path[index].Zero;
        var n = path[length - 1].Weight;
        var total = 0.0;
        // The innermost loop of the algorithm (L² times per leaf): read through refs, without bounds checks. Every index is
        // in range by construction: j < length = path.Length, and 1 ≤ j + 1, length − (j + 1) ≤ length − 1 < inverse.Length.
        ref var p = ref MemoryMarshal.GetReference(path);
        ref var inv = ref MemoryMarshal.GetArrayDataReference(inverse);
        if (one != 0)
        {
            // w_j = n·L/((j + 1)·one); n ← weight_j − w_j·zero·(L − j − 1)/L. The factors that depend on j only are
            // grouped apart, so the chain through n is one multiply and one multiply-subtract per step.
            var scale = length / one;
            var back = zero * inverse[length];
            for (var j = length - 2; j >= 0; j--)
            {
                var w = n * (scale * Unsafe.Add(ref inv, j + 1));
                total += w;
                n = Unsafe.Add(ref p, j).Weight - w * (back * (length - (j + 1)));
            }
        }
        else
        {
            var scale = length / zero;
            for (var j = length - 2; j >= 0; j--)
                total += Unsafe.Add(ref p, j).Weight * (scale * Unsafe.Add(ref inv, length - (j + 1)));
        }
        return total;
    }
}
