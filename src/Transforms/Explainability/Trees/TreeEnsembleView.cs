using Microsoft.ML;
using Microsoft.ML.Trainers.FastTree;

namespace DeepML.Explainability;

/// <summary>
/// One regression tree of an ML.NET tree ensemble (FastTree, LightGBM, FastForest) in the flat form
/// the TreeSHAP algorithms walk: internal nodes 0 … N−1 then leaves N … N+L−1, each internal node with
/// its split feature and threshold (an input goes left when <c>x ≤ threshold</c>, right otherwise —
/// NaN included — as ML.NET's trees do), each node with its cover (the weight of the rows that reach it).
/// </summary>
internal sealed class FlatTree
{
    public required int[] Feature { get; init; }
    public required float[] Threshold { get; init; }
    public required int[] Left { get; init; }
    public required int[] Right { get; init; }
    /// <summary>Per node and leaf (index N + leaf), the value of a leaf (scaled by the tree's weight); 0 for internal nodes.</summary>
    public required double[] Value { get; init; }
    /// <summary>Per node and leaf, the weight of the cover rows that reach it (path-dependent TreeSHAP needs it).</summary>
    public required double[] Cover { get; init; }
    public required int Nodes { get; init; }
    public int Root => 0;
    public bool IsLeaf(int node) => node >= Nodes;

    /// <summary>The child <paramref name="x"/> goes to from internal node <paramref name="node"/>.</summary>
    public int Next(int node, ReadOnlySpan<float> x) => x[Feature[node]] <= Threshold[node] ? Left[node] : Right[node];

    /// <summary>The tree's (weighted) output for <paramref name="x"/>.</summary>
    public double Output(ReadOnlySpan<float> x)
    {
        var node = Root;
        while (!IsLeaf(node))
            node = Next(node, x);
        return Value[node];
    }

    private int _maxDepth = -1;
    private ShapNode[]? _shapNodes; // an array reference, so publishing it to other threads is one atomic write

    /// <summary>
    /// The tree as one array of <see cref="ShapNode"/> (internal nodes then leaves), with each internal node's cover shares
    /// precomputed, built once after the covers are counted (a benign race builds the same array twice at worst).
    /// </summary>
    public ShapNode[] ShapNodes
    {
        get
        {
            var nodes = Volatile.Read(ref _shapNodes);
            if (nodes is null)
                Volatile.Write(ref _shapNodes, nodes = ShapNode.Layout(this));
            return nodes;
        }
    }

    /// <summary>Depth of the deepest leaf, computed once (a benign race computes the same value twice at worst).</summary>
    public int MaxDepth => _maxDepth >= 0 ? _maxDepth : (_maxDepth = Depth());

    /// <summary>Depth of the deepest leaf (a lone leaf has depth 0).</summary>
    public int Depth()
    {
        var best = 0;
        var stack = new Stack<(int Node, int Depth)>([(Root, 0)]);
        while (stack.Count > 0)
        {
            var (node, depth) = stack.Pop();
            best = Math.Max(best, depth);
            if (!IsLeaf(node))
            {
                stack.Push((Left[node], depth + 1));
                stack.Push((Right[node], depth + 1));
            }
        }
        return best;
    }
}

/// <summary>The trees and bias of a fitted ML.NET tree model, read through FastTree's public tree API.</summary>
internal sealed record TreeEnsembleView(FlatTree[] Trees, double Bias, string FeatureColumnName, string Description)
{
    /// <summary>
    /// Reads the tree ensemble of <paramref name="model"/>: a prediction transformer of FastTree,
    /// FastForest or LightGBM (binary, regression, ranking), calibrated or not — the raw score is explained.
    /// </summary>
    public static TreeEnsembleView Read(ITransformer model, string component)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model is IEnumerable<ITransformer> chain)
            throw new ArgumentException($"{component}: got a pipeline of {chain.Count()} transformers; pass its tree model (model.LastTransformer) and explain data that has gone through the pipeline's other steps (the features the trees read).", nameof(model));
        if (model is not ISingleFeaturePredictionTransformer<object> predictor)
            throw new ArgumentException($"{component}: {model.GetType().Name} is not a prediction transformer of a tree model. Pass the transformer a FastTree, FastForest or LightGBM trainer returned (for a pipeline: model.LastTransformer). For other models use KernelShap or PermutationShap.", nameof(model));
        var parameters = predictor.Model;
        var calibrated = false;
        if (parameters is not TreeEnsembleModelParametersBasedOnRegressionTree
            && SubModelOf(parameters) is { } sub)
        {
            parameters = sub;
            calibrated = true;
        }
        if (parameters is not TreeEnsembleModelParametersBasedOnRegressionTree trees)
            throw new ArgumentException($"{component}: the model's parameters are {parameters.GetType().Name}, not a tree ensemble. TreeShap explains FastTree, FastForest and LightGBM models; for other models use KernelShap or PermutationShap.", nameof(model));
        var ensemble = trees.TrainedTreeEnsemble;
        var flat = new FlatTree[ensemble.Trees.Count];
        for (var t = 0; t < flat.Length; t++)
            flat[t] = Flatten(ensemble.Trees[t], ensemble.TreeWeights[t], t, component);
        var description = $"{parameters.GetType().Name} ({flat.Length} trees{(calibrated ? ", raw score before calibration" : "")})";
        return new TreeEnsembleView(flat, ensemble.Bias, predictor.FeatureColumnName, description);
    }

    /// <summary>
    /// The uncalibrated model inside ML.NET's calibrated parameters (CalibratedModelParametersBase's
    /// SubModel); the derived generic types re-declare the property, so the most derived one is read.
    /// </summary>
    private static object? SubModelOf(object parameters)
    {
        var type = parameters.GetType();
        var property = type.GetProperties()
            .Where(p => p.Name == "SubModel" && p.GetIndexParameters().Length == 0)
            .OrderByDescending(p => Depth(p.DeclaringType))
            .FirstOrDefault();
        return property?.GetValue(parameters);
    }

    private static int Depth(Type? type)
    {
        var depth = 0;
        for (; type is not null; type = type.BaseType) depth++;
        return depth;
    }

    private static FlatTree Flatten(RegressionTreeBase tree, double weight, int index, string component)
    {
        var n = tree.NumberOfNodes;
        var leaves = tree.NumberOfLeaves;
        int Child(int c) => c < 0 ? n + ~c : c;
        var feature = new int[n];
        var threshold = new float[n];
        var left = new int[n];
        var right = new int[n];
        for (var i = 0; i < n; i++)
        {
            if (tree.CategoricalSplitFlags[i])
                throw new ArgumentException($"{component}: tree {index} has a categorical split at node {i}; TreeShap reads numerical splits only. Train without categorical splits " +
                    "(FastTree: CategoricalSplit = false, the default; LightGBM: UseCategoricalSplit = false) or use KernelShap.", "model");
            feature[i] = tree.NumericalSplitFeatureIndexes[i];
            threshold[i] = tree.NumericalSplitThresholds[i];
            left[i] = Child(tree.LeftChild[i]);
            right[i] = Child(tree.RightChild[i]);
        }
        var value = new double[n + leaves];
        for (var l = 0; l < leaves; l++)
            value[n + l] = weight * tree.LeafValues[l];
        return new FlatTree { Feature = feature, Threshold = threshold, Left = left, Right = right, Value = value, Cover = new double[n + leaves], Nodes = n };
    }

    /// <summary>Sets every node's cover to the number of <paramref name="rows"/> that reach it.</summary>
    public void CountCovers(FeatureMatrix rows)
    {
        foreach (var tree in Trees)
        {
            Array.Clear(tree.Cover);
            for (var r = 0; r < rows.Rows; r++)
            {
                var x = rows.Row(r);
                var node = tree.Root;
                tree.Cover[node]++;
                while (!tree.IsLeaf(node))
                {
                    node = tree.Next(node, x);
                    tree.Cover[node]++;
                }
            }
        }
    }

    /// <summary>The ensemble's raw score for <paramref name="x"/>.</summary>
    public double Output(ReadOnlySpan<float> x)
    {
        var sum = Bias;
        foreach (var tree in Trees)
            sum += tree.Output(x);
        return sum;
    }
}
