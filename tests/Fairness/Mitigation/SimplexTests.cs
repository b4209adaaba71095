using Xunit;

namespace DeepML.Fairness.Tests.Mitigation;

public class SimplexTests
{
    [Fact]
    public void TextbookMaximisationAsMinimisation()
    {
        // max 3x + 5y s.t. x ≤ 4, 2y ≤ 12, 3x + 2y ≤ 18 → x = 2, y = 6, value 36 (Hillier & Lieberman's Wyndor).
        var x = Simplex.Minimize([-3, -5], [[1, 0], [0, 2], [3, 2]], [4, 12, 18], [false, false, false])!;
        Assert.Equal(2, x[0], 9);
        Assert.Equal(6, x[1], 9);
    }

    [Fact]
    public void EqualityAndNegativeRightHandSideNeedPhaseOne()
    {
        // min x + 2y + 3z s.t. x + y + z = 1, −x + y ≤ −0.2 (x ≥ y + 0.2) → y = 0, x = 1, z = 0, value 1.
        var x = Simplex.Minimize([1, 2, 3], [[1, 1, 1], [-1, 1, 0]], [1, -0.2], [true, false])!;
        Assert.Equal(1, x[0], 9);
        Assert.Equal(0, x[1], 9);
        // min −x s.t. x + y = 1, x ≤ 0.3 → x = 0.3.
        Assert.Equal(0.3, Simplex.Minimize([-1, 0], [[1, 1], [1, 0]], [1, 0.3], [true, false])![0], 9);
    }

    [Fact]
    public void InfeasibleAndUnboundedReturnNull()
    {
        Assert.Null(Simplex.Minimize([1], [[1], [1]], [1, 2], [true, true]));
        Assert.Null(Simplex.Minimize([-1, 0], [[1, -1]], [1], [false]));
    }

    [Fact]
    public void MatchesBruteForceOverARandomMixtureLp()
    {
        // min Σ e_h Q_h + B s, Σ_h (γ_hj − ε) Q_h − s ≤ 0, Σ Q = 1 (the ExponentiatedGradient primal), vs. a fine grid over 3 predictors.
        double[] err = [0.15, 0.20, 0.30];
        double[] gamma = [0.12, 0.02, -0.05];
        const double b = 100, eps = 0.01;
        var x = Simplex.Minimize([.. err, b], [[.. gamma.Select(g => g - eps), -1], [.. gamma.Select(g => -g - eps), -1], [1, 1, 1, 0]], [0, 0, 1], [false, false, true])!;
        var lp = err.Select((e, h) => e * x[h]).Sum() + b * x[3];
        var best = double.PositiveInfinity;
        for (var i = 0; i <= 200; i++)
            for (var j = 0; i + j <= 200; j++)
            {
                double q0 = i / 200.0, q1 = j / 200.0, q2 = 1 - q0 - q1;
                var g = q0 * gamma[0] + q1 * gamma[1] + q2 * gamma[2];
                var s = Math.Max(0, Math.Abs(g) - eps);
                best = Math.Min(best, q0 * err[0] + q1 * err[1] + q2 * err[2] + b * s);
            }
        Assert.InRange(lp, best - 1e-3, best + 1e-9);
    }
}
