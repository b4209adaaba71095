namespace DeepML;

/// <summary>Gauss–Legendre nodes and weights on [0, 1], by Newton's method on the Legendre polynomial Pₙ.</summary>
internal static class GaussLegendre
{
    /// <summary>The <paramref name="n"/> nodes in increasing order and their weights (summing to 1).</summary>
    public static (double[] Nodes, double[] Weights) OnUnitInterval(int n)
    {
        var nodes = new double[n];
        var weights = new double[n];
        for (var i = 0; i < n; i++)
        {
            // Start at Tricomi's approximation of the i-th root on [−1, 1] (descending), then Newton.
            var x = Math.Cos(Math.PI * (i + 0.75) / (n + 0.5));
            double derivative = 0;
            for (var iteration = 0; iteration < 100; iteration++)
            {
                var (p, dp) = Legendre(n, x);
                derivative = dp;
                var step = p / dp;
                x -= step;
                if (Math.Abs(step) < 1e-15)
                    break;
            }
            derivative = Legendre(n, x).Derivative;
            var w = 2 / ((1 - x * x) * derivative * derivative);
            // Map [−1, 1] → [0, 1]: α = (1 − x)/2 gives increasing nodes; weights halve.
            nodes[i] = (1 - x) / 2;
            weights[i] = w / 2;
        }
        return (nodes, weights);
    }

    private static (double Value, double Derivative) Legendre(int n, double x)
    {
        double p0 = 1, p1 = x;
        for (var k = 2; k <= n; k++)
            (p0, p1) = (p1, ((2 * k - 1) * x * p1 - (k - 1) * p0) / k);
        var derivative = n * (x * p1 - p0) / (x * x - 1);
        return (n == 0 ? 1 : p1, derivative);
    }
}
