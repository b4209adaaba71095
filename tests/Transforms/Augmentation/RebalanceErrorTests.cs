using DeepML.Augmentation;
using Microsoft.ML;
using Microsoft.ML.Data;
using static DeepML.Transforms.Tests.Augmentation.RebalanceData;

namespace DeepML.Transforms.Tests.Augmentation;

/// <summary>Bad input and bad options fail before any row is made, naming the column or option and saying how to fix it.</summary>
public sealed class RebalanceErrorTests
{
    private static readonly MLContext Ml = new(seed: 1);
    private static readonly Row[] Input = Rows(2, ("a", 12), ("b", 4));

    public sealed class FloatLabelRow
    {
        public float Label { get; set; }
        [VectorType(2)]
        public float[] Features { get; set; } = [];
    }

    public sealed class TextRow
    {
        public bool Label { get; set; }
        public string Features { get; set; } = "";
    }

    [Fact]
    public void A_single_or_string_label_is_refused_naming_the_column_and_map_value_to_key()
    {
        var single = Ml.Data.LoadFromEnumerable(new[] { new FloatLabelRow { Label = 1, Features = [1, 2] } });
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Ml.DeepML().Augmentation.Smote(single));
        Assert.StartsWith("Smote: schema mismatch for label column 'Label': expected key or Boolean, got Single. Map the label to a key first (ml.Transforms.Conversion.MapValueToKey)", e.Message);
        var text = Ml.Data.LoadFromEnumerable(Input);
        var s = Assert.Throws<ArgumentOutOfRangeException>(() => Ml.DeepML().Augmentation.RandomOverSample(text, labelColumnName: "Class"));
        Assert.StartsWith("RandomOverSample: schema mismatch for label column 'Class': expected key or Boolean, got String. Map the label to a key first", s.Message);
    }

    [Fact]
    public void Missing_columns_list_the_columns_that_exist()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Ml.DeepML().Augmentation.RandomUnderSample(Keyed(Ml, Input), labelColumnName: "Target"));
        Assert.StartsWith("RandomUnderSample: label column 'Target' was not found. Available columns: 'Id', 'Class', 'Features', 'Label'.", e.Message);
        var f = Assert.Throws<ArgumentOutOfRangeException>(() => Ml.DeepML().Augmentation.BorderlineSmote(Keyed(Ml, Input), featureColumnName: "Pixels"));
        Assert.StartsWith("BorderlineSmote: feature column 'Pixels' was not found.", f.Message);
    }

    [Fact]
    public void Features_that_are_not_a_vector_of_single_are_refused_with_the_concatenate_fix()
    {
        var data = Ml.Data.LoadFromEnumerable(new[] { new TextRow { Label = true, Features = "x" } });
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Ml.DeepML().Augmentation.Smote(data));
        Assert.StartsWith("Smote: schema mismatch for feature column 'Features': expected known-size vector of Single, got String. Concatenate numeric columns", e.Message);
    }

    [Fact]
    public void K_larger_than_a_class_allows_names_the_option_the_class_and_its_count()
    {
        var e = Assert.Throws<ArgumentException>(() => Ml.DeepML().Augmentation.Smote(Keyed(Ml, Input), kNeighbors: 4));
        Assert.Equal("KNeighbors", e.ParamName);
        Assert.StartsWith("Smote: KNeighbors = 4, but class 'b' has only 4 rows, so a row has at most 3 same-class neighbours. Set KNeighbors to at most 3", e.Message);
        // k = 3 works: each b row has exactly 3 other b rows.
        Assert.Equal(24, Ml.DeepML().Augmentation.Smote(Keyed(Ml, Input), kNeighbors: 3, seed: 1).GetRowCount());
        var m = Assert.Throws<ArgumentException>(() => Ml.DeepML().Augmentation.BorderlineSmote(Keyed(Ml, Input), kNeighbors: 3, mNeighbors: 16));
        Assert.Equal("MNeighbors", m.ParamName);
        Assert.Contains("MNeighbors = 16, but the input has only 16 rows", m.Message);
    }

    [Fact]
    public void NaN_in_the_features_names_the_row_and_slot()
    {
        var rows = Input.Select(r => new Row { Id = r.Id, Class = r.Class, Features = r.Features.ToArray() }).ToArray();
        rows[9].Features[1] = float.NaN;
        var e = Assert.Throws<ArgumentException>(() => Ml.DeepML().Augmentation.SmoteNc(Keyed(Ml, rows), ["Features"]));
        Assert.StartsWith("SmoteNc: feature column 'Features' has NaN at row 9, slot 1;", e.Message);
        Assert.Contains("ReplaceMissingValues", e.Message);
    }

    [Fact]
    public void Zero_rows_and_a_missing_key_label_fail_fast()
    {
        var empty = new DeepML.Testing.CountingDataView(Keyed(Ml, Input), rowLimit: 0);
        var e = Assert.Throws<ArgumentException>(() => Ml.DeepML().Augmentation.Smote(empty));
        Assert.StartsWith("Smote: the input has no rows;", e.Message);
        var unknown = Ml.Transforms.Conversion.MapValueToKey("Label", "Class").Fit(Ml.Data.LoadFromEnumerable(Input.Where(r => r.Class == "a")));
        var missing = Assert.Throws<ArgumentException>(() => Ml.DeepML().Augmentation.RandomOverSample(unknown.Transform(Ml.Data.LoadFromEnumerable(Input))));
        Assert.Contains("label column 'Label' is missing (key 0) at row", missing.Message);
    }

    [Fact]
    public void SmoteNc_needs_categorical_columns_that_exist_among_the_slot_names()
    {
        var scalars = Ml.Data.LoadFromEnumerable(Input.Select(r => new SmoteTests.ScalarRow { Id = r.Id, Class = r.Class, X1 = r.Features[0], X2 = r.Features[1] }));
        var features = Ml.Transforms.Conversion.MapValueToKey("Label", "Class").Append(Ml.Transforms.Concatenate("Features", "X1", "X2")).Fit(scalars).Transform(scalars);
        var none = Assert.Throws<ArgumentException>(() => Ml.DeepML().Augmentation.SmoteNc(features, new SmoteNcOptions()));
        Assert.Equal("CategoricalColumnNames", none.ParamName);
        var unknown = Assert.Throws<ArgumentException>(() => Ml.DeepML().Augmentation.SmoteNc(features, ["ColorHot"], kNeighbors: 3));
        Assert.Equal("CategoricalColumnNames", unknown.ParamName);
        Assert.Contains("CategoricalColumnNames lists 'ColorHot', but no slot of feature column 'Features' comes from it (slot names: 'X1', 'X2')", unknown.Message);
        var noNames = Assert.Throws<ArgumentException>(() => Ml.DeepML().Augmentation.SmoteNc(Keyed(Ml, Input), ["ColorHot"], kNeighbors: 3));
        Assert.Contains("feature column 'Features' has no slot names", noNames.Message);
    }

    [Fact]
    public void A_cancelled_token_stops_the_work()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => Ml.DeepML().Augmentation.Smote(Keyed(Ml, Input), new SmoteOptions { KNeighbors = 3 }, cancelled.Token));
        Assert.ThrowsAny<OperationCanceledException>(() => Ml.DeepML().Augmentation.RandomUnderSample(Keyed(Ml, Input), new RandomUnderSamplingOptions(), cancelled.Token));
    }

    [Fact]
    public void Each_invalid_option_throws_naming_itself()
    {
        Assert.Equal("KNeighbors", Assert.Throws<ArgumentOutOfRangeException>(() => new SmoteOptions { KNeighbors = 0 }).ParamName);
        Assert.Equal("KNeighbors", Assert.Throws<ArgumentOutOfRangeException>(() => new SmoteNcOptions { KNeighbors = -1 }).ParamName);
        Assert.Equal("MNeighbors", Assert.Throws<ArgumentOutOfRangeException>(() => new BorderlineSmoteOptions { MNeighbors = 0 }).ParamName);
        Assert.Equal("LabelColumnName", Assert.Throws<ArgumentException>(() => new RandomOverSamplingOptions { LabelColumnName = " " }).ParamName);
        Assert.Equal("FeatureColumnName", Assert.Throws<ArgumentException>(() => new BorderlineSmoteOptions { FeatureColumnName = "" }).ParamName);
        Assert.Equal("Strategy", Assert.Throws<ArgumentException>(() => new RandomUnderSamplingOptions { Strategy = null! }).ParamName);
        Assert.Equal("CategoricalColumnNames", Assert.Throws<ArgumentException>(() => new SmoteNcOptions { CategoricalColumnNames = [] }).ParamName);
        Assert.Equal("CategoricalColumnNames", Assert.Throws<ArgumentException>(() => new SmoteNcOptions { CategoricalColumnNames = ["A", "A"] }).ParamName);
        Assert.Equal("ratio", Assert.Throws<ArgumentOutOfRangeException>(() => SamplingStrategy.Ratio(0)).ParamName);
        Assert.Equal("ratio", Assert.Throws<ArgumentOutOfRangeException>(() => SamplingStrategy.Ratio(1.5)).ParamName);
        Assert.Equal("ratio", Assert.Throws<ArgumentOutOfRangeException>(() => SamplingStrategy.Ratio(double.NaN)).ParamName);
        Assert.Equal("counts", Assert.Throws<ArgumentException>(() => SamplingStrategy.Counts(new Dictionary<string, long>())).ParamName);
        Assert.Equal("counts", Assert.Throws<ArgumentException>(() => SamplingStrategy.Counts(new Dictionary<string, long> { ["a"] = 0 })).ParamName);
        Assert.Contains("KNeighbors: must be at least 1", Assert.Throws<ArgumentOutOfRangeException>(() => new SmoteOptions { KNeighbors = 0 }).Message);
    }
}
