using DeepML.Explainability;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using static DeepML.Transforms.Tests.Explainability.ShapleyModels;

namespace DeepML.Transforms.Tests.Explainability;

/// <summary>What a PredictionEngine reads from the attribution step.</summary>
public sealed class AttributionOutput
{
    [VectorType(5)]
    public float[] Attributions { get; set; } = [];

    public float AttributionsBaseValue { get; set; }
}

/// <summary>Attributions as a pipeline column equal the explainer's own, whatever the batching, and add up to the score.</summary>
public sealed class AttributionTransformerTests
{
    private static readonly MLContext Ml = new(seed: 1);

    [Fact]
    public void The_column_holds_the_explainers_values_with_slot_names_and_base_value_for_any_batch_size_and_per_row()
    {
        var data = View(Ml, Gaussian(150, 41));
        var model = Nonlinear(Ml, data);
        var explainer = Ml.DeepML().Explainability.KernelShap(model, data, new KernelShapOptions { Samples = 20, Seed = 3 }, Background.Sample(data, 6, seed: 2));
        var rows = Gaussian(23, 42);
        var expected = explainer.Explain(View(Ml, rows));

        foreach (var batch in new[] { 1, 7, 256 })
        {
            var step = Ml.DeepML().Explainability.CalculateAttributions(explainer, new AttributionOptions { BatchSize = batch }).Fit(data);
            var output = step.Transform(View(Ml, rows));
            var slots = default(VBuffer<ReadOnlyMemory<char>>);
            output.Schema["Attributions"].GetSlotNames(ref slots);
            Assert.Equal(explainer.FeatureNames, slots.DenseValues().Select(s => s.ToString()));
            var got = Ml.Data.CreateEnumerable<AttributionOutput>(output, reuseRowObject: false).ToArray();
            Assert.Equal(rows.Length, got.Length);
            for (var i = 0; i < rows.Length; i++)
            {
                Assert.Equal((float)expected.BaseValue, got[i].AttributionsBaseValue);
                Assert.Equal(expected.Values[i].Select(v => (float)v), got[i].Attributions);
            }
        }

        // One row at a time (PredictionEngine) gives the same values: a row's draws depend on the row, not on its batch.
        var engine = Ml.Model.CreatePredictionEngine<Row, AttributionOutput>(Ml.DeepML().Explainability.CalculateAttributions(explainer).Fit(data));
        for (var i = 0; i < rows.Length; i += 5)
            Assert.Equal(expected.Values[i].Select(v => (float)v), engine.Predict(new Row { Features = rows[i] }).Attributions);
    }

    [Fact]
    public void Tree_shap_attributions_in_a_pipeline_add_up_to_the_fast_tree_score()
    {
        var rows = Gaussian(300, 43);
        var data = Ml.Data.LoadFromEnumerable(rows.Select(r => new LabeledRow { Features = r, Label = r[0] * r[1] + MathF.Abs(r[2]) - r[4] }).ToArray());
        var trees = Ml.Regression.Trainers.FastTree(new FastTreeRegressionTrainer.Options { NumberOfTrees = 15, NumberOfLeaves = 8, NumberOfThreads = 1 }).Fit(data);
        var explainer = Ml.DeepML().Explainability.TreeShap(trees, data);
        // Score, then explain: the step passes the score through and adds attributions that sum to it.
        var pipeline = trees.Append(Ml.DeepML().Explainability.CalculateAttributions(explainer).Fit(trees.Transform(data)));
        var output = pipeline.Transform(data);
        var scores = output.GetColumn<float>("Score").ToArray();
        var phi = output.GetColumn<float[]>("Attributions").ToArray();
        var bases = output.GetColumn<float>("AttributionsBaseValue").ToArray();
        for (var i = 0; i < rows.Length; i++)
            Assert.True(Math.Abs(bases[i] + phi[i].Sum() - scores[i]) < 1e-4, $"row {i}: {bases[i]} + Σφ {phi[i].Sum()} vs score {scores[i]}");
        // Global importance from the column: the one feature the label does not use, x3, matters least.
        var importance = explainer.Explain(data).GlobalImportance();
        Assert.Equal("f3", importance.Features[^1].Feature); // unnamed slots are called f0 … f4
    }

    [Fact]
    public void Saving_says_what_to_do_instead()
    {
        var data = View(Ml, Gaussian(40, 44));
        var explainer = Ml.DeepML().Explainability.ExactShapley(SecondOrder(Ml, data), data, null, Background.Sample(data, 3, seed: 1));
        var step = Ml.DeepML().Explainability.CalculateAttributions(explainer).Fit(data);
        var e = Assert.Throws<NotSupportedException>(() => Ml.Model.Save(step, data.Schema, new MemoryStream()));
        Assert.Contains("Save the explained model instead", e.Message, StringComparison.Ordinal);
    }
}
