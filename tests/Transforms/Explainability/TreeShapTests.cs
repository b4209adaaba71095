using DeepML.Explainability;
using Microsoft.ML;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;
using static DeepML.Transforms.Tests.Explainability.ShapleyModels;

namespace DeepML.Transforms.Tests.Explainability;

/// <summary>TreeSHAP against brute-force Shapley values of the same games, and against the model's own scores.</summary>
public sealed class TreeShapTests
{
    private static readonly MLContext Ml = new(seed: 1);

    private static (IDataView Data, float[][] Rows) Regression(int count, int seed)
    {
        var rows = Gaussian(count, seed);
        var data = Ml.Data.LoadFromEnumerable(rows.Select(r => new LabeledRow
        {
            Features = r,
            Label = (float)(Math.Sin(r[0]) * r[1] + (r[2] > 0 ? 1 : -1) * r[3] + 0.3 * r[4] * r[4]),
        }).ToArray());
        return (data, rows);
    }

    private static RegressionPredictionTransformerShim FastTree(IDataView data, int trees = 12) =>
        new(Ml.Regression.Trainers.FastTree(new FastTreeRegressionTrainer.Options { NumberOfTrees = trees, NumberOfLeaves = 8, MinimumExampleCountPerLeaf = 5, NumberOfThreads = 1 }).Fit(data));

    /// <summary>The fitted FastTree regression model and its public tree ensemble.</summary>
    private sealed record RegressionPredictionTransformerShim(Microsoft.ML.Data.RegressionPredictionTransformer<FastTreeRegressionModelParameters> Model)
    {
        public TreeEnsemble<RegressionTree> Ensemble => Model.Model.TrainedTreeEnsemble;
    }

    [Fact]
    public void Interventional_tree_shap_equals_exact_shapley_over_the_same_background()
    {
        // shap's test_single_tree_compare_with_kernel_shap, for an ensemble: the same game, two algorithms.
        var (data, _) = Regression(300, 2);
        var model = FastTree(data).Model;
        var background = Background.Sample(data, 6, seed: 4);
        var rows = View(Ml, Gaussian(12, 3));
        var tree = Ml.DeepML().Explainability.TreeShap(model, data, new TreeShapOptions { Perturbation = TreePerturbation.Interventional, Background = background }).Explain(rows);
        var exact = Ml.DeepML().Explainability.ExactShapley(model, data, null, background).Explain(rows);
        Assert.True(ShapleyExplainerTests.MaxDifference(tree, exact) < 1e-4, $"max |Δ| {ShapleyExplainerTests.MaxDifference(tree, exact)}");
        Assert.Equal(exact.BaseValue, tree.BaseValue, 4);
        Assert.True(tree.MaxAdditivityGap < 1e-9, $"additivity gap {tree.MaxAdditivityGap}");
        // The trees' raw score is what the model scores (float rounding apart).
        Assert.True(tree.Outputs.Zip(exact.Outputs).All(p => Math.Abs(p.First - p.Second) < 1e-4));
    }

    [Fact]
    public void Path_dependent_tree_shap_equals_brute_force_shapley_of_the_cover_weighted_conditional_expectation()
    {
        var (data, trainRows) = Regression(250, 5);
        var fitted = FastTree(data, trees: 6);
        var explainer = Ml.DeepML().Explainability.TreeShap(fitted.Model, data);
        var rows = Gaussian(8, 6);
        var a = explainer.Explain(View(Ml, rows));
        var ensemble = fitted.Ensemble;
        var covers = ensemble.Trees.Select(t => Covers(t, trainRows)).ToArray();
        for (var i = 0; i < rows.Length; i++)
        {
            double V(int mask) => ensemble.Bias + ensemble.Trees.Select((t, k) => ensemble.TreeWeights[k] * Conditional(t, covers[k], rows[i], mask, 0)).Sum();
            var expected = BruteForceShapley(5, V);
            for (var j = 0; j < 5; j++)
                Assert.True(Math.Abs(expected[j] - a.Values[i][j]) < 1e-9, $"row {i} φ{j}: {a.Values[i][j]} vs brute force {expected[j]}");
            Assert.Equal(V(0), a.BaseValue, 9);
        }
        Assert.True(a.MaxAdditivityGap < 1e-9);
        Assert.StartsWith("TreeSHAP (path-dependent; FastTreeRegressionModelParameters (6 trees)", a.Method);
    }

    [Fact]
    public void Covers_from_data_that_never_reaches_some_branches_still_give_the_brute_force_values()
    {
        // Covers counted on 3 rows only: most branches get no cover row at all (some nodes none, some one child none).
        var (data, trainRows) = Regression(250, 5);
        var fitted = FastTree(data, trees: 6);
        var narrow = trainRows.Take(3).ToArray();
        var explainer = Ml.DeepML().Explainability.TreeShap(fitted.Model, View(Ml, narrow));
        var rows = Gaussian(8, 7);
        var a = explainer.Explain(View(Ml, rows));
        var ensemble = fitted.Ensemble;
        var covers = ensemble.Trees.Select(t => Covers(t, narrow)).ToArray();
        Assert.All(covers.Zip(ensemble.Trees), p => Assert.True(p.First.Count < 2 * p.Second.NumberOfNodes + 1));
        for (var i = 0; i < rows.Length; i++)
        {
            double V(int mask) => ensemble.Bias + ensemble.Trees.Select((t, k) => ensemble.TreeWeights[k] * Conditional(t, covers[k], rows[i], mask, 0)).Sum();
            var expected = BruteForceShapley(5, V);
            for (var j = 0; j < 5; j++)
                Assert.True(Math.Abs(expected[j] - a.Values[i][j]) < 1e-9, $"row {i} φ{j}: {a.Values[i][j]} vs brute force {expected[j]}");
        }
        Assert.True(a.MaxAdditivityGap < 1e-9);
    }

    [Fact]
    public void Calibrated_fast_tree_and_light_gbm_are_explained_on_their_raw_score()
    {
        var rows = Gaussian(400, 9);
        var data = Ml.Data.LoadFromEnumerable(rows.Select(r => new BinaryRow { Features = r, Label = r[0] * r[1] + r[2] > 0 }).ToArray());
        var binary = Ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options { NumberOfTrees = 20, NumberOfLeaves = 6, NumberOfThreads = 1 }).Fit(data);
        var scored = Ml.Data.CreateEnumerable<BinaryScore>(binary.Transform(data), reuseRowObject: false).Take(50).ToArray();
        var a = Ml.DeepML().Explainability.TreeShap(binary, data).Explain(data, maxRows: 50);
        Assert.Contains("raw score before calibration", a.Method);
        for (var i = 0; i < 50; i++)
            Assert.Equal(scored[i].Score, a.Outputs[i], 4);
        Assert.True(a.MaxAdditivityGap < 1e-9);

        var regression = Ml.Data.LoadFromEnumerable(rows.Select(r => new LabeledRow { Features = r, Label = 2 * r[0] - r[3] * r[4] }).ToArray());
        var lgbm = Ml.Regression.Trainers.LightGbm(new LightGbmRegressionTrainer.Options { NumberOfIterations = 15, NumberOfLeaves = 6, NumberOfThreads = 1, Seed = 1 }).Fit(regression);
        var lgbmScores = Ml.Data.CreateEnumerable<BinaryScore>(lgbm.Transform(regression), reuseRowObject: false).Take(30).Select(s => s.Score).ToArray();
        var l = Ml.DeepML().Explainability.TreeShap(lgbm, regression, new TreeShapOptions { Perturbation = TreePerturbation.Interventional, Seed = 2 }).Explain(regression, maxRows: 30);
        Assert.Equal(lgbmScores.Select(s => (double)s), l.Outputs.Select(o => Math.Round(o, 4)), new Tolerance(1e-3));
        Assert.True(l.MaxAdditivityGap < 1e-9);
    }

    [Fact]
    public void Models_that_are_not_tree_predictors_are_refused_with_what_to_pass_instead()
    {
        var (data, _) = Regression(50, 1);
        var linear = Ml.Regression.Trainers.Sdca(new Microsoft.ML.Trainers.SdcaRegressionTrainer.Options { NumberOfThreads = 1 }).Fit(data);
        var notTrees = Assert.Throws<ArgumentException>(() => Ml.DeepML().Explainability.TreeShap(linear, data));
        Assert.Contains("not a tree ensemble. TreeShap explains FastTree, FastForest and LightGBM models; for other models use KernelShap or PermutationShap.", notTrees.Message);
        var pipeline = Ml.Transforms.NormalizeMinMax("Features").Append(Ml.Regression.Trainers.FastTree(numberOfTrees: 2)).Fit(data);
        var chain = Assert.Throws<ArgumentException>(() => Ml.DeepML().Explainability.TreeShap(pipeline, data));
        Assert.Contains("got a pipeline of 2 transformers; pass its tree model (model.LastTransformer)", chain.Message);
        Assert.Equal("MaxCoverRows", Assert.Throws<ArgumentOutOfRangeException>(() => new TreeShapOptions { MaxCoverRows = 0 }).ParamName);
    }

    private sealed class BinaryRow
    {
        [Microsoft.ML.Data.VectorType(5)]
        public float[] Features { get; set; } = [];

        public bool Label { get; set; }
    }

    private sealed class BinaryScore
    {
        public float Score { get; set; }
    }

    private sealed class Tolerance(double epsilon) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= epsilon;

        public int GetHashCode(double obj) => 0;
    }

    // ---- An independent reading of ML.NET's tree API: child c < 0 is leaf ~c; go left when x ≤ threshold. ----

    private static Dictionary<int, double> Covers(RegressionTreeBase tree, float[][] rows)
    {
        // Key: node index ≥ 0 for internal nodes, ~leaf (negative) for leaves.
        var covers = new Dictionary<int, double>();
        foreach (var x in rows)
        {
            var node = 0;
            if (tree.NumberOfNodes == 0)
                node = ~0;
            while (true)
            {
                covers[node] = covers.GetValueOrDefault(node) + 1;
                if (node < 0)
                    break;
                node = x[tree.NumericalSplitFeatureIndexes[node]] <= tree.NumericalSplitThresholds[node] ? tree.LeftChild[node] : tree.RightChild[node];
            }
        }
        return covers;
    }

    private static double Conditional(RegressionTreeBase tree, Dictionary<int, double> covers, float[] x, int mask, int node)
    {
        if (tree.NumberOfNodes == 0)
            return tree.LeafValues[0];
        if (node < 0)
            return tree.LeafValues[~node];
        var feature = tree.NumericalSplitFeatureIndexes[node];
        if ((mask >> feature & 1) == 1)
            return Conditional(tree, covers, x, mask, x[feature] <= tree.NumericalSplitThresholds[node] ? tree.LeftChild[node] : tree.RightChild[node]);
        var total = covers.GetValueOrDefault(node);
        var (l, r) = total > 0 ? (covers.GetValueOrDefault(tree.LeftChild[node]) / total, covers.GetValueOrDefault(tree.RightChild[node]) / total) : (0.5, 0.5);
        return l * Conditional(tree, covers, x, mask, tree.LeftChild[node]) + r * Conditional(tree, covers, x, mask, tree.RightChild[node]);
    }

    /// <summary>φ_j = Σ_{S ∌ j} |S|!(M−|S|−1)!/M! (v(S ∪ j) − v(S)), with factorials computed directly.</summary>
    internal static double[] BruteForceShapley(int m, Func<int, double> v)
    {
        static double Factorial(int n) => n <= 1 ? 1 : n * Factorial(n - 1);
        var phi = new double[m];
        for (var j = 0; j < m; j++)
        {
            for (var s = 0; s < 1 << m; s++)
            {
                if ((s >> j & 1) == 1)
                    continue;
                var size = System.Numerics.BitOperations.PopCount((uint)s);
                phi[j] += Factorial(size) * Factorial(m - size - 1) / Factorial(m) * (v(s | 1 << j) - v(s));
            }
        }
        return phi;
    }
}
