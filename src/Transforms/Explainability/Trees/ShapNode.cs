namespace DeepML.Explainability;

/// <summary>
/// One node of a <see cref="FlatTree"/> as path-dependent TreeSHAP reads it: everything a visit needs side by side
/// (40 bytes, so a 20-leaf tree is 1.5 KiB, in L1), instead of six parallel arrays and a division per node and row.
/// </summary>
internal struct ShapNode
{
    /// <summary>The split feature (internal nodes).</summary>
    public int Feature;
    /// <summary>An input goes left when <c>x ≤ Threshold</c>, right otherwise (NaN included).</summary>
    public float Threshold;
    /// <summary>The left child; −1 for a leaf.</summary>
    public int Left;
    /// <summary>The right child; −1 for a leaf.</summary>
    public int Right;
    /// <summary>The left child's share of this node's cover (0.5 where no cover row reached it).</summary>
    public double LeftShare;
    /// <summary>The right child's share of this node's cover (0.5 where no cover row reached it).</summary>
    public double RightShare;
    /// <summary>The leaf value (scaled by the tree's weight); 0 for internal nodes.</summary>
    public double Value;

    public readonly bool IsLeaf => Left < 0;

    /// <summary>Lays out <paramref name="tree"/>'s nodes (internal nodes 0 … N−1, then leaves) with their cover shares.</summary>
    public static ShapNode[] Layout(FlatTree tree)
    {
        var nodes = new ShapNode[tree.Value.Length];
        for (var node = 0; node < nodes.Length; node++)
            nodes[node] = new ShapNode { Left = -1, Right = -1, Value = tree.Value[node] };
        for (var node = 0; node < tree.Nodes; node++)
        {
            var (left, right) = PathDependentTreeShap.Shares(tree, node);
            nodes[node].Feature = tree.Feature[node];
            nodes[node].Threshold = tree.Threshold[node];
            nodes[node].Left = tree.Left[node];
            nodes[node].Right = tree.Right[node];
            nodes[node].LeftShare = left;
            nodes[node].RightShare = right;
        }
        return nodes;
    }
}
