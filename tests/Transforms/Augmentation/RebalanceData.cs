using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML.Transforms.Tests.Augmentation;

/// <summary>Small labelled data sets and readers for the rebalancing tests, plus an independent brute-force nearest-neighbour search.</summary>
internal static class RebalanceData
{
    public sealed class Row
    {
        public string Id { get; set; } = "";
        public string Class { get; set; } = "";
        [VectorType(2)]
        public float[] Features { get; set; } = [];
    }

    /// <summary>A row as read back: its class name, features and id (null when the column is gone).</summary>
    public sealed record Read(string Class, float[] Features, string? Id);

    /// <summary>Rows of classes a, b, c (in that order of first appearance) with the given counts; features are seeded Gaussian around a per-class centre.</summary>
    public static Row[] Rows(int seed, params (string Class, int Count)[] classes)
    {
        var random = new Random(seed);
        var rows = new List<Row>();
        for (var c = 0; c < classes.Length; c++)
        {
            for (var i = 0; i < classes[c].Count; i++)
                rows.Add(new Row { Id = $"{classes[c].Class}{i}", Class = classes[c].Class, Features = [(float)(c + Gauss(random)), (float)(2 * c + Gauss(random))] });
        }
        // Interleave the classes so that input order is not class order.
        return rows.OrderBy(_ => random.Next()).ToArray();
    }

    /// <summary>The rows with a key label <c>Label</c> mapped from <c>Class</c> (key values in order of appearance).</summary>
    public static IDataView Keyed(MLContext ml, IEnumerable<Row> rows)
    {
        var view = ml.Data.LoadFromEnumerable(rows);
        return ml.Transforms.Conversion.MapValueToKey("Label", "Class").Fit(view).Transform(view);
    }

    /// <summary>Every row of <paramref name="data"/>: class name (through the key values, or the Boolean), features, id.</summary>
    public static List<Read> ReadRows(IDataView data, string label = "Label", string features = "Features")
    {
        var labelColumn = data.Schema[label];
        var featureColumn = data.Schema[features];
        var idColumn = data.Schema.GetColumnOrNull("Id");
        string[] names = [];
        if (labelColumn.Type is KeyDataViewType)
        {
            VBuffer<ReadOnlyMemory<char>> keys = default;
            labelColumn.GetKeyValues(ref keys);
            names = keys.DenseValues().Select(k => k.ToString()).ToArray();
        }
        var columns = new List<DataViewSchema.Column> { labelColumn, featureColumn };
        if (idColumn is not null)
            columns.Add(idColumn.Value);
        using var cursor = data.GetRowCursor(columns);
        Func<string> readLabel;
        if (labelColumn.Type is KeyDataViewType)
        {
            var g = cursor.GetGetter<uint>(labelColumn);
            readLabel = () => { uint k = 0; g(ref k); return names[k - 1]; };
        }
        else
        {
            var g = cursor.GetGetter<bool>(labelColumn);
            readLabel = () => { var b = false; g(ref b); return b ? "True" : "False"; };
        }
        var f = cursor.GetGetter<VBuffer<float>>(featureColumn);
        var id = idColumn is null ? null : cursor.GetGetter<ReadOnlyMemory<char>>(idColumn.Value);
        var result = new List<Read>();
        VBuffer<float> buffer = default;
        ReadOnlyMemory<char> text = default;
        while (cursor.MoveNext())
        {
            f(ref buffer);
            id?.Invoke(ref text);
            result.Add(new Read(readLabel(), buffer.DenseValues().ToArray(), id is null ? null : text.ToString()));
        }
        return result;
    }

    /// <summary>Rows per class name.</summary>
    public static Dictionary<string, int> Counts(IEnumerable<Read> rows) =>
        rows.GroupBy(r => r.Class).ToDictionary(g => g.Key, g => g.Count());

    /// <summary>Brute force, written independently of the library: indices (into <paramref name="pool"/>) of the k rows nearest to pool[i], i excluded, ties to the lower index.</summary>
    public static int[] Nearest(IReadOnlyList<float[]> pool, int i, int k, Func<float[], float[], double>? squaredDistance = null)
    {
        squaredDistance ??= (a, b) => a.Zip(b, (x, y) => ((double)x - y) * ((double)x - y)).Sum();
        return Enumerable.Range(0, pool.Count).Where(j => j != i)
            .Select(j => (j, d: squaredDistance(pool[i], pool[j])))
            .OrderBy(p => p.d).ThenBy(p => p.j).Take(k).Select(p => p.j).ToArray();
    }

    /// <summary>The u in [0, 1] with z = x + u·(y − x) when z lies on that segment (within <paramref name="tolerance"/> per slot), else null.</summary>
    public static double? OnSegment(float[] z, float[] x, float[] y, double tolerance = 1e-5)
    {
        var slot = Enumerable.Range(0, x.Length).MaxBy(s => Math.Abs((double)y[s] - x[s]));
        var span = (double)y[slot] - x[slot];
        var u = span == 0 ? 0 : (z[slot] - x[slot]) / span;
        if (u < -tolerance || u > 1 + tolerance)
            return null;
        for (var s = 0; s < x.Length; s++)
        {
            if (Math.Abs(z[s] - (x[s] + u * ((double)y[s] - x[s]))) > tolerance * (1 + Math.Abs(x[s]) + Math.Abs(y[s])))
                return null;
        }
        return u;
    }

    private static double Gauss(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
