using DeepML.Augmentation;
using Microsoft.ML;
using Microsoft.ML.Data;
using static DeepML.Transforms.Tests.Augmentation.RebalanceData;

namespace DeepML.Transforms.Tests.Augmentation;

/// <summary>SMOTE: counts, every synthetic row on a segment to one of its seed's k nearest same-class rows (checked by an independent brute force), columns, determinism.</summary>
public sealed class SmoteTests
{
    private static readonly Row[] Input = Rows(11, ("a", 60), ("b", 25), ("c", 9));

    [Fact]
    public void Every_synthetic_row_lies_between_a_class_row_and_one_of_its_k_nearest_class_neighbours()
    {
        var ml = new MLContext(seed: 1);
        const int k = 3;
        var result = ml.DeepML().Augmentation.Smote(Keyed(ml, Input), kNeighbors: k, seed: 9);
        var rows = ReadRows(result);
        Assert.Equal(new Dictionary<string, int> { ["a"] = 60, ["b"] = 60, ["c"] = 60 }, Counts(rows));
        Assert.Equal(Input.Select(r => r.Features), rows.Take(Input.Length).Select(r => r.Features));
        var gaps = new List<double>();
        foreach (var created in rows.Skip(Input.Length))
        {
            var pool = Input.Where(r => r.Class == created.Class).Select(r => r.Features).ToArray();
            // Some row x of the class and one of its k nearest class rows y (brute force) with created = x + u·(y − x).
            var u = Enumerable.Range(0, pool.Length)
                .SelectMany(i => Nearest(pool, i, k).Select(j => OnSegment(created.Features, pool[i], pool[j])))
                .FirstOrDefault(g => g is not null);
            Assert.True(u is not null, $"synthetic row of class {created.Class} ({string.Join(", ", created.Features)}) lies on no segment from a class row to one of its {k} nearest neighbours");
            gaps.Add(u!.Value);
        }
        Assert.Equal(35 + 51, gaps.Count);
        // u ~ U[0, 1): the gaps spread over the interval (not all 0, 1 or ½).
        Assert.InRange(gaps.Average(), 0.35, 0.65);
        Assert.True(gaps.Count(g => g < 0.25) > 5 && gaps.Count(g => g > 0.75) > 5);
        // The majority class gets nothing new.
        Assert.Equal(0, result.Report.Change("a"));
    }

    [Fact]
    public void The_recorded_neighbour_is_one_of_the_k_nearest_and_never_the_seed_itself()
    {
        var ml = new MLContext(seed: 1);
        var result = ml.DeepML().Augmentation.Smote(Keyed(ml, Input), seed: 4);
        var synthetic = result.Origins.Where(o => o.IsSynthetic).ToArray();
        Assert.Equal(35 + 51, synthetic.Length);
        Assert.All(synthetic, o =>
        {
            var members = Enumerable.Range(0, Input.Length).Where(i => Input[i].Class == Input[o.Seed].Class).ToArray();
            var pool = members.Select(i => Input[i].Features).ToArray();
            var nearest = Nearest(pool, Array.IndexOf(members, o.Seed), 5).Select(j => members[j]);
            Assert.Contains(o.Neighbour, nearest);
            Assert.NotEqual(o.Seed, o.Neighbour);
            Assert.InRange(o.Gap, 0, 1 - double.Epsilon);
        });
    }

    [Fact]
    public void Only_the_label_and_the_features_are_kept_with_their_types_and_annotations()
    {
        var ml = new MLContext(seed: 1);
        var scalars = ml.Data.LoadFromEnumerable(Input.Select(r => new ScalarRow { Id = r.Id, Class = r.Class, X1 = r.Features[0], X2 = r.Features[1] }));
        var input = ml.Transforms.Conversion.MapValueToKey("Label", "Class").Append(ml.Transforms.Concatenate("Features", "X1", "X2")).Fit(scalars).Transform(scalars);
        var result = ml.DeepML().Augmentation.Smote(input, seed: 1);
        Assert.Equal(["Label", "Features"], result.Schema.Select(c => c.Name));
        Assert.Equal(input.Schema["Label"].Type, result.Schema["Label"].Type);
        Assert.Equal(input.Schema["Features"].Type, result.Schema["Features"].Type);
        VBuffer<ReadOnlyMemory<char>> keys = default;
        result.Schema["Label"].GetKeyValues(ref keys);
        Assert.Equal(["a", "b", "c"], keys.DenseValues().Select(v => v.ToString()));
        VBuffer<ReadOnlyMemory<char>> slots = default;
        result.Schema["Features"].GetSlotNames(ref slots);
        Assert.Equal(["X1", "X2"], slots.DenseValues().Select(v => v.ToString()));
        // A downstream trainer reads it.
        var model = ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(new Microsoft.ML.Trainers.SdcaMaximumEntropyMulticlassTrainer.Options { NumberOfThreads = 1, MaximumNumberOfIterations = 5 }).Fit(result);
        Assert.Equal(180, ReadRows(model.Transform(result)).Count);
    }

    [Fact]
    public void The_result_reads_the_same_rows_from_two_cursors_and_on_every_pass()
    {
        var ml = new MLContext(seed: 1);
        var result = ml.DeepML().Augmentation.Smote(Keyed(ml, Input), seed: 2);
        using var first = result.GetRowCursor(result.Schema);
        using var second = result.GetRowCursor(result.Schema);
        var f1 = first.GetGetter<VBuffer<float>>(result.Schema["Features"]);
        var f2 = second.GetGetter<VBuffer<float>>(result.Schema["Features"]);
        VBuffer<float> a = default, b = default;
        var n = 0;
        while (first.MoveNext())
        {
            Assert.True(second.MoveNext());
            f1(ref a);
            f2(ref b);
            Assert.Equal(a.DenseValues(), b.DenseValues());
            n++;
        }
        Assert.False(second.MoveNext());
        Assert.Equal(180, n);
        Assert.Equal(ReadRows(result).Select(r => r.Features), ReadRows(result).Select(r => r.Features));
    }

    [Fact]
    public void The_same_seed_gives_the_same_rows_and_different_seeds_differ()
    {
        List<float[]> Synthetic(int? seed, int contextSeed)
        {
            var ml = new MLContext(seed: contextSeed);
            return ReadRows(ml.DeepML().Augmentation.Smote(Keyed(ml, Input), new SmoteOptions { Seed = seed })).Skip(Input.Length).Select(r => r.Features).ToList();
        }
        Assert.Equal(Synthetic(3, 1), Synthetic(3, 2));
        Assert.NotEqual(Synthetic(3, 1), Synthetic(4, 1));
        Assert.Equal(Synthetic(null, 8), Synthetic(null, 8));
        Assert.NotEqual(Synthetic(null, 8), Synthetic(null, 9));
    }

    [Fact]
    public void A_count_strategy_makes_exactly_the_rows_asked_for()
    {
        var ml = new MLContext(seed: 1);
        var result = ml.DeepML().Augmentation.Smote(Keyed(ml, Input), new SmoteOptions
        {
            Strategy = SamplingStrategy.Counts(new Dictionary<string, long> { ["c"] = 20 }), KNeighbors = 8, Seed = 1,
        });
        Assert.Equal(new Dictionary<string, int> { ["a"] = 60, ["b"] = 25, ["c"] = 20 }, Counts(ReadRows(result)));
        Assert.Equal(11, result.Origins.Count(o => o.IsSynthetic));
    }

    public sealed class ScalarRow
    {
        public string Id { get; set; } = "";
        public string Class { get; set; } = "";
        public float X1 { get; set; }
        public float X2 { get; set; }
    }
}
