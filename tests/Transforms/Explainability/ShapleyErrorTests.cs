using DeepML.Explainability;
using Microsoft.ML;
using static DeepML.Transforms.Tests.Explainability.ShapleyModels;

namespace DeepML.Transforms.Tests.Explainability;

/// <summary>Bad input to the Shapley explainers fails when the explainer is made, in words that say how to fix it.</summary>
public sealed class ShapleyErrorTests
{
    private static readonly MLContext Ml = new(seed: 1);
    private static readonly IDataView Data = View(Ml, Gaussian(30, 1));
    private static readonly ITransformer Model = SecondOrder(Ml, Data);

    [Fact]
    public void Too_many_features_for_exact_shapley_names_the_count_and_the_alternatives()
    {
        var e = Assert.Throws<ArgumentException>(() => Ml.DeepML().Explainability.ExactShapley(Model, Data, new ExactShapleyOptions { MaxFeatures = 4 }, new Background([new float[5]])));
        Assert.Equal("ExactShapley: 5 features give 2^5 = 32 coalitions per row, more than MaxFeatures = 4 allows. " +
            "Group the slots (Grouping = FeatureGrouping.SourceColumns()), raise MaxFeatures (at most 24), or use KernelShap, PermutationShap or, for trees, TreeShap. (Parameter 'options')", e.Message);
    }

    [Fact]
    public void A_missing_feature_column_lists_the_columns_and_a_background_of_another_size_is_refused()
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => Ml.DeepML().Explainability.KernelShap(Model, Data, new KernelShapOptions { FeatureColumnName = "Pixels" }, new Background([new float[5]])));
        Assert.StartsWith("KernelShap: feature column 'Pixels' was not found. Available columns: 'Features'.", e.Message);
        var size = Assert.Throws<ArgumentException>(() => Ml.DeepML().Explainability.KernelShap(Model, Data, null, new Background([new float[4]])));
        Assert.Contains("the background rows have 4 values but the feature column 'Features' has 5", size.Message);
    }

    [Fact]
    public void A_model_without_the_explained_output_or_with_a_vector_score_and_no_class_is_refused()
    {
        var missing = Assert.ThrowsAny<ArgumentException>(() => Ml.DeepML().Explainability.PermutationShap(Model, Data, new PermutationShapOptions { Output = ExplainedOutput.Probability }, new Background([new float[5]])));
        Assert.StartsWith("PermutationShap: explained output column 'Probability' was not found. Available columns: 'Features', 'Score'.", missing.Message);
        // A multiclass model's Score is a vector: a class must be chosen.
        var labelled = Ml.Data.LoadFromEnumerable(Gaussian(60, 2).Select((r, i) => new LabeledRow { Features = r, Label = i % 3 }).ToArray());
        var multiclass = Ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(Ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(new Microsoft.ML.Trainers.SdcaMaximumEntropyMulticlassTrainer.Options { NumberOfThreads = 1, MaximumNumberOfIterations = 5 }))
            .Fit(labelled).LastTransformer;
        var noClass = Assert.Throws<ArgumentException>(() => Ml.DeepML().Explainability.KernelShap(multiclass, labelled, null, new Background([new float[5]])));
        Assert.Contains("the explained output 'Score' is a vector of 3 values (one per class); no slot was given. Explain one class: ExplainedOutput.Class(0 … 2).", noClass.Message);
        var ok = Ml.DeepML().Explainability.KernelShap(multiclass, labelled, new KernelShapOptions { Output = ExplainedOutput.Class(2), Seed = 1 }, new Background([new float[5]]));
        var a = ok.Explain(labelled, maxRows: 3);
        Assert.True(a.MaxAdditivityGap < 1e-9);
        Assert.All(a.Outputs, p => Assert.InRange(p, 0, 1));
        Assert.Equal("Score[2]", a.OutputName);
    }

    [Fact]
    public void Empty_backgrounds_and_invalid_options_name_themselves()
    {
        var empty = Assert.Throws<ArgumentException>(() => Background.KMeans(Ml.Data.FilterRowsByColumn(Ml.Data.LoadFromEnumerable(new[] { new LabeledRow { Features = new float[5], Label = 1 } }), "Label", 5, 6), 10, seed: 1));
        Assert.StartsWith("Background: the data has no rows", empty.Message);
        Assert.Throws<ArgumentException>(() => new Background([]));
        Assert.Throws<ArgumentException>(() => new Background([new float[2]], [0.0]));
        Assert.Equal("Samples", Assert.Throws<ArgumentOutOfRangeException>(() => new KernelShapOptions { Samples = 1 }).ParamName);
        Assert.Equal("Permutations", Assert.Throws<ArgumentOutOfRangeException>(() => new PermutationShapOptions { Permutations = 0 }).ParamName);
        Assert.Equal("MaxFeatures", Assert.Throws<ArgumentOutOfRangeException>(() => new ExactShapleyOptions { MaxFeatures = 25 }).ParamName);
        Assert.Equal("MaxModelRows", Assert.Throws<ArgumentOutOfRangeException>(() => new KernelShapOptions { MaxModelRows = 0 }).ParamName);
        Assert.Equal("FeatureColumnName", Assert.Throws<ArgumentException>(() => new KernelShapOptions { FeatureColumnName = " " }).ParamName);
        Assert.Equal("Output", Assert.Throws<ArgumentException>(() => new KernelShapOptions { Output = null! }).ParamName);
        Assert.Equal("Grouping", Assert.Throws<ArgumentException>(() => new KernelShapOptions { Grouping = null! }).ParamName);
    }

    [Fact]
    public void Custom_groups_must_cover_every_slot_once()
    {
        string[] slots = ["a", "b", "c"];
        var twice = Assert.Throws<ArgumentException>(() => FeatureGrouping.Custom(new Dictionary<string, int[]> { ["x"] = [0, 1], ["y"] = [1, 2] }).Resolve(slots, "KernelShap"));
        Assert.Equal("KernelShap: slot 1 'b' is in both group 'x' and group 'y'; put each slot in exactly one group. (Parameter 'Grouping')", twice.Message);
        var none = Assert.Throws<ArgumentException>(() => FeatureGrouping.Custom(new Dictionary<string, int[]> { ["x"] = [0, 2] }).Resolve(slots, "KernelShap"));
        Assert.Contains("slot 1 'b' is in no group", none.Message);
        var outside = Assert.Throws<ArgumentException>(() => FeatureGrouping.Custom(new Dictionary<string, int[]> { ["x"] = [0, 1, 2, 3] }).Resolve(slots, "KernelShap"));
        Assert.Contains("group 'x' lists slot 3, but the feature vector has slots 0 … 2", outside.Message);
    }
}
