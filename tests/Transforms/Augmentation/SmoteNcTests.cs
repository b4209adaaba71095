using Microsoft.ML;
using static DeepML.Transforms.Tests.Augmentation.RebalanceData;

namespace DeepML.Transforms.Tests.Augmentation;

/// <summary>SMOTE-NC: neighbours under the median-std distance, numeric slots interpolated, each one-hot group the neighbours' mode — all recomputed here independently.</summary>
public sealed class SmoteNcTests
{
    public sealed class MixedRow
    {
        public string Class { get; set; } = "";
        public float X1 { get; set; }
        public float X2 { get; set; }
        public string Color { get; set; } = "";
        public string Size { get; set; } = "";
    }

    private static readonly string[] Colors = ["red", "green", "blue"];
    private static readonly string[] Sizes = ["S", "L"];

    private static MixedRow[] Input()
    {
        var random = new Random(5);
        return Enumerable.Range(0, 130).Select(i =>
        {
            var minority = i % 5 == 0; // 26 minority rows
            return new MixedRow
            {
                Class = minority ? "rare" : "common",
                X1 = (float)(0.3 * random.NextDouble() + (minority ? 1 : 0)),
                X2 = (float)(0.5 * random.NextDouble()),
                Color = Colors[random.Next(minority ? 2 : 3)],
                Size = Sizes[random.Next(2)],
            };
        }).ToArray();
    }

    [Fact]
    public void Categorical_groups_take_the_mode_of_the_k_nearest_neighbours_under_the_median_std_distance()
    {
        const int k = 5;
        var ml = new MLContext(seed: 1);
        var raw = ml.Data.LoadFromEnumerable(Input());
        var features = ml.Transforms.Conversion.MapValueToKey("Label", "Class")
            .Append(ml.Transforms.Categorical.OneHotEncoding([new("ColorHot", "Color"), new("SizeHot", "Size")]))
            .Append(ml.Transforms.Concatenate("Features", "X1", "X2", "ColorHot", "SizeHot"))
            .Fit(raw).Transform(raw);
        var input = ReadRows(features);
        var result = ml.DeepML().Augmentation.SmoteNc(features, ["ColorHot", "SizeHot"], kNeighbors: k, seed: 3);
        var output = ReadRows(result);
        Assert.Equal(new Dictionary<string, int> { ["common"] = 104, ["rare"] = 104 }, Counts(output));
        Assert.Equal(7, output[0].Features.Length);

        // Independent recomputation. Slots: X1, X2 | ColorHot (3) | SizeHot (2).
        int[][] groups = [[2, 3, 4], [5, 6]];
        var minority = Enumerable.Range(0, input.Count).Where(i => input[i].Class == "rare").ToArray();
        double Std(int s)
        {
            var v = minority.Select(i => (double)input[i].Features[s]).ToArray();
            var mean = v.Average();
            return Math.Sqrt(v.Average(x => (x - mean) * (x - mean)));
        }
        var med = (Std(0) + Std(1)) / 2;    // median of two numbers
        int Cat(float[] x, int[] g) => Array.IndexOf(x, g.Max(s => x[s]), g[0]) - g[0];
        double Distance(float[] a, float[] b) =>
            Math.Pow((double)a[0] - b[0], 2) + Math.Pow((double)a[1] - b[1], 2) + groups.Count(g => Cat(a, g) != Cat(b, g)) * med * med / 2;
        var pool = minority.Select(i => input[i].Features).ToArray();

        var synthetic = result.Origins.Select((o, row) => (o, row)).Where(p => p.o.IsSynthetic).ToArray();
        Assert.Equal(78, synthetic.Length);
        var changedFromSeed = 0;
        var differsFromPlainEuclidean = 0;
        foreach (var (o, row) in synthetic)
        {
            var seed = Array.IndexOf(minority, o.Seed);
            var nearest = Nearest(pool, seed, k, Distance);
            if (!Nearest(pool, seed, k).ToHashSet().SetEquals(nearest))
                differsFromPlainEuclidean++;
            Assert.Contains(o.Neighbour, nearest.Select(j => minority[j]));
            var z = output[row].Features;
            var (x, y) = (input[o.Seed].Features, input[o.Neighbour].Features);
            for (var s = 0; s < 2; s++)
                Assert.Equal(x[s] + o.Gap * ((double)y[s] - x[s]), z[s], 1e-5);
            foreach (var g in groups)
            {
                Assert.Equal(1, g.Count(s => z[s] == 1));
                Assert.Equal(g.Length - 1, g.Count(s => z[s] == 0));
                var tally = nearest.GroupBy(j => Cat(pool[j], g)).ToDictionary(t => t.Key, t => t.Count());
                var modes = tally.Where(t => t.Value == tally.Values.Max()).Select(t => t.Key);
                Assert.Contains(Cat(z, g), modes);
                if (Cat(z, g) != Cat(x, g))
                    changedFromSeed++;
            }
        }
        // The rule is the neighbours' mode, not the seed's value; and the median-std weight changes who the neighbours are.
        Assert.True(changedFromSeed > 0, "no synthetic row took a category other than its seed's");
        Assert.True(differsFromPlainEuclidean > 0, "the SMOTE-NC distance never changed a neighbour set");
    }
}
