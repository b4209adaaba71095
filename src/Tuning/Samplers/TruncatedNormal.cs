namespace DeepML.Tuning;

/// <summary>The normal distribution's CDF and quantile, and the truncated normal's log density and sampling.</summary>
internal static class TruncatedNormal
{
    private const double LogSqrt2Pi = 0.91893853320467274178;

    /// <summary>Complementary error function (Numerical Recipes' Chebyshev fit; relative error &lt; 1.2e-7 everywhere, tails included).</summary>
    public static double Erfc(double x)
    {
        var z = Math.Abs(x);
        var t = 1.0 / (1.0 + 0.5 * z);
        var ans = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
            + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? ans : 2.0 - ans;
    }

    /// <summary>Φ(x), the standard normal CDF.</summary>
    public static double Cdf(double x) => 0.5 * Erfc(-x / Math.Sqrt(2.0));

    /// <summary>Φ⁻¹(p) by Acklam's rational approximation and one Halley step (relative error ~1e-9 before the step).</summary>
    public static double Quantile(double p)
    {
        if (p <= 0) return double.NegativeInfinity;
        if (p >= 1) return double.PositiveInfinity;
        double[] a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
        double[] b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
        double[] c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
        double[] d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
        const double low = 0.02425;
        double x;
        if (p < low || p > 1 - low)
        {
            var q = Math.Sqrt(-2 * Math.Log(p < low ? p : 1 - p));
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
            if (p > 1 - low) x = -x;
        }
        else
        {
            var q = p - 0.5;
            var r = q * q;
            x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
        }
        var e = Cdf(x) - p;
        var u = e * Math.Sqrt(2 * Math.PI) * Math.Exp(x * x / 2);
        return x - u / (1 + x * u / 2);
    }

    /// <summary>log density at <paramref name="x"/> of N(μ, σ²) truncated to [<paramref name="low"/>, <paramref name="high"/>].</summary>
    public static double LogPdf(double x, double mu, double sigma, double low, double high)
    {
        if (x < low || x > high)
            return double.NegativeInfinity;
        var z = (x - mu) / sigma;
        var mass = Cdf((high - mu) / sigma) - Cdf((low - mu) / sigma);
        return -0.5 * z * z - LogSqrt2Pi - Math.Log(sigma) - Math.Log(Math.Max(mass, 1e-300));
    }

    /// <summary>A draw from N(μ, σ²) truncated to [<paramref name="low"/>, <paramref name="high"/>] by the inverse CDF.</summary>
    public static double Sample(Random random, double mu, double sigma, double low, double high)
    {
        var a = Cdf((low - mu) / sigma);
        var b = Cdf((high - mu) / sigma);
        var u = a + random.NextDouble() * (b - a);
        var x = mu + sigma * Quantile(u);
        return double.IsFinite(x) ? Math.Clamp(x, low, high) : Math.Clamp(mu, low, high);
    }

    /// <summary>log Σ exp(xᵢ), stable.</summary>
    public static double LogSumExp(IReadOnlyList<double> values)
    {
        var max = double.NegativeInfinity;
        foreach (var v in values)
            max = Math.Max(max, v);
        if (double.IsNegativeInfinity(max))
            return max;
        var sum = 0.0;
        foreach (var v in values)
            sum += Math.Exp(v - max);
        return max + Math.Log(sum);
    }
}
