namespace DeepML.Tuning;

/// <summary>
/// TPE's density over one numeric parameter (Optuna's univariate Parzen estimator): a mixture of normals
/// truncated to [low, high], one per observation plus a prior N((low + high)/2, (high − low)²), in log space for
/// log parameters; an integer's range is widened by half a step on each side and samples are rounded.
/// Bandwidths follow Optuna's rule: each observation's σ is the larger distance to its sorted neighbours
/// (the bounds count as neighbours), the two extreme observations take their inner gap
/// (<c>consider_endpoints=False</c>), then σ is clipped to [(high − low)/min(100, 1 + kernels), high − low]
/// ("magic clip").
/// </summary>
internal sealed class NumericalParzenEstimator
{
    public NumericalParzenEstimator(IReadOnlyList<double> observations, double low, double high, double priorWeight)
    {
        (Low, High) = (low, high);
        var n = observations.Count;
        var mus = observations.ToArray();
        var sigmas = new double[n];
        if (n > 0)
        {
            var order = Enumerable.Range(0, n).OrderBy(i => mus[i]).ToArray();
            var sorted = new double[n + 2];
            sorted[0] = low;
            for (var k = 0; k < n; k++)
                sorted[k + 1] = mus[order[k]];
            sorted[n + 1] = high;
            var sortedSigmas = new double[n];
            for (var k = 0; k < n; k++)
                sortedSigmas[k] = Math.Max(sorted[k + 1] - sorted[k], sorted[k + 2] - sorted[k + 1]);
            if (sorted.Length >= 4)
            {
                sortedSigmas[0] = sorted[2] - sorted[1];
                sortedSigmas[n - 1] = sorted[n] - sorted[n - 1];
            }
            var maxSigma = high - low;
            var minSigma = (high - low) / Math.Min(100.0, 1.0 + (n + 1));
            for (var k = 0; k < n; k++)
                sigmas[order[k]] = Math.Clamp(sortedSigmas[k], minSigma, maxSigma);
        }
        Mus = [.. mus, 0.5 * (low + high)];
        Sigmas = [.. sigmas, high - low];
        Weights = ParzenWeights.WithPrior(n, priorWeight);
    }

    public double Low { get; }

    public double High { get; }

    /// <summary>Kernel centres; the prior's is last.</summary>
    public double[] Mus { get; }

    /// <summary>Kernel bandwidths; the prior's is last.</summary>
    public double[] Sigmas { get; }

    /// <summary>Mixture weights (sum 1); the prior's is last.</summary>
    public double[] Weights { get; }

    /// <summary>log of the mixture density at <paramref name="x"/> (in the transformed space).</summary>
    public double LogPdf(double x)
    {
        var terms = new double[Mus.Length];
        for (var i = 0; i < Mus.Length; i++)
            terms[i] = Math.Log(Weights[i]) + TruncatedNormal.LogPdf(x, Mus[i], Sigmas[i], Low, High);
        return TruncatedNormal.LogSumExp(terms);
    }

    /// <summary>A draw from the mixture.</summary>
    public double Sample(Random random)
    {
        var k = ParzenWeights.Pick(random, Weights);
        return TruncatedNormal.Sample(random, Mus[k], Sigmas[k], Low, High);
    }
}
