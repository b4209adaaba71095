using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML.Estimators.Tests.Fairness;

/// <summary>
/// A synthetic biased data set: group A ∈ {"F", "M"} is not a feature, but a proxy feature
/// (A + noise) carries it; the label is <c>x + 2·(A − ½) + ½·ε &gt; 0</c>, so P(y = 1) is about 0.19
/// for F and 0.81 for M. A model that uses the proxy has a large demographic parity difference; one
/// that uses only x can be fair (threshold on x) and still about 70% accurate.
/// </summary>
internal static class ProxyBiasData
{
    public sealed class Row
    {
        public float[] Features { get; set; } = [];
        public bool Label { get; set; }
        public string Group { get; set; } = "";
        public bool IsMale { get; set; }
        public float GroupCode { get; set; }
        public string ThreeGroups { get; set; } = "";
    }

    public static List<Row> Rows(int count, int seed)
    {
        var rng = new Random(seed);
        var rows = new List<Row>(count);
        for (var i = 0; i < count; i++)
        {
            var a = rng.Next(2);
            var x = Gaussian(rng);
            var proxy = a + 0.3 * Gaussian(rng);
            var label = x + 2 * (a - 0.5) + 0.5 * Gaussian(rng) > 0;
            rows.Add(new Row
            {
                Features = [(float)proxy, (float)x, (float)Gaussian(rng)],
                Label = label, Group = a == 1 ? "M" : "F", IsMale = a == 1, GroupCode = a, ThreeGroups = (i % 3).ToString(),
            });
        }
        return rows;
    }

    public static IDataView Load(MLContext ml, IEnumerable<Row> rows)
    {
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 3);
        return ml.Data.LoadFromEnumerable(rows, schema);
    }

    /// <summary>Predicted labels and scores of a fitted model, in row order.</summary>
    public static (bool[] Predicted, float[] Scores) Predict(MLContext ml, ITransformer model, IDataView data)
    {
        var scored = model.Transform(data);
        var predicted = scored.GetColumn<bool>("PredictedLabel").ToArray();
        var scores = scored.GetColumn<float>("Score").ToArray();
        return (predicted, scores);
    }

    /// <summary>|P(ŷ = 1 | M) − P(ŷ = 1 | F)| and accuracy, by hand.</summary>
    public static (double DpDifference, double Accuracy) Measure(IReadOnlyList<Row> rows, bool[] predicted)
    {
        double selectedM = 0, countM = 0, selectedF = 0, countF = 0, correct = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].IsMale) { countM++; selectedM += predicted[i] ? 1 : 0; }
            else { countF++; selectedF += predicted[i] ? 1 : 0; }
            correct += predicted[i] == rows[i].Label ? 1 : 0;
        }
        return (Math.Abs(selectedM / countM - selectedF / countF), correct / rows.Count);
    }

    private static double Gaussian(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
