using DeepML.Explainability;
using Microsoft.ML;
using static DeepML.Transforms.Tests.Explainability.ShapleyModels;

namespace DeepML.Transforms.Tests.Explainability;

public sealed class BackgroundTests
{
    [Fact]
    public void KMeans_weights_are_cluster_shares_and_every_coordinate_is_a_value_the_data_takes()
    {
        var ml = new MLContext(seed: 1);
        // Two well separated blobs (60 and 20 rows) with an integer feature, a one-hot pair and a continuous one.
        var random = new Random(4);
        var rows = Enumerable.Range(0, 80).Select(i =>
        {
            var far = i >= 60;
            var hot = random.Next(2);
            return new[] { (far ? 10f : 0f) + random.Next(3), hot, 1 - hot, (float)random.NextDouble(), far ? 5f : -5f };
        }).ToArray();
        var data = View(ml, rows);
        var background = Background.KMeans(data, 2, seed: 3);
        Assert.Equal(2, background.Rows);
        Assert.Equal(1.0, background.Weights.Sum(), 12);
        Assert.Equal([0.25, 0.75], background.Weights.Order().ToArray());
        for (var j = 0; j < 5; j++)
        {
            var values = rows.Select(r => r[j]).ToHashSet();
            for (var b = 0; b < 2; b++)
                Assert.Contains(background.Row(b)[j], values);
        }
        // The heavier centroid is the blob at 0: its last feature is −5.
        var heavy = background.Weights[0] > background.Weights[1] ? 0 : 1;
        Assert.Equal(-5f, background.Row(heavy)[4]);
        Assert.Equal(background.Row(0).ToArray(), Background.KMeans(data, 2, seed: 3).Row(0).ToArray());
    }

    [Fact]
    public void Sample_takes_distinct_rows_and_fewer_rows_than_clusters_are_kept_whole()
    {
        var ml = new MLContext(seed: 1);
        var rows = Gaussian(12, 8);
        var data = View(ml, rows);
        var sample = Background.Sample(data, 5, seed: 2);
        Assert.Equal(5, sample.Rows);
        var picked = Enumerable.Range(0, 5).Select(b => Array.FindIndex(rows, r => r.SequenceEqual(sample.Row(b).ToArray()))).ToArray();
        Assert.DoesNotContain(-1, picked);
        Assert.Equal(5, picked.Distinct().Count());
        Assert.NotEqual(picked, Enumerable.Range(0, 5).Select(b => Array.FindIndex(rows, r => r.SequenceEqual(Background.Sample(data, 5, seed: 3).Row(b).ToArray()))).ToArray());
        Assert.Equal(12, Background.KMeans(data, 20, seed: 1).Rows);
    }
}
