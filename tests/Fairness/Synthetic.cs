using Microsoft.ML;

namespace DeepML.Fairness.Tests;

/// <summary>Scored rows where group "B" is scored lower than "A" for the same label (a biased model).</summary>
public static class Synthetic
{
    public static List<Row> Scored(int n, int seed, double positiveRateA = 0.4, double positiveRateB = 0.25)
    {
        var rng = new Random(seed);
        var rows = new List<Row>(n);
        for (var i = 0; i < n; i++)
        {
            var b = rng.NextDouble() < 0.4;
            var y = rng.NextDouble() < (b ? positiveRateB : positiveRateA);
            var z = (y ? 1.0 : -1.0) + Gaussian(rng) * 1.2 - (b ? 0.5 : 0);
            var score = (float)Math.Round(z, 3);
            rows.Add(new Row
            {
                Label = y, Score = score, PredictedLabel = score > 0, Sf = b ? "B" : "A", Sf2 = rng.NextDouble() < 0.5 ? "x" : "y",
                Weight = (float)(0.5 + rng.NextDouble()),
            });
        }
        return rows;
    }

    public static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    public static IDataView View(MLContext ml, List<Row> rows) => ml.Data.LoadFromEnumerable(rows);
}

public sealed class Predicted
{
    public float Probability { get; set; }
    public bool PredictedLabel { get; set; }
}

public static class Shapes
{
    /// <summary>SchemaShape.Create is internal in ML.NET 5; tests reach it by reflection to exercise GetOutputSchema.</summary>
    public static Microsoft.ML.SchemaShape Of(Microsoft.ML.DataViewSchema schema) =>
        (Microsoft.ML.SchemaShape)typeof(Microsoft.ML.SchemaShape).GetMethod("Create", System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic)!
            .Invoke(null, [schema])!;
}
