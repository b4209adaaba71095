using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML.Estimators.Tests.Fairness;

/// <summary>
/// A synthetic biased data set with three groups: the group a ∈ {0, 1, 2} ("Low", "Mid", "High")
/// is not a feature, but a proxy feature (a + noise) carries it, and the label is
/// <c>x + 1.5·(a − 1) + ½·ε &gt; 0</c>, so P(y = 1) is Φ(−1.5/√1.25) ≈ 0.09, 0.5 and 0.91 by group.
/// A model that uses the proxy has a demographic parity difference near 0.8; one that uses only x
/// can be fair (threshold on x) and still well above chance.
/// </summary>
internal static class ThreeGroupProxyData
{
    public static readonly string[] Names = ["Low", "Mid", "High"]; // ordinal order differs from a: nothing may depend on it

    public sealed class Row
    {
        public float[] Features { get; set; } = [];
        public bool Label { get; set; }
        public string Region { get; set; } = "";
        public int RegionCode { get; set; }
    }

    public static List<Row> Rows(int count, int seed)
    {
        var rng = new Random(seed);
        var rows = new List<Row>(count);
        for (var i = 0; i < count; i++)
        {
            var a = rng.Next(3);
            var x = Gaussian(rng);
            var proxy = a + 0.3 * Gaussian(rng);
            var label = x + 1.5 * (a - 1) + 0.5 * Gaussian(rng) > 0;
            rows.Add(new Row { Features = [(float)proxy, (float)x, (float)Gaussian(rng)], Label = label, Region = Names[a], RegionCode = a });
        }
        return rows;
    }

    public static IDataView Load(MLContext ml, IEnumerable<Row> rows)
    {
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 3);
        return ml.Data.LoadFromEnumerable(rows, schema);
    }

    /// <summary>Selection rate P(ŷ = 1 | a) per group, max − min of them (the demographic parity difference), and accuracy, by hand.</summary>
    public static (double[] SelectionRates, double DpDifference, double Accuracy) Measure(IReadOnlyList<Row> rows, bool[] predicted)
    {
        var selected = new double[3];
        var count = new double[3];
        double correct = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            count[rows[i].RegionCode]++;
            selected[rows[i].RegionCode] += predicted[i] ? 1 : 0;
            correct += predicted[i] == rows[i].Label ? 1 : 0;
        }
        var rates = selected.Zip(count, (s, n) => s / n).ToArray();
        return (rates, rates.Max() - rates.Min(), correct / rows.Count);
    }

    private static double Gaussian(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
