using Xunit;
namespace DeepML.Core.Tests.Onnx;

/// <summary>Seeded random networks and inputs for the ONNX tests.</summary>
internal static class TestModels
{
    /// <summary>Random weights for a bound spec: dense U(±1.5/√in), BN statistics in realistic ranges.</summary>
    public static NetworkWeights RandomWeights(NetworkSpec spec, int seed)
    {
        var random = new Random(seed);
        float U(double lo, double hi) => (float)(lo + (hi - lo) * random.NextDouble());
        var arrays = new Dictionary<string, WeightArray>();
        foreach (var (name, shape) in spec.WeightShapes())
        {
            var count = shape.Aggregate(1, (a, b) => a * b);
            var field = name[(name.IndexOf('.') + 1)..];
            var layer = spec.Layers[int.Parse(name[..name.IndexOf('.')])];
            Func<float> draw = (layer, field) switch
            {
                (DenseLayer, "weight") => () => U(-1.5 / Math.Sqrt(shape[1]), 1.5 / Math.Sqrt(shape[1])),
                (BatchNormLayer, "weight") => () => U(0.5, 1.5),
                (BatchNormLayer, "running_var") => () => U(0.2, 2.0),
                _ => () => U(-0.5, 0.5),
            };
            arrays[name] = new WeightArray(Enumerable.Range(0, count).Select(_ => draw()).ToArray(), shape);
        }
        return new NetworkWeights(spec, arrays);
    }

    /// <summary>A model of <paramref name="layers"/> with random weights.</summary>
    public static NetworkModel Model(PredictionKind task, int inputSize, int seed, params LayerSpec[] layers)
    {
        var spec = new NetworkSpec(layers, inputSize);
        var classes = task == PredictionKind.MulticlassClassification
            ? Enumerable.Range(0, spec.OutputSize).Select(i => $"class{i}").ToArray()
            : null;
        return new NetworkModel(RandomWeights(spec, seed), task, "Features", classes);
    }

    /// <summary>Inputs in U(−2, 2), so that negative and positive branches are both exercised.</summary>
    public static float[] Inputs(int rows, int inputSize, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, rows * inputSize).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
    }

    /// <summary>Asserts |actual − expected| ≤ 1e-5·max(1, |expected|) everywhere, reporting the worst element.</summary>
    public static void AssertClose(IReadOnlyList<double> expected, ReadOnlySpan<float> actual, string what, double tolerance = 1e-5)
    {
        Assert.Equal(expected.Count, actual.Length);
        var worst = 0.0;
        var at = -1;
        for (var i = 0; i < expected.Count; i++)
        {
            var error = Math.Abs(actual[i] - expected[i]) / Math.Max(1, Math.Abs(expected[i]));
            if (error > worst || double.IsNaN(actual[i]))
                (worst, at) = (double.IsNaN(actual[i]) ? double.PositiveInfinity : error, i);
        }
        Assert.True(worst <= tolerance, $"{what}: element {at} is {(at >= 0 ? actual[at] : 0)}, reference {(at >= 0 ? expected[at] : 0)} (relative error {worst:E2} > {tolerance:E0}).");
    }
}
