using Xunit;

namespace DeepML.Fairness.Tests.Mitigation;

/// <summary>Golden values: Fairlearn's reductions.rst moment examples (reference/fairness.md §4.4).</summary>
public class MomentTests
{
    private static readonly int[] Group = "abaababbab".Select(c => c == 'a' ? 0 : 1).ToArray();

    private static double[] Gamma(ReductionConstraint c, int[] yTrue, int[] yPred) =>
        new UtilityParityMoment(c, yTrue.Select(v => (byte)v).ToArray(), Group, 2).Gamma(yPred.Select(v => (byte)v).ToArray());

    [Fact]
    public void DemographicParityGammaMatchesReductionsRst()
    {
        // Layout: (sign·events + event)·groups + group → [+a, +b, −a, −b].
        var g = Gamma(ReductionConstraint.DemographicParity, new int[10], [1, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
        Assert.Equal([0.2, -0.2, -0.2, 0.2], g.Select(v => Math.Round(v, 10)));
    }

    [Fact]
    public void TruePositiveRateParityGammaMatchesReductionsRst()
    {
        var g = Gamma(ReductionConstraint.TruePositiveRateParity, [1, 1, 1, 1, 1, 1, 1, 0, 0, 0], [1, 1, 1, 1, 0, 0, 0, 1, 0, 0]);
        Assert.Equal(0.75 - 0.5714285714285714, g[0], 10);
        Assert.Equal(1.0 / 3 - 0.5714285714285714, g[1], 10);
        Assert.Equal(0.1785714, g[0], 6);
        Assert.Equal(-0.2380952, g[1], 6);
        Assert.Equal(-g[0], g[2], 12);
    }

    [Fact]
    public void EqualizedOddsAddsTheLabelZeroEvent()
    {
        var g = Gamma(ReductionConstraint.EqualizedOdds, [1, 1, 1, 1, 1, 1, 1, 0, 0, 0], [1, 1, 1, 1, 0, 0, 0, 1, 0, 0]);
        // [+ (y=0) a, + (y=0) b, + (y=1) a, + (y=1) b, − ...]
        Assert.Equal(-0.3333333, g[0], 6);
        Assert.Equal(0.1666667, g[1], 6);
        Assert.Equal(0.1785714, g[2], 6);
        Assert.Equal(-0.2380952, g[3], 6);
        Assert.Equal(0.3333333, g[4], 6);
    }

    [Fact]
    public void ErrorRateParityGammaMatchesReductionsRst()
    {
        // Accuracy a 0.8, b 0.4, overall 0.6: error a 0.2, b 0.6, overall 0.4.
        var g = Gamma(ReductionConstraint.ErrorRateParity, [1, 1, 1, 1, 1, 1, 1, 0, 0, 0], [1, 1, 1, 1, 0, 0, 0, 1, 0, 0]);
        Assert.Equal([-0.2, 0.2, 0.2, -0.2], g.Select(v => Math.Round(v, 10)));
    }

    [Fact]
    public void ErrorRateParityGammaMatchesGroupErrorRatesComputedDirectly()
    {
        var rng = new Random(12);
        const int n = 997, groups = 3;
        var y = Enumerable.Range(0, n).Select(_ => (byte)(rng.NextDouble() < 0.4 ? 1 : 0)).ToArray();
        var group = Enumerable.Range(0, n).Select(_ => rng.Next(groups)).ToArray();
        var h = Enumerable.Range(0, n).Select(i => (byte)(rng.NextDouble() < (group[i] == 2 ? 0.35 : 0.15) ? 1 - y[i] : y[i])).ToArray();
        var gamma = new UtilityParityMoment(ReductionConstraint.ErrorRateParity, y, group, groups).Gamma(h);
        var overall = Enumerable.Range(0, n).Count(i => h[i] != y[i]) / (double)n;
        Assert.Equal(2 * groups, gamma.Length);
        for (var a = 0; a < groups; a++)
        {
            var rows = Enumerable.Range(0, n).Where(i => group[i] == a).ToList();
            var error = rows.Count(i => h[i] != y[i]) / (double)rows.Count;
            Assert.True(Math.Abs(error - overall - gamma[a]) <= 1e-12, $"+{a}: {gamma[a]} vs {error - overall}");
            Assert.True(Math.Abs(overall - error - gamma[groups + a]) <= 1e-12, $"-{a}: {gamma[groups + a]} vs {overall - error}");
        }
    }

    [Fact]
    public void ErrorRateParitySignedWeightsAreTheDerivativeOfLambdaDotGammaInBothDirections()
    {
        // λ·γ is linear in each h_i for the error utility too, so a flip measures the derivative exactly:
        // n·Δ(λ·γ) = −w_i·Δh_i, where w_i carries the factor 1 − 2y_i of the error utility.
        int[] y = [1, 1, 1, 1, 1, 1, 1, 0, 0, 0];
        var moment = new UtilityParityMoment(ReductionConstraint.ErrorRateParity, y.Select(v => (byte)v).ToArray(), Group, 2);
        double[] lambda = [0.3, 1.1, 0.7, 0.05];
        var weights = moment.SignedWeights(lambda);
        byte[] basePred = [1, 0, 1, 1, 0, 0, 0, 1, 0, 1];
        double Lg(byte[] p) => moment.Gamma(p).Zip(lambda, (g, l) => g * l).Sum();
        for (var i = 0; i < 10; i++)
        {
            var flipped = (byte[])basePred.Clone();
            flipped[i] = (byte)(1 - flipped[i]);
            var dh = flipped[i] - basePred[i];
            Assert.Equal(-weights[i] * dh, 10 * (Lg(flipped) - Lg(basePred)), 12);
        }
        // The same multipliers with the selection-rate utility give the same magnitudes, signed by 1 − 2y.
        var dp = new UtilityParityMoment(ReductionConstraint.DemographicParity, y.Select(v => (byte)v).ToArray(), Group, 2).SignedWeights(lambda);
        for (var i = 0; i < 10; i++)
            Assert.Equal((1 - 2 * y[i]) * dp[i], weights[i], 12);
    }

    [Fact]
    public void SignedWeightsAreTheDerivativeOfLambdaDotGamma()
    {
        // Independent check: n·∂(λ·γ)/∂h_i = −signed_weight_i, by finite differences on a 0/1 flip.
        int[] y = [1, 1, 1, 1, 1, 1, 1, 0, 0, 0];
        var moment = new UtilityParityMoment(ReductionConstraint.EqualizedOdds, y.Select(v => (byte)v).ToArray(), Group, 2);
        double[] lambda = [0.3, 1.1, 0.2, 0.7, 0.5, 0.05, 0.9, 0.4];
        var weights = moment.SignedWeights(lambda);
        var basePred = new byte[10];
        double Lg(byte[] p) => moment.Gamma(p).Zip(lambda, (g, l) => g * l).Sum();
        for (var i = 0; i < 10; i++)
        {
            var flipped = (byte[])basePred.Clone();
            flipped[i] = 1;
            Assert.Equal(-weights[i], 10 * (Lg(flipped) - Lg(basePred)), 9);
        }
    }
}
