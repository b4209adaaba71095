using Microsoft.ML;

namespace DeepML.Explainability;

/// <summary>
/// Exact Shapley values of a tree ensemble's raw score (FastTree, FastForest, LightGBM), read from
/// the model's public tree structure: path-dependent or interventional TreeSHAP
/// (<see cref="TreePerturbation"/>). Made by <c>ml.DeepML().Explainability.TreeShap</c>.
/// </summary>
/// <remarks>
/// <para>The explained output is the raw score <c>Bias + Σ_t w_t · tree_t(x)</c>: for FastTree
/// binary classifiers the margin before Platt calibration, for regression the prediction itself.
/// <c>BaseValue + Σ φ</c> equals it to rounding. Rows are explained in parallel on all cores; the
/// explainer holds a copy of the trees and no reference to the model. Thread-safe and deterministic.</para>
/// </remarks>
public sealed class TreeShapExplainer : IVectorExplainer
{
    private readonly TreeEnsembleView _trees;
    private readonly FeatureGroups _groups;
    private readonly Background? _background;
    private readonly InterventionalTreeShap? _interventional;
    private readonly string _component;

    internal TreeShapExplainer(string component, TreeEnsembleView trees, IDataView data, TreeShapOptions options, int seed)
    {
        _component = component;
        _trees = trees;
        FeatureColumnName = options.FeatureColumnName ?? trees.FeatureColumnName;
        var column = ColumnChecks.Find(data.Schema, component, "feature", FeatureColumnName);
        InputSize = ColumnChecks.RequireFloatVector(column, component, "feature");
        var maxFeature = trees.Trees.SelectMany(t => t.Feature).DefaultIfEmpty(-1).Max();
        if (maxFeature >= InputSize)
            throw new ArgumentException($"{component}: the trees split on feature {maxFeature}, but the feature column '{FeatureColumnName}' has {InputSize} slots. Explain the features the model was trained on.", nameof(data));
        _groups = options.Grouping.Resolve(FeatureMatrix.SlotNamesOf(column, InputSize), component);
        Perturbation = options.Perturbation;
        if (Perturbation == TreePerturbation.PathDependent)
        {
            var cover = FeatureMatrix.Read(data, FeatureColumnName, component, "feature", options.MaxCoverRows);
            if (cover.Rows == 0)
                throw new ArgumentException($"{component}: the data has no rows, so the node covers cannot be counted. Pass the training data.", nameof(data));
            trees.CountCovers(cover);
            BaseValue = trees.Bias + trees.Trees.Sum(PathDependentTreeShap.Expected);
        }
        else
        {
            _background = options.Background ?? Background.Sample(data, 100, seed, FeatureColumnName);
            if (_background.Size != InputSize)
                throw new ArgumentException($"{component}: the background rows have {_background.Size} values but the feature column '{FeatureColumnName}' has {InputSize}.", nameof(options));
            _interventional = new InterventionalTreeShap(trees.Trees.Select(t => t.Depth()).DefaultIfEmpty(0).Max());
            BaseValue = Enumerable.Range(0, _background.Rows).Sum(b => _background.Weights[b] * trees.Output(_background.Row(b)));
        }
        FeatureNames = _groups.Names;
    }

    /// <inheritdoc />
    public int InputSize { get; }

    /// <summary>The feature column rows are read from.</summary>
    public string FeatureColumnName { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Path-dependent or interventional.</summary>
    public TreePerturbation Perturbation { get; }

    /// <inheritdoc />
    public string Method => $"TreeSHAP ({(Perturbation == TreePerturbation.PathDependent ? "path-dependent" : $"interventional, {_background!.Rows} background rows")}; {_trees.Description})";

    /// <summary>The expected raw score the attributions start from (over the covers, or the background).</summary>
    public double BaseValue { get; }

    /// <summary>The model description: parameter type, tree count, and whether a calibrator was skipped.</summary>
    public string ModelDescription => _trees.Description;

    /// <summary>Explains every row of <paramref name="data"/> (at most <paramref name="maxRows"/>).</summary>
    /// <param name="data">Rows with <see cref="FeatureColumnName"/>.</param>
    /// <param name="maxRows">At most this many rows from the start.</param>
    /// <param name="cancellation">Stops between rows.</param>
    public Attributions Explain(IDataView data, int maxRows = int.MaxValue, CancellationToken cancellation = default)
    {
        var rows = FeatureMatrix.ReadRows(data, FeatureColumnName, InputSize, _component, "the explained model's", maxRows, cancellation);
        return Explain(rows.Values, rows.Rows, cancellation);
    }

    /// <inheritdoc />
    public Attributions Explain(float[] features, int rows, CancellationToken cancellation = default)
    {
        FeatureMatrix.CheckBuffer(features, rows, InputSize, _component);
        var values = new double[rows][];
        var outputs = new double[rows];
        var size = InputSize;
        Parallel.For(0, rows, new ParallelOptions { CancellationToken = cancellation },
            () => (Phi: new double[size], State: new sbyte[size], FromX: new List<int>(), FromZ: new List<int>(), Path: new PathDependentTreeShap.Scratch()),
            (r, _, buffers) =>
            {
                var x = features.AsSpan(r * size, size);
                Array.Clear(buffers.Phi);
                outputs[r] = _trees.Output(x);
                if (_interventional is null)
                {
                    foreach (var tree in _trees.Trees)
                        PathDependentTreeShap.Accumulate(tree, x, buffers.Phi, buffers.Path);
                }
                else
                {
                    for (var b = 0; b < _background!.Rows; b++)
                    {
                        var z = _background.Row(b);
                        foreach (var tree in _trees.Trees)
                            _interventional.Accumulate(tree, x, z, _background.Weights[b], buffers.Phi, buffers.State, buffers.FromX, buffers.FromZ);
                    }
                }
                var grouped = new double[_groups.Count];
                for (var s = 0; s < size; s++)
                    grouped[_groups.GroupOfSlot[s]] += buffers.Phi[s];
                values[r] = grouped;
                return buffers;
            },
            _ => { });
        return new Attributions(Method, FeatureNames, BaseValue, values, outputs, isAdditive: true, outputName: "Score (raw)");
    }
}
