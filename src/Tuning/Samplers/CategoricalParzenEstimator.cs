namespace DeepML.Tuning;

/// <summary>
/// TPE's density over one categorical parameter (Optuna's): one kernel per observation plus a uniform prior
/// kernel; every kernel puts <c>prior_weight / (n + 1)</c> on each choice and an extra 1 on its observation's
/// choice, normalised ("smoothed counts"); the kernels mix with the same weights as numeric parameters.
/// </summary>
internal sealed class CategoricalParzenEstimator
{
    public CategoricalParzenEstimator(IReadOnlyList<int> observations, int choices, double priorWeight)
    {
        var n = observations.Count;
        Kernels = new double[n + 1][];
        for (var i = 0; i <= n; i++)
        {
            var row = Enumerable.Repeat(priorWeight / (n + 1), choices).ToArray();
            if (i < n)
                row[observations[i]] += 1.0;
            var sum = row.Sum();
            Kernels[i] = row.Select(x => x / sum).ToArray();
        }
        Weights = ParzenWeights.WithPrior(n, priorWeight);
    }

    /// <summary>Per-kernel choice probabilities; the prior's row is last.</summary>
    public double[][] Kernels { get; }

    /// <summary>Mixture weights (sum 1); the prior's is last.</summary>
    public double[] Weights { get; }

    /// <summary>The mixture's probability of <paramref name="choice"/>.</summary>
    public double Probability(int choice)
    {
        var p = 0.0;
        for (var i = 0; i < Kernels.Length; i++)
            p += Weights[i] * Kernels[i][choice];
        return p;
    }

    /// <summary>A draw from the mixture.</summary>
    public int Sample(Random random) => ParzenWeights.Pick(random, Kernels[ParzenWeights.Pick(random, Weights)]);
}
