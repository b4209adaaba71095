namespace DeepML.Tuning.Tests.Samplers;

public sealed class TpeSamplerTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(10, 1)]
    [InlineData(11, 2)]
    [InlineData(100, 10)]
    [InlineData(241, 25)]
    [InlineData(1000, 25)]
    public void Gamma_is_optunas_default(int n, int expected) => Assert.Equal(expected, TpeSampler.Gamma(n));

    [Fact]
    public void Default_weights_ramp_only_past_25_observations()
    {
        Assert.Equal(Enumerable.Repeat(1.0, 24), ParzenWeights.Default(24));
        // numpy: np.concatenate([np.linspace(1/30, 1, 5), np.ones(25)])
        var w = ParzenWeights.Default(30);
        double[] ramp = [1 / 30.0, 1 / 30.0 + 0.25 * (29 / 30.0), 1 / 30.0 + 0.5 * (29 / 30.0), 1 / 30.0 + 0.75 * (29 / 30.0), 1.0];
        for (var i = 0; i < 5; i++)
            Assert.Equal(ramp[i], w[i], 1e-12);
        Assert.All(w.Skip(5), x => Assert.Equal(1.0, x));
    }

    [Fact]
    public void Bandwidths_follow_optunas_neighbour_rule_with_the_prior_last()
    {
        // Sorted with the bounds: [0, 0.2, 0.5, 0.9, 1]. Larger gap to a neighbour: 0.3, 0.4, 0.4; the extremes take
        // their inner gap (consider_endpoints=False): 0.3 and 0.4; clip to [1/min(100, 1 + 4), 1] = [0.2, 1].
        var pe = new NumericalParzenEstimator([0.9, 0.2, 0.5], 0, 1, priorWeight: 1);
        Assert.Equal([0.9, 0.2, 0.5, 0.5], pe.Mus);
        Assert.Equal(new[] { 0.4, 0.3, 0.4, 1.0 }, pe.Sigmas.Select(s => Math.Round(s, 12)));
        Assert.Equal([0.25, 0.25, 0.25, 0.25], pe.Weights);
        // Two close points: gaps 0.02 are clipped up to the magic floor 1/min(100, 1 + 3) = 0.25.
        var close = new NumericalParzenEstimator([0.1, 0.12], 0, 1, priorWeight: 1);
        Assert.Equal(new[] { 0.25, 0.25, 1.0 }, close.Sigmas.Select(s => Math.Round(s, 12)));
    }

    [Fact]
    public void Mixture_density_matches_a_numerically_integrated_truncated_normal_mixture()
    {
        var pe = new NumericalParzenEstimator([0.9, 0.2, 0.5], 0, 1, priorWeight: 1);
        foreach (var x in new[] { 0.0, 0.13, 0.5, 0.77, 1.0 })
        {
            var expected = 0.0;
            for (var i = 0; i < pe.Mus.Length; i++)
                expected += pe.Weights[i] * Normal(x, pe.Mus[i], pe.Sigmas[i]) / Simpson(t => Normal(t, pe.Mus[i], pe.Sigmas[i]), 0, 1);
            Assert.Equal(expected, Math.Exp(pe.LogPdf(x)), expected * 1e-6);
        }
        Assert.Equal(double.NegativeInfinity, pe.LogPdf(1.01));
    }

    [Fact]
    public void Truncated_samples_have_the_truncated_mean()
    {
        // N(0.9, 0.4²) on [0, 1]: mean = μ + σ (φ(α) − φ(β)) / (Φ(β) − Φ(α)), α = −2.25, β = 0.25.
        var random = new Random(5);
        var mean = Enumerable.Range(0, 20000).Select(_ => TruncatedNormal.Sample(random, 0.9, 0.4, 0, 1)).Average();
        double Phi(double z) => Simpson(t => Normal(t, 0, 1), -12, z);
        var expected = 0.9 + 0.4 * (Normal(-2.25, 0, 1) - Normal(0.25, 0, 1)) / (Phi(0.25) - Phi(-2.25));
        Assert.Equal(expected, mean, 0.005);
        Assert.Equal(1.959963985, TruncatedNormal.Quantile(0.975), 1e-7);
    }

    [Fact]
    public void Categorical_estimator_smooths_counts_with_the_prior()
    {
        // Observations [0, 0, 1] of 3 choices: each kernel puts 1/(3+1) on every choice plus 1 on its own, normalised;
        // the prior kernel is uniform; the four kernels weigh 1/4 each.
        var pe = new CategoricalParzenEstimator([0, 0, 1], 3, priorWeight: 1);
        Assert.Equal([1.25 / 1.75, 0.25 / 1.75, 0.25 / 1.75], pe.Kernels[0]);
        Assert.Equal(new[] { 1 / 3.0, 1 / 3.0, 1 / 3.0 }, pe.Kernels[3].Select(p => Math.Round(p, 15)), new ToleranceComparer(1e-15));
        Assert.Equal(0.25 * (2 * 1.25 / 1.75 + 0.25 / 1.75 + 1 / 3.0), pe.Probability(0), 1e-12);
        Assert.Equal(0.25 * (2 * 0.25 / 1.75 + 0.25 / 1.75 + 1 / 3.0), pe.Probability(2), 1e-12);
        Assert.Equal(1.0, pe.Probability(0) + pe.Probability(1) + pe.Probability(2), 1e-12);
    }

    [Fact]
    public void Split_puts_the_best_gamma_below_and_pruned_trials_after_complete_ones()
    {
        var space = new SearchSpace().AddFloat("x", 0, 1);
        var trials = Enumerable.Range(0, 19).Select(i => Trial(space, i, TrialState.Complete, value: 100 - i, steps: 0))
            .Append(Trial(space, 19, TrialState.Pruned, value: 1000, steps: 5)).ToList();
        var (below, above) = TpeSampler.Split(trials, StudyDirection.Maximize);
        Assert.Equal([0, 1], below.Select(t => t.Number).ToArray());     // γ(20) = 2: the two largest of 100 − i; the pruned 1000 ranks after them
        Assert.Equal(18, above.Count);
        Assert.Contains(above, t => t.Number == 19);
        var (minBelow, _) = TpeSampler.Split(trials, StudyDirection.Minimize);
        Assert.Equal([17, 18], minBelow.Select(t => t.Number).ToArray()); // the two smallest
    }

    [Fact]
    public void Same_seed_gives_the_same_sequence_and_another_seed_another()
    {
        var a = Run(new TpeSampler(), 3, 25, Branin);
        var b = Run(new TpeSampler(), 3, 25, Branin);
        var c = Run(new TpeSampler(), 4, 25, Branin);
        Assert.Equal(a.Trials.Select(t => t.Parameters.ToString()), b.Trials.Select(t => t.Parameters.ToString()));
        Assert.NotEqual(a.Trials.Select(t => t.Parameters.ToString()), c.Trials.Select(t => t.Parameters.ToString()));
        // The first 10 are TPE's random start-up: the same draws as the random sampler's for that seed.
        Assert.Equal(Run(new RandomSampler(), 3, 10, Branin).Trials.Select(t => t.Parameters.ToString()), a.Trials.Take(10).Select(t => t.Parameters.ToString()));
    }

    [Fact]
    public void On_branin_tpe_beats_random_search_for_fixed_seeds()
    {
        // Branin's global minimum is 0.397887 (Dixon and Szegö 1978; three minimisers).
        int[] seeds = [1, 2, 3, 4, 5];
        var tpe = seeds.Select(s => Run(new TpeSampler(), s, 60, Branin).Best!.Value!.Value).ToArray();
        var random = seeds.Select(s => Run(new RandomSampler(), s, 60, Branin).Best!.Value!.Value).ToArray();
        Assert.True(tpe.Average() < random.Average(), $"TPE mean best {tpe.Average():F4} vs random {random.Average():F4}: [{string.Join(", ", tpe)}] vs [{string.Join(", ", random)}]");
        Assert.True(tpe.Zip(random).Count(p => p.First < p.Second) >= 4, $"TPE won on fewer than 4 of 5 seeds: [{string.Join(", ", tpe)}] vs [{string.Join(", ", random)}]");
        Assert.All(tpe, t => Assert.InRange(t, 0.397887 - 1e-6, 1.5));
    }

    internal static double Branin(ParameterSet p)
    {
        double x1 = p.Float("x1"), x2 = p.Float("x2");
        const double b = 5.1 / (4 * Math.PI * Math.PI), c = 5 / Math.PI, t = 1 / (8 * Math.PI);
        return Math.Pow(x2 - b * x1 * x1 + c * x1 - 6, 2) + 10 * (1 - t) * Math.Cos(x1) + 10;
    }

    internal static StudyResult Run(ISampler sampler, int seed, int trials, Func<ParameterSet, double> f)
    {
        var space = new SearchSpace().AddFloat("x1", -5, 10).AddFloat("x2", 0, 15);
        using var study = new Study(space, new StudyOptions { Sampler = sampler, Seed = seed, MaxTrials = trials });
        return study.Optimize(t => f(t.Parameters));
    }

    internal static TrialRecord Trial(SearchSpace space, int number, TrialState state, double value, int steps) =>
        new(number, state, RandomSampler.Draw(space, new Random(number)), value,
            Enumerable.Range(1, steps).Select(s => new KeyValuePair<int, double>(s, value)).ToList(), null, null, null, null, null);

    private static double Normal(double x, double mu, double sigma) => Math.Exp(-0.5 * Math.Pow((x - mu) / sigma, 2)) / (sigma * Math.Sqrt(2 * Math.PI));

    private static double Simpson(Func<double, double> f, double a, double b, int n = 4000)
    {
        var h = (b - a) / n;
        var sum = f(a) + f(b);
        for (var i = 1; i < n; i++)
            sum += f(a + i * h) * (i % 2 == 1 ? 4 : 2);
        return sum * h / 3;
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
