using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML.Transforms.Tests.Explainability;

/// <summary>Models with known Shapley values, and the data to explain them on.</summary>
public static class ShapleyModels
{
    public sealed class Row
    {
        [VectorType(5)]
        public float[] Features { get; set; } = [];
    }

    public sealed class LabeledRow
    {
        [VectorType(5)]
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }

    public sealed class ScoreOutput
    {
        public float Score { get; set; }
    }

    /// <summary>The data view of <paramref name="rows"/> (5 features each).</summary>
    public static IDataView View(MLContext ml, IEnumerable<float[]> rows) =>
        ml.Data.LoadFromEnumerable(rows.Select(r => new Row { Features = r }).ToArray());

    /// <summary>
    /// shap's <c>test_exact_second_order</c> model: f = x0·x2 + x1 + x2 + x2·x3 over 5 features. With a
    /// background of zeros its Shapley values are φ0 = x0x2/2, φ1 = x1, φ2 = x2 + x0x2/2 + x2x3/2, φ3 = x2x3/2, φ4 = 0.
    /// </summary>
    public static ITransformer SecondOrder(MLContext ml, IDataView data) =>
        ml.Transforms.CustomMapping<Row, ScoreOutput>((i, o) =>
        {
            var x = i.Features;
            o.Score = x[0] * x[2] + x[1] + x[2] + x[2] * x[3];
        }, contractName: null).Fit(data);

    /// <summary>A model with a three-way interaction and a non-linearity (no closed form: checked against exact values).</summary>
    public static ITransformer Nonlinear(MLContext ml, IDataView data) =>
        ml.Transforms.CustomMapping<Row, ScoreOutput>((i, o) =>
        {
            var x = i.Features;
            o.Score = MathF.Tanh(x[0] * x[1] * x[2]) + x[3] * x[3] - 0.5f * MathF.Max(x[4], 0) * x[1];
        }, contractName: null).Fit(data);

    /// <summary><paramref name="count"/> rows of 5 values drawn from N(0, 1), seeded.</summary>
    public static float[][] Gaussian(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, 5).Select(_ => (float)Normal(random)).ToArray()).ToArray();
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
