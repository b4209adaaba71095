using DeepML.Augmentation;
using Microsoft.ML;
using static DeepML.Transforms.Tests.Augmentation.RebalanceData;

namespace DeepML.Transforms.Tests.Augmentation;

/// <summary>Random over- and under-sampling: the counts of imbalanced-learn's definitions, whole rows copied, seeded draws.</summary>
public sealed class RandomSamplingTests
{
    // a: 50 rows, b: 20, c: 7 — majority 50, minority 7.
    private static readonly Row[] Input = Rows(3, ("a", 50), ("b", 20), ("c", 7));

    [Fact]
    public void Over_sampling_auto_brings_every_class_to_the_majority_count_with_copies_of_its_own_rows()
    {
        var ml = new MLContext(seed: 1);
        var result = ml.DeepML().Augmentation.RandomOverSample(Keyed(ml, Input), seed: 5);
        var rows = ReadRows(result);
        Assert.Equal(new Dictionary<string, int> { ["a"] = 50, ["b"] = 50, ["c"] = 50 }, Counts(rows));
        // Every input row once, in input order, then the draws.
        Assert.Equal(Input.Select(r => r.Id), rows.Take(Input.Length).Select(r => r.Id));
        // Every column is kept and an added row is an exact copy of an input row of its class.
        var byId = Input.ToDictionary(r => r.Id);
        Assert.All(rows, r =>
        {
            var source = byId[r.Id!];
            Assert.Equal(source.Class, r.Class);
            Assert.Equal(source.Features, r.Features);
        });
        Assert.Equal(["Id", "Class", "Features", "Label"], result.Schema.Select(c => c.Name));
        Assert.Equal(new Dictionary<string, long> { ["a"] = 50, ["b"] = 20, ["c"] = 7 }, result.Report.Before);
        Assert.Equal(new Dictionary<string, long> { ["a"] = 50, ["b"] = 50, ["c"] = 50 }, result.Report.After);
        // With replacement: 43 draws from 7 rows of c must repeat rows.
        Assert.True(rows.Where(r => r.Class == "c").Select(r => r.Id).Distinct().Count() <= 7);
    }

    [Fact]
    public void Under_sampling_auto_keeps_the_minority_count_of_distinct_rows_per_class_in_input_order()
    {
        var ml = new MLContext(seed: 1);
        var result = ml.DeepML().Augmentation.RandomUnderSample(Keyed(ml, Input), seed: 5);
        var rows = ReadRows(result);
        Assert.Equal(new Dictionary<string, int> { ["a"] = 7, ["b"] = 7, ["c"] = 7 }, Counts(rows));
        Assert.Equal(21, rows.Select(r => r.Id).Distinct().Count());
        var position = Input.Select((r, i) => (r.Id, i)).ToDictionary(p => p.Id, p => p.i);
        Assert.Equal(rows.Select(r => position[r.Id!]).Order(), rows.Select(r => position[r.Id!]));
        Assert.Equal(Input.Where(r => r.Class == "c").Select(r => r.Id).Order(), rows.Where(r => r.Class == "c").Select(r => r.Id).Order());
    }

    [Fact]
    public void A_ratio_follows_imbalanced_learn_floor_of_ratio_times_majority_and_minority_over_ratio()
    {
        var ml = new MLContext(seed: 1);
        var data = Keyed(ml, Input);
        // Over: non-majority classes get floor(0.45 · 50) = 22 rows.
        var over = ml.DeepML().Augmentation.RandomOverSample(data, new RandomOverSamplingOptions { Strategy = SamplingStrategy.Ratio(0.45), Seed = 1 });
        Assert.Equal(new Dictionary<string, long> { ["a"] = 50, ["b"] = 22, ["c"] = 22 }, over.Report.After);
        Assert.Equal(94, over.GetRowCount());
        // Under: non-minority classes keep floor(7 / 0.4) = 17 rows.
        var under = ml.DeepML().Augmentation.RandomUnderSample(data, new RandomUnderSamplingOptions { Strategy = SamplingStrategy.Ratio(0.4), Seed = 1 });
        Assert.Equal(new Dictionary<string, int> { ["a"] = 17, ["b"] = 17, ["c"] = 7 }, Counts(ReadRows(under)));
        // A ratio that would shrink b (20 > floor(0.3 · 50) = 15) while over-sampling is refused, as in imbalanced-learn.
        var e = Assert.Throws<ArgumentException>(() => ml.DeepML().Augmentation.RandomOverSample(data, new RandomOverSamplingOptions { Strategy = SamplingStrategy.Ratio(0.3) }));
        Assert.Contains("class 'b' (20 rows, target 15)", e.Message);
        Assert.Equal("Strategy", e.ParamName);
    }

    [Fact]
    public void Counts_per_class_change_the_listed_classes_only()
    {
        var ml = new MLContext(seed: 1);
        var data = Keyed(ml, Input);
        var over = ml.DeepML().Augmentation.RandomOverSample(data, new RandomOverSamplingOptions { Strategy = SamplingStrategy.Counts(new Dictionary<string, long> { ["c"] = 30 }), Seed = 2 });
        Assert.Equal(new Dictionary<string, int> { ["a"] = 50, ["b"] = 20, ["c"] = 30 }, Counts(ReadRows(over)));
        var under = ml.DeepML().Augmentation.RandomUnderSample(data, new RandomUnderSamplingOptions { Strategy = SamplingStrategy.Counts(new Dictionary<string, long> { ["a"] = 10, ["b"] = 19 }), Seed = 2 });
        Assert.Equal(new Dictionary<string, int> { ["a"] = 10, ["b"] = 19, ["c"] = 7 }, Counts(ReadRows(under)));
        var lower = Assert.Throws<ArgumentException>(() => ml.DeepML().Augmentation.RandomOverSample(data, new RandomOverSamplingOptions { Strategy = SamplingStrategy.Counts(new Dictionary<string, long> { ["a"] = 10 }) }));
        Assert.Contains("asks for 10 rows of class 'a', which has 50", lower.Message);
        var unknown = Assert.Throws<ArgumentException>(() => ml.DeepML().Augmentation.RandomUnderSample(data, new RandomUnderSamplingOptions { Strategy = SamplingStrategy.Counts(new Dictionary<string, long> { ["z"] = 1 }) }));
        Assert.Contains("names class 'z', which the label does not have. Classes: ", unknown.Message);
        Assert.All(["'a'", "'b'", "'c'"], c => Assert.Contains(c, unknown.Message));
    }

    [Fact]
    public void A_boolean_label_works_and_the_report_prints_a_table()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 12).Select(i => new BoolRow { Label = i % 4 == 0, Features = [i, -i] }));
        var result = ml.DeepML().Augmentation.RandomOverSample(data, seed: 3);
        Assert.Equal(new Dictionary<string, long> { ["False"] = 9, ["True"] = 9 }, result.Report.After);
        Assert.Equal(new Dictionary<string, int> { ["False"] = 9, ["True"] = 9 }, Counts(ReadRows(result)));
        Assert.Equal(
            "RandomOverSample (seed 3)\n" +
            "Class      Before       After\n" +
            "False           9           9\n" +
            "True            3           9\n" +
            "Total          12          18", result.Report.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void The_same_seed_gives_the_same_rows_and_different_seeds_differ()
    {
        List<string?> Ids(int? optionSeed, int contextSeed)
        {
            var ml = new MLContext(seed: contextSeed);
            return ReadRows(ml.DeepML().Augmentation.RandomOverSample(Keyed(ml, Input), seed: optionSeed)).Select(r => r.Id).ToList();
        }
        Assert.Equal(Ids(7, 1), Ids(7, 2));           // the option's seed wins over the context's
        Assert.NotEqual(Ids(7, 1), Ids(8, 1));
        Assert.Equal(Ids(null, 4), Ids(null, 4));     // derived from the context's seed
        Assert.NotEqual(Ids(null, 4), Ids(null, 5));
    }

    [Fact]
    public void A_key_mapped_from_numbers_names_its_classes_by_the_key_values()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 10).Select(i => new NumberRow { Target = i < 7 ? 0 : 1 }));
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label", "Target").Fit(data).Transform(data);
        var result = ml.DeepML().Augmentation.RandomUnderSample(keyed, seed: 1);
        Assert.Equal(["0", "1"], result.Report.Classes);
        Assert.Equal(new Dictionary<string, long> { ["0"] = 3, ["1"] = 3 }, result.Report.After);
        Assert.Equal(-4, result.Report.Change("0"));
    }

    public sealed class NumberRow
    {
        public float Target { get; set; }
    }

    public sealed class BoolRow
    {
        public bool Label { get; set; }
        [Microsoft.ML.Data.VectorType(2)]
        public float[] Features { get; set; } = [];
    }
}
