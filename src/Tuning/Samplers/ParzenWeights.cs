namespace DeepML.Tuning;

/// <summary>Optuna's TPE mixture weights: the observations' recency weights plus the prior's, normalised.</summary>
internal static class ParzenWeights
{
    /// <summary>
    /// Optuna's <c>default_weights(n)</c>: all 1 below 25 observations; from 25 on, the oldest n − 25 ramp
    /// linearly from 1/n to 1 (numpy's <c>linspace(1/n, 1, n − 25)</c>) and the newest 25 weigh 1.
    /// </summary>
    public static double[] Default(int n)
    {
        if (n < 25)
            return Enumerable.Repeat(1.0, n).ToArray();
        var ramp = n - 25;
        var w = new double[n];
        for (var i = 0; i < ramp; i++)
            w[i] = ramp == 1 ? 1.0 / n : 1.0 / n + (1.0 - 1.0 / n) * i / (ramp - 1);
        for (var i = ramp; i < n; i++)
            w[i] = 1.0;
        return w;
    }

    /// <summary>The mixture weights of <paramref name="n"/> observation kernels and the prior kernel (last), summing to 1.</summary>
    public static double[] WithPrior(int n, double priorWeight)
    {
        var w = Default(n).Append(priorWeight).ToArray();
        var sum = w.Sum();
        return w.Select(x => x / sum).ToArray();
    }

    /// <summary>A kernel index drawn with probabilities <paramref name="weights"/>.</summary>
    public static int Pick(Random random, IReadOnlyList<double> weights)
    {
        var u = random.NextDouble();
        var cumulative = 0.0;
        for (var i = 0; i < weights.Count; i++)
        {
            cumulative += weights[i];
            if (u < cumulative)
                return i;
        }
        return weights.Count - 1;
    }
}
