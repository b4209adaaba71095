using DeepML.Augmentation;
using Microsoft.ML;
using static DeepML.Transforms.Tests.Augmentation.RebalanceData;

namespace DeepML.Transforms.Tests.Augmentation;

/// <summary>Borderline-SMOTE 1: the seeds are exactly the minority rows in DANGER, found here by an independent brute force.</summary>
public sealed class BorderlineSmoteTests
{
    /// <summary>
    /// Majority "maj" uniform on [0, 10]²; minority "min" half in a tight cluster far away (safe: all
    /// neighbours are minority), half scattered among the majority (danger or noise).
    /// </summary>
    private static Row[] Input()
    {
        var random = new Random(21);
        var rows = new List<Row>();
        for (var i = 0; i < 200; i++)
            rows.Add(new Row { Id = $"maj{i}", Class = "maj", Features = [(float)(10 * random.NextDouble()), (float)(10 * random.NextDouble())] });
        for (var i = 0; i < 40; i++)
        {
            float[] x = i < 20
                ? [(float)(14 + 0.5 * random.NextDouble()), (float)(14 + 0.5 * random.NextDouble())]
                : [(float)(8 + 3 * random.NextDouble()), (float)(8 + 3 * random.NextDouble())];
            rows.Add(new Row { Id = $"min{i}", Class = "min", Features = x });
        }
        return rows.ToArray();
    }

    [Theory]
    [InlineData(10, 5)]
    [InlineData(7, 3)]
    public void The_seeds_are_exactly_the_danger_rows_and_neighbours_come_from_the_minority(int m, int k)
    {
        var input = Input();
        var all = input.Select(r => r.Features).ToArray();
        // DANGER by brute force: of the m nearest rows of any class (the row excluded), m/2 ≤ #majority < m.
        var danger = Enumerable.Range(0, input.Length).Where(i => input[i].Class == "min").Where(i =>
        {
            var majority = Nearest(all, i, m).Count(j => input[j].Class == "maj");
            return 2 * majority >= m && majority < m;
        }).ToHashSet();
        Assert.InRange(danger.Count, 3, 19);   // the data has danger rows, and not every minority row is one

        var ml = new MLContext(seed: 1);
        var result = ml.DeepML().Augmentation.BorderlineSmote(Keyed(ml, input), kNeighbors: k, mNeighbors: m, seed: 6);
        Assert.Equal(new Dictionary<string, long> { ["maj"] = 200, ["min"] = 200 }, result.Report.After);
        var synthetic = result.Origins.Where(o => o.IsSynthetic).ToArray();
        Assert.Equal(160, synthetic.Length);
        // 160 draws over fewer than 20 seeds: every danger row is drawn (a miss has probability < 20·(19/20)^160 ≈ 5e-3 per run, and the seed is fixed).
        Assert.Equal(danger.Order(), synthetic.Select(o => o.Seed).Distinct().Order());

        var minority = Enumerable.Range(0, input.Length).Where(i => input[i].Class == "min").ToArray();
        var pool = minority.Select(i => all[i]).ToArray();
        var rows = ReadRows(result).Skip(input.Length).ToArray();
        for (var s = 0; s < synthetic.Length; s++)
        {
            var o = synthetic[s];
            var nearest = Nearest(pool, Array.IndexOf(minority, o.Seed), k).Select(j => minority[j]);
            Assert.Contains(o.Neighbour, nearest);
            Assert.Equal("min", rows[s].Class);
            Assert.NotNull(OnSegment(rows[s].Features, all[o.Seed], all[o.Neighbour]));
        }
    }

    [Fact]
    public void A_class_without_danger_rows_gets_no_synthetic_rows()
    {
        // Two far apart clusters: no minority row has a majority neighbour.
        var rows = Enumerable.Range(0, 30).Select(i => new Row { Id = $"a{i}", Class = "a", Features = [i % 6, i / 6] })
            .Concat(Enumerable.Range(0, 12).Select(i => new Row { Id = $"b{i}", Class = "b", Features = [100 + i % 4, i / 4] })).ToArray();
        var ml = new MLContext(seed: 1);
        var result = ml.DeepML().Augmentation.BorderlineSmote(Keyed(ml, rows), new BorderlineSmoteOptions { Seed = 1 });
        Assert.Equal(new Dictionary<string, long> { ["a"] = 30, ["b"] = 12 }, result.Report.After);
        Assert.Equal(42, result.GetRowCount());
    }
}
