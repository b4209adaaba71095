using DeepML.Explainability;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using static DeepML.Transforms.Tests.Explainability.ShapleyModels;

namespace DeepML.Transforms.Tests.Explainability;

/// <summary>The Shapley explainers against closed forms (linear, second-order models) and against each other (exact as the reference).</summary>
public sealed class ShapleyExplainerTests
{
    private static readonly MLContext Ml = new(seed: 1);

    [Fact]
    public void Linear_model_has_the_closed_form_w_times_x_minus_weighted_background_mean_for_every_method()
    {
        // A real ML.NET linear model: y = 2x0 − x1 + 0.5x2 + 3x4 (+ noise) fitted by SDCA.
        var train = Gaussian(400, 3).Select(r => { var y = 2 * r[0] - r[1] + 0.5f * r[2] + 3 * r[4]; return (r, y); }).ToArray();
        var data = Ml.Data.LoadFromEnumerable(train.Select(t => new LabeledRow { Features = t.r, Label = t.y }).ToArray());
        var model = Ml.Regression.Trainers.Sdca(new SdcaRegressionTrainer.Options { NumberOfThreads = 1, MaximumNumberOfIterations = 50 }).Fit(data);
        var w = model.Model.Weights.ToArray();
        var backgroundRows = Gaussian(7, 4);
        double[] weights = [1, 2, 3, 1, 1, 5, 2];
        var background = new Background(backgroundRows, weights);
        var mean = Enumerable.Range(0, 5).Select(j => Enumerable.Range(0, 7).Sum(b => weights[b] * backgroundRows[b][j]) / weights.Sum()).ToArray();
        var rows = Gaussian(6, 5);
        var explained = View(Ml, rows);

        ShapleyExplainer[] explainers =
        [
            Ml.DeepML().Explainability.ExactShapley(model, data, new ExactShapleyOptions(), background),
            Ml.DeepML().Explainability.KernelShap(model, data, new KernelShapOptions { Samples = 12, Seed = 7 }, background),
            Ml.DeepML().Explainability.PermutationShap(model, data, new PermutationShapOptions { Permutations = 1, Seed = 7 }, background),
        ];
        foreach (var explainer in explainers)
        {
            var a = explainer.Explain(explained);
            Assert.Equal(["f0", "f1", "f2", "f3", "f4"], a.FeatureNames);
            for (var i = 0; i < rows.Length; i++)
            {
                for (var j = 0; j < 5; j++)
                    Assert.True(Math.Abs(w[j] * (rows[i][j] - mean[j]) - a.Values[i][j]) < 2e-5, $"{a.Method}: row {i} feature {j}: {a.Values[i][j]} vs {w[j] * (rows[i][j] - mean[j])}");
            }
            // The base value is E[f] over the weighted background, which for a linear model is f(weighted mean).
            Assert.Equal(model.Model.Bias + w.Zip(mean).Sum(p => p.First * p.Second), a.BaseValue, 4);
            Assert.True(a.MaxAdditivityGap < 1e-9, $"{a.Method}: additivity gap {a.MaxAdditivityGap}");
        }
    }

    [Fact]
    public void Second_order_model_is_explained_exactly_by_one_antithetic_permutation_and_by_the_exact_and_full_kernel_methods()
    {
        // shap tests/explainers/test_permutation.py::test_exact_second_order: inputs in {0,1}^5, background zeros.
        var random = new Random(11);
        var rows = Enumerable.Range(0, 16).Select(_ => Enumerable.Range(0, 5).Select(_ => (float)random.Next(2)).ToArray()).ToArray();
        var data = View(Ml, rows);
        var model = SecondOrder(Ml, data);
        var zeros = new Background([new float[5]]);
        ShapleyExplainer[] explainers =
        [
            Ml.DeepML().Explainability.PermutationShap(model, data, new PermutationShapOptions { Permutations = 1, Seed = 3 }, zeros),
            Ml.DeepML().Explainability.ExactShapley(model, data, null, zeros),
            Ml.DeepML().Explainability.KernelShap(model, data, new KernelShapOptions { Samples = 30, Seed = 3 }, zeros),
        ];
        foreach (var explainer in explainers)
        {
            var a = explainer.Explain(data);
            Assert.Equal(0, a.BaseValue);
            for (var i = 0; i < rows.Length; i++)
            {
                var x = rows[i];
                double[] expected = [x[0] * x[2] / 2, x[1], x[2] + x[0] * x[2] / 2 + x[2] * x[3] / 2, x[2] * x[3] / 2, 0];
                for (var j = 0; j < 5; j++)
                    Assert.True(Math.Abs(expected[j] - a.Values[i][j]) < 1e-9, $"{a.Method}: row {i} φ{j} = {a.Values[i][j]}, expected {expected[j]}");
            }
        }
    }

    [Fact]
    public void Kernel_shap_with_every_coalition_equals_exact_shapley_and_sampled_kernel_and_permutation_come_close()
    {
        var data = View(Ml, Gaussian(200, 21));
        var model = Nonlinear(Ml, data);
        var background = Background.Sample(data, 8, seed: 2);
        var rows = View(Ml, Gaussian(10, 22));
        var exact = Ml.DeepML().Explainability.ExactShapley(model, data, null, background).Explain(rows);
        var full = Ml.DeepML().Explainability.KernelShap(model, data, new KernelShapOptions { Samples = 30, Seed = 1 }, background).Explain(rows);
        var sampled = Ml.DeepML().Explainability.KernelShap(model, data, new KernelShapOptions { Samples = 16, Seed = 1 }, background).Explain(rows);
        var permuted = Ml.DeepML().Explainability.PermutationShap(model, data, new PermutationShapOptions { Permutations = 20, Seed = 1 }, background).Explain(rows);

        Assert.True(MaxDifference(exact, full) < 1e-9, $"full KernelSHAP vs exact: {MaxDifference(exact, full)}");
        Assert.Equal(exact.BaseValue, full.BaseValue);
        foreach (var a in new[] { exact, full, sampled, permuted })
            Assert.True(a.MaxAdditivityGap < 1e-9, $"{a.Method}: additivity gap {a.MaxAdditivityGap}");
        // Estimates: off by a fraction of the attributions' scale, not equal (a sampling method that matched to 1e-9 would be suspect too).
        var scale = exact.Values.SelectMany(v => v).Max(Math.Abs);
        foreach (var estimate in new[] { sampled, permuted })
        {
            var d = MaxDifference(exact, estimate);
            Assert.True(d < 0.25 * scale && d > 1e-6, $"{estimate.Method}: max |Δ| {d} vs scale {scale}");
        }
    }

    [Fact]
    public void Same_seed_gives_the_same_values_whatever_the_batching_and_another_seed_others()
    {
        var data = View(Ml, Gaussian(100, 31));
        var model = Nonlinear(Ml, data);
        var background = Background.Sample(data, 5, seed: 1);
        var rows = View(Ml, Gaussian(9, 32));
        Attributions Run(int seed, int maxModelRows) => Ml.DeepML().Explainability
            .KernelShap(model, data, new KernelShapOptions { Samples = 14, Seed = seed, MaxModelRows = maxModelRows }, background).Explain(rows);
        var a = Run(5, 65_536);
        var b = Run(5, 7);
        var c = Run(6, 65_536);
        Assert.Equal(0, MaxDifference(a, b));
        Assert.True(MaxDifference(a, c) > 1e-6);
    }

    [Fact]
    public void Source_column_groups_keep_a_one_hot_block_together()
    {
        // Age (scalar) and Color (one-hot of 3), concatenated as ML.NET names them: Age, Color.red, Color.green, Color.blue.
        var ml = new MLContext(seed: 1);
        var raw = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 60).Select(i => new ColorRow { Age = i % 17, Color = ((string[])["red", "green", "blue"])[i % 3], Label = i % 17 + (i % 3) * 2 }).ToArray());
        var featurizer = ml.Transforms.Categorical.OneHotEncoding("Color")
            .Append(ml.Transforms.Concatenate("Features", "Age", "Color")).Fit(raw);
        var data = featurizer.Transform(raw);
        var model = ml.Regression.Trainers.Sdca(new SdcaRegressionTrainer.Options { NumberOfThreads = 1 }).Fit(data);
        var w = model.Model.Weights.ToArray();
        var background = Background.Sample(data, 6, seed: 3);
        var explainer = ml.DeepML().Explainability.ExactShapley(model, data, new ExactShapleyOptions { Grouping = FeatureGrouping.SourceColumns() }, background);
        Assert.Equal(["Age", "Color"], explainer.FeatureNames);
        var rows = FeatureRows(data, 5);
        var mean = Enumerable.Range(0, 4).Select(j => Enumerable.Range(0, background.Rows).Average(b => background.Row(b)[j])).ToArray();
        var a = explainer.Explain(data, maxRows: 5);
        for (var i = 0; i < 5; i++)
        {
            var color = Enumerable.Range(1, 3).Sum(j => w[j] * (rows[i][j] - mean[j]));
            Assert.Equal(w[0] * (rows[i][0] - mean[0]), a.Values[i][0], 4);
            Assert.Equal(color, a.Values[i][1], 4);
        }
        var named = FeatureGrouping.SourceColumns("Age", "Color").Resolve(["Age", "Color.red", "Color.green", "Color.blue"], "t");
        Assert.Equal([0, 1, 1, 1], named.GroupOfSlot);
        var e = Assert.Throws<ArgumentException>(() => FeatureGrouping.SourceColumns("Age").Resolve(["Age", "Color.red"], "ExactShapley"));
        Assert.Contains("slot 1 'Color.red' belongs to none of the source columns 'Age'", e.Message);
    }

    private sealed class ColorRow
    {
        public float Age { get; set; }

        public string Color { get; set; } = "";

        public float Label { get; set; }
    }

    internal static float[][] FeatureRows(IDataView data, int count)
    {
        var column = data.Schema["Features"];
        using var cursor = data.GetRowCursor([column]);
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        var rows = new List<float[]>();
        var buffer = default(VBuffer<float>);
        while (rows.Count < count && cursor.MoveNext())
        {
            getter(ref buffer);
            rows.Add(buffer.DenseValues().ToArray());
        }
        return rows.ToArray();
    }

    internal static double MaxDifference(Attributions a, Attributions b) =>
        a.Values.Zip(b.Values).SelectMany(p => p.First.Zip(p.Second, (x, y) => Math.Abs(x - y))).Max();
}
