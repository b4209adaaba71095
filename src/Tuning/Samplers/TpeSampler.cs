namespace DeepML.Tuning;

/// <summary>
/// Tree-structured Parzen Estimator (Bergstra et al. 2011) with Optuna's defaults: the first
/// <see cref="StartupTrials"/> finished trials are random; then the finished (complete and pruned) trials split into
/// the best γ(n) = min(⌈0.1·n⌉, 25) ("below") and the rest ("above"), each parameter gets a Parzen estimator l(x) from
/// the below trials and g(x) from the above ones, <see cref="EiCandidates"/> candidates are drawn from l and the one
/// with the largest l(x)/g(x) wins. Parameters are sampled independently (Optuna's default, not multivariate), each
/// from the trials where it was active. Pruned trials rank after complete ones, deeper ones first, then by value (as in
/// Optuna). Deterministic for a seed and a history.
/// </summary>
public sealed class TpeSampler : ISampler
{
    /// <summary>A TPE sampler; the defaults are Optuna's.</summary>
    /// <param name="startupTrials">Random trials before TPE starts, ≥ 0. Default 10.</param>
    /// <param name="eiCandidates">Candidates drawn from l(x) per parameter, ≥ 1. Default 24.</param>
    /// <param name="priorWeight">Weight of the prior kernel, &gt; 0. Default 1.</param>
    public TpeSampler(int startupTrials = 10, int eiCandidates = 24, double priorWeight = 1.0)
    {
        if (startupTrials < 0)
            throw new ArgumentException($"TpeSampler: startupTrials must be ≥ 0, got {startupTrials}.", nameof(startupTrials));
        if (eiCandidates < 1)
            throw new ArgumentException($"TpeSampler: eiCandidates must be ≥ 1, got {eiCandidates}.", nameof(eiCandidates));
        if (!double.IsFinite(priorWeight) || priorWeight <= 0)
            throw new ArgumentException($"TpeSampler: priorWeight must be a finite value > 0, got {priorWeight}.", nameof(priorWeight));
        (StartupTrials, EiCandidates, PriorWeight) = (startupTrials, eiCandidates, priorWeight);
    }

    /// <summary>Random trials before TPE starts.</summary>
    public int StartupTrials { get; }

    /// <summary>Candidates per parameter.</summary>
    public int EiCandidates { get; }

    /// <summary>The prior kernel's weight.</summary>
    public double PriorWeight { get; }

    /// <summary>Optuna's default γ: how many of <paramref name="n"/> finished trials are "below" (good).</summary>
    public static int Gamma(int n) => Math.Min((int)Math.Ceiling(0.1 * n), 25);

    /// <inheritdoc />
    public ParameterSet? Sample(SamplingContext context)
    {
        var finished = context.Trials.Where(t => t.State is TrialState.Complete or TrialState.Pruned).ToList();
        if (finished.Count < StartupTrials || finished.Count == 0)
            return RandomSampler.Draw(context.Space, context.Random);
        var (below, above) = Split(finished, context.Direction);
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var parameter in context.Space.Parameters)
            if (context.Space.IsActive(parameter, values))
                values[parameter.Name] = SampleParameter(parameter, below, above, context.Random);
        return new ParameterSet(context.Space, values);
    }

    /// <summary>Splits finished trials into the best γ(n) and the rest, each in trial-number order (Optuna's recency weights need it).</summary>
    internal static (List<TrialRecord> Below, List<TrialRecord> Above) Split(IReadOnlyList<TrialRecord> finished, StudyDirection direction)
    {
        var sign = direction == StudyDirection.Minimize ? 1.0 : -1.0;
        var complete = finished.Where(t => t.State == TrialState.Complete && t.Value is not null).OrderBy(t => sign * t.Value!.Value).ThenBy(t => t.Number);
        var pruned = finished.Where(t => t.State == TrialState.Pruned)
            .OrderByDescending(t => t.LastStep ?? int.MinValue)
            .ThenBy(t => t.Value is { } v ? sign * v : double.PositiveInfinity).ThenBy(t => t.Number);
        var ranked = complete.Concat(pruned).Concat(finished.Where(t => t.State == TrialState.Complete && t.Value is null)).ToList();
        var n = Gamma(ranked.Count);
        return (ranked.Take(n).OrderBy(t => t.Number).ToList(), ranked.Skip(n).OrderBy(t => t.Number).ToList());
    }

    /// <summary>The Parzen estimator of a numeric parameter over <paramref name="trials"/> (in the transformed space).</summary>
    internal NumericalParzenEstimator Numerical(SearchParameter parameter, IEnumerable<TrialRecord> trials)
    {
        var (low, high) = Bounds(parameter);
        var observations = trials.Where(t => t.Parameters.Contains(parameter.Name)).Select(t => Transform(parameter, t.Parameters.Values[parameter.Name])).ToList();
        return new NumericalParzenEstimator(observations, low, high, PriorWeight);
    }

    private double SampleParameter(SearchParameter parameter, List<TrialRecord> below, List<TrialRecord> above, Random random)
    {
        if (parameter is CategoricalParameter categorical)
        {
            CategoricalParzenEstimator Build(List<TrialRecord> trials) => new(
                trials.Where(t => t.Parameters.Contains(parameter.Name)).Select(t => (int)t.Parameters.Values[parameter.Name]).ToList(),
                categorical.Choices.Count, PriorWeight);
            var l = Build(below);
            var g = Build(above);
            var best = Enumerable.Range(0, EiCandidates).Select(_ => l.Sample(random))
                .MaxBy(c => Math.Log(l.Probability(c)) - Math.Log(g.Probability(c)));
            return best;
        }
        var lNumeric = Numerical(parameter, below);
        var gNumeric = Numerical(parameter, above);
        var candidates = Enumerable.Range(0, EiCandidates).Select(_ => lNumeric.Sample(random)).ToArray();
        var winner = candidates.MaxBy(c => lNumeric.LogPdf(c) - gNumeric.LogPdf(c));
        return Untransform(parameter, winner);
    }

    /// <summary>The bounds of the transformed space: log for log parameters, widened by half a step for integers.</summary>
    internal static (double Low, double High) Bounds(SearchParameter parameter) => parameter switch
    {
        FloatParameter f => f.Log ? (Math.Log(f.Low), Math.Log(f.High)) : (f.Low, f.High),
        IntegerParameter i => i.Log ? (Math.Log(i.Low - 0.5), Math.Log(i.High + 0.5)) : (i.Low - 0.5 * i.Step, i.High + 0.5 * i.Step),
        _ => throw new NotSupportedException(parameter.GetType().Name),
    };

    internal static double Transform(SearchParameter parameter, double value) => parameter.Log ? Math.Log(value) : value;

    private static double Untransform(SearchParameter parameter, double value)
    {
        var x = parameter.Log ? Math.Exp(value) : value;
        return parameter switch
        {
            IntegerParameter i => i.Snap(x),
            FloatParameter f => Math.Clamp(x, f.Low, f.High),
            _ => x,
        };
    }
}
