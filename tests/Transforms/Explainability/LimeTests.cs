using DeepML.Explainability;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using static DeepML.Transforms.Tests.Explainability.ShapleyModels;

namespace DeepML.Transforms.Tests.Explainability;

/// <summary>LIME against closed forms: a model linear in the interpretable features is recovered exactly; a linear model's signs; the ridge against a second solver.</summary>
public sealed class LimeTests
{
    private static readonly MLContext Ml = new(seed: 1);

    public sealed class HotRow
    {
        [VectorType(6)]
        public float[] Features { get; set; } = [];
    }

    public sealed class HotScore
    {
        public float Score { get; set; }
    }

    private static readonly double[] Effects = [1.5, -2.0, 0.25];

    /// <summary>Three one-hot blocks of two slots; f = 0.5 + Σ_g c_g·[block g is its first category].</summary>
    private static (IDataView Data, ITransformer Model, float[][] Rows) OneHotModel()
    {
        var random = new Random(5);
        var rows = Enumerable.Range(0, 400).Select(_ => Enumerable.Range(0, 3).SelectMany(_ => random.Next(2) == 0 ? new[] { 1f, 0f } : [0f, 1f]).ToArray()).ToArray();
        var data = Ml.Data.LoadFromEnumerable(rows.Select(r => new HotRow { Features = r }).ToArray());
        var model = Ml.Transforms.CustomMapping<HotRow, HotScore>((i, o) =>
            o.Score = (float)(0.5 + Effects[0] * i.Features[0] + Effects[1] * i.Features[2] + Effects[2] * i.Features[4]), contractName: null).Fit(data);
        return (data, model, rows);
    }

    private static FeatureGrouping Blocks => FeatureGrouping.Custom(new Dictionary<string, int[]> { ["a"] = [0, 1], ["b"] = [2, 3], ["c"] = [4, 5] });

    [Fact]
    public void A_model_linear_in_the_interpretable_features_is_recovered_exactly_by_least_squares()
    {
        // z_g = 1 when block g keeps the row's category. If the row has the first category, f = const + c_g·z_g;
        // if not, f = const + c_g·(1 − z_g). So the surrogate is exact: coefficient ±c_g, R² = 1, local prediction = f(x).
        var (data, model, rows) = OneHotModel();
        var lime = Ml.DeepML().Explainability.Lime(model, data, new LimeOptions { Grouping = Blocks, RidgeAlpha = 0, Samples = 500, Seed = 2 });
        var e = lime.ExplainWithFit(Ml.Data.LoadFromEnumerable(rows.Take(8).Select(r => new HotRow { Features = r }).ToArray()));
        for (var i = 0; i < 8; i++)
        {
            for (var g = 0; g < 3; g++)
            {
                var expected = rows[i][2 * g] == 1 ? Effects[g] : -Effects[g];
                Assert.True(Math.Abs(e.Attributions.Values[i][g] - expected) < 1e-5, $"row {i} block {g}: {e.Attributions.Values[i][g]} vs {expected}");
            }
            Assert.True(e.RSquared[i] > 1 - 1e-9, $"row {i}: R² {e.RSquared[i]}");
            Assert.True(Math.Abs(e.LocalPredictions[i] - e.Attributions.Outputs[i]) < 1e-5);
            var intercept = 0.5 + Enumerable.Range(0, 3).Sum(g => rows[i][2 * g] == 1 ? 0 : Effects[g]);
            Assert.True(Math.Abs(e.Attributions.BaseValues[i] - intercept) < 1e-5, $"row {i}: intercept {e.Attributions.BaseValues[i]} vs {intercept}");
        }
        Assert.False(e.Attributions.IsAdditive);
        Assert.Equal(["a", "b", "c"], e.Attributions.FeatureNames);
        Assert.StartsWith("LIME (500 samples, kernel width 1.299, ridge α 0)", lime.Method); // 0.75·√3
    }

    [Fact]
    public void Weighted_ridge_equals_the_augmented_normal_equations_solved_by_gauss_jordan()
    {
        var random = new Random(8);
        const int n = 60, m = 4;
        var x = Enumerable.Range(0, n * m).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var y = Enumerable.Range(0, n).Select(i => 0.3 + 2 * x[i * m] - x[i * m + 2] + 0.1 * (random.NextDouble() - 0.5)).ToArray();
        var w = Enumerable.Range(0, n).Select(_ => 0.1 + random.NextDouble()).ToArray();
        foreach (var alpha in new[] { 0.0, 1.0, 25.0 })
        {
            var fit = WeightedRidge.Solve(x, y, w, n, m, alpha);
            // Second implementation: [b; β] solves (AᵀWA + diag(0, α, …, α)) θ = AᵀWy with A = [1 X], by Gauss–Jordan elimination.
            var a = new double[m + 1, m + 2];
            for (var i = 0; i < n; i++)
            {
                var row = new[] { 1.0 }.Concat(x.Skip(i * m).Take(m)).ToArray();
                for (var r = 0; r <= m; r++)
                {
                    for (var c = 0; c <= m; c++)
                        a[r, c] += w[i] * row[r] * row[c];
                    a[r, m + 1] += w[i] * row[r] * y[i];
                }
            }
            for (var r = 1; r <= m; r++)
                a[r, r] += alpha;
            for (var p = 0; p <= m; p++)
            {
                var pivot = a[p, p];
                for (var c = 0; c <= m + 1; c++)
                    a[p, c] /= pivot;
                for (var r = 0; r <= m; r++)
                {
                    if (r == p) continue;
                    var f = a[r, p];
                    for (var c = 0; c <= m + 1; c++)
                        a[r, c] -= f * a[p, c];
                }
            }
            Assert.Equal(a[0, m + 1], fit.Intercept, 10);
            for (var j = 0; j < m; j++)
                Assert.Equal(a[j + 1, m + 1], fit.Coefficients[j], 10);
        }
    }

    [Fact]
    public void A_linear_model_gets_the_sign_of_its_weight_times_the_side_of_the_rows_quartile()
    {
        // f = w·x. A row in the top quartile of x_j gains w_j·(x_j − E[x_j | another bin]) by keeping its bin, so the
        // coefficient has w_j's sign; in the bottom quartile the opposite sign.
        var rows = Gaussian(600, 61);
        var data = Ml.Data.LoadFromEnumerable(rows.Select(r => new LabeledRow { Features = r, Label = 2 * r[0] - 1.5f * r[1] + 0.7f * r[3] }).ToArray());
        var model = Ml.Regression.Trainers.Sdca(new SdcaRegressionTrainer.Options { NumberOfThreads = 1, MaximumNumberOfIterations = 50 }).Fit(data);
        var w = model.Model.Weights.ToArray();
        var lime = Ml.DeepML().Explainability.Lime(model, data, new LimeOptions { Samples = 2000, Seed = 4 });
        float[][] probes = [[1.5f, 1.5f, 0, 1.5f, 0], [-1.5f, -1.5f, 0, -1.5f, 0], [1.5f, -1.5f, 0, -1.5f, 0]];
        var e = lime.ExplainWithFit(View(Ml, probes));
        for (var i = 0; i < probes.Length; i++)
        {
            foreach (var j in new[] { 0, 1, 3 })
                Assert.True(Math.Sign(e.Attributions.Values[i][j]) == Math.Sign(w[j]) * Math.Sign(probes[i][j]), $"row {i} slot {j}: coefficient {e.Attributions.Values[i][j]}, weight {w[j]}");
            // The unused slots matter far less than the used ones.
            Assert.True(Math.Abs(e.Attributions.Values[i][2]) < 0.2 * Math.Abs(e.Attributions.Values[i][0]));
            Assert.InRange(e.RSquared[i], 0.5, 1.0);
        }
    }

    [Fact]
    public void Same_seed_gives_the_same_values_whatever_the_batching_and_another_seed_others()
    {
        var data = View(Ml, Gaussian(200, 71));
        var model = Nonlinear(Ml, data);
        var rows = View(Ml, Gaussian(7, 72));
        Attributions Run(int seed, int maxModelRows) => Ml.DeepML().Explainability.Lime(model, data, new LimeOptions { Samples = 300, Seed = seed, MaxModelRows = maxModelRows }).Explain(rows);
        var a = Run(3, 65_536);
        Assert.Equal(0, ShapleyExplainerTests.MaxDifference(a, Run(3, 300)));
        Assert.True(ShapleyExplainerTests.MaxDifference(a, Run(4, 65_536)) > 1e-6);
    }

    [Fact]
    public void Bad_options_and_data_are_named()
    {
        Assert.Equal(nameof(LimeOptions.Samples), Assert.ThrowsAny<ArgumentException>(() => new LimeOptions { Samples = 9 }).ParamName);
        Assert.Equal(nameof(LimeOptions.KernelWidth), Assert.ThrowsAny<ArgumentException>(() => new LimeOptions { KernelWidth = 0 }).ParamName);
        Assert.Equal(nameof(LimeOptions.KernelWidth), Assert.ThrowsAny<ArgumentException>(() => new LimeOptions { KernelWidth = double.NaN }).ParamName);
        Assert.Equal(nameof(LimeOptions.RidgeAlpha), Assert.ThrowsAny<ArgumentException>(() => new LimeOptions { RidgeAlpha = -1 }).ParamName);
        Assert.Equal(nameof(LimeOptions.MaxTrainingRows), Assert.ThrowsAny<ArgumentException>(() => new LimeOptions { MaxTrainingRows = 1 }).ParamName);
        Assert.Equal(nameof(LimeOptions.FeatureColumnName), Assert.ThrowsAny<ArgumentException>(() => new LimeOptions { FeatureColumnName = "" }).ParamName);
        var data = View(Ml, Gaussian(20, 1));
        var model = SecondOrder(Ml, data);
        var one = Assert.Throws<ArgumentException>(() => Ml.DeepML().Explainability.Lime(model, View(Ml, Gaussian(1, 2))));
        Assert.Contains("has 1 rows; LIME needs at least 2", one.Message, StringComparison.Ordinal);
        var missing = Assert.ThrowsAny<ArgumentException>(() => Ml.DeepML().Explainability.Lime(model, data, new LimeOptions { FeatureColumnName = "Pixels" }));
        Assert.Contains("'Pixels' was not found", missing.Message, StringComparison.Ordinal);
    }
}
