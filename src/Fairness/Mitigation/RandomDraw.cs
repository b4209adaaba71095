using System.Globalization;
using Microsoft.ML;

namespace DeepML.Fairness;

/// <summary>
/// The seeded uniform draw behind DeepML's randomised predictions, written as ML.NET Expression
/// source so that the saved model reproduces it without DeepML: u = frac(sin(…)·43758.5453) applied
/// twice to the row's score and the seed. u is a deterministic function of (seed, score), so the same
/// row always gets the same prediction (in a PredictionEngine, a batch, or after Save/Load), and rows
/// with different scores get effectively independent draws. Rows with exactly the same score share
/// their draw. This replaces Fairlearn's <c>random_state.rand(n)</c>, which depends on row order.
/// </summary>
internal static class RandomDraw
{
    /// <summary>Appends the two Expression steps that write u ∈ [0, 1) to <paramref name="outputColumn"/>.</summary>
    public static IEstimator<ITransformer> Append(MLContext ml, string scoreColumn, string outputColumn, int seed)
    {
        var k1 = ((seed & 0x7FFFFFFF) % 100_003 / 997.0).ToString("R", CultureInfo.InvariantCulture);
        var k2 = ((seed & 0x7FFFFFFF) / 100_003 % 100_019 / 991.0).ToString("R", CultureInfo.InvariantCulture);
        var inner = $"sin(double(s) * 10000019.0 + {k1}) * 43758.5453";
        var first = $"s => {inner} - floor({inner})";
        var outer = $"sin(a * 12989.8 + double(s) * 78.233 + {k2}) * 43758.5453";
        var second = $"(a, s) => float({outer} - floor({outer}))";
        var tmp = outputColumn + "_stage1";
        return ml.Transforms.Expression(tmp, first, scoreColumn)
            .Append(ml.Transforms.Expression(outputColumn, second, tmp, scoreColumn))
            .Append(ml.Transforms.DropColumns(tmp));
    }
}
