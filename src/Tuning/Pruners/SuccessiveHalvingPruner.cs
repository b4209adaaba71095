namespace DeepML.Tuning;

/// <summary>
/// Asynchronous successive halving (ASHA, Li et al. 2020) with Optuna's semantics. Rung k sits at step
/// <c>MinResource · η^(MinEarlyStoppingRate + k)</c>. When a trial first reports a step at or past a rung, its value
/// there competes with the values every other trial had when it crossed the same rung: the trial goes on only when it
/// is in the top ⌊n/η⌋ of those n values (the top one when n &lt; η, so early arrivals are always promoted: the
/// asynchronous rule). A report that crosses several rungs competes at each in turn. Between rungs it never prunes.
/// </summary>
public sealed class SuccessiveHalvingPruner : IPruner
{
    /// <summary>An ASHA pruner; the defaults are Optuna's (with min resource 1).</summary>
    /// <param name="minResource">The first rung's step (epochs), ≥ 1. Default 1.</param>
    /// <param name="reductionFactor">η: 1/η of the trials go on at each rung, ≥ 2. Default 4 (Optuna's).</param>
    /// <param name="minEarlyStoppingRate">s: the first rung sits at MinResource · η^s, ≥ 0. Default 0.</param>
    public SuccessiveHalvingPruner(int minResource = 1, int reductionFactor = 4, int minEarlyStoppingRate = 0)
    {
        if (minResource < 1)
            throw new ArgumentException($"SuccessiveHalvingPruner: minResource must be ≥ 1, got {minResource}.", nameof(minResource));
        if (reductionFactor < 2)
            throw new ArgumentException($"SuccessiveHalvingPruner: reductionFactor must be ≥ 2, got {reductionFactor}.", nameof(reductionFactor));
        if (minEarlyStoppingRate < 0)
            throw new ArgumentException($"SuccessiveHalvingPruner: minEarlyStoppingRate must be ≥ 0, got {minEarlyStoppingRate}.", nameof(minEarlyStoppingRate));
        (MinResource, ReductionFactor, MinEarlyStoppingRate) = (minResource, reductionFactor, minEarlyStoppingRate);
    }

    /// <summary>The first rung's step.</summary>
    public int MinResource { get; }

    /// <summary>η.</summary>
    public int ReductionFactor { get; }

    /// <summary>s.</summary>
    public int MinEarlyStoppingRate { get; }

    /// <summary>The step of rung <paramref name="rung"/> (0-based).</summary>
    public long RungStep(int rung) => MinResource * (long)Math.Pow(ReductionFactor, MinEarlyStoppingRate + rung);

    /// <inheritdoc />
    public bool ShouldPrune(PruningContext context)
    {
        var trial = context.Trial;
        if (trial.LastStep is not { } step)
            return false;
        for (var rung = 0; ; rung++)
        {
            var rungStep = RungStep(rung);
            if (step < rungStep)
                return false;
            if (CrossingValue(trial, rungStep, before: step) is not null)
                continue;   // crossed this rung at an earlier report, and was promoted then
            var value = trial.IntermediateValues[^1].Value;
            if (double.IsNaN(value))
                return true;
            var competing = context.Trials.Where(t => t.Number != trial.Number)
                .Select(t => CrossingValue(t, rungStep, before: int.MaxValue)).Where(v => v is { } x && !double.IsNaN(x)).Select(v => v!.Value)
                .Append(value).ToList();
            if (!Promotable(value, competing, context.Direction))
                return true;
            // Promoted: a report that crossed several rungs at once competes at the next one too (as in Optuna).
        }
    }

    /// <summary>The value a trial had when it first reported a step ≥ <paramref name="rungStep"/> (before step <paramref name="before"/>), or null.</summary>
    private static double? CrossingValue(TrialRecord trial, long rungStep, int before)
    {
        foreach (var (s, v) in trial.IntermediateValues)
            if (s >= rungStep && s < before)
                return v;
        return null;
    }

    /// <summary>Optuna's _is_trial_promotable_to_next_rung.</summary>
    internal bool Promotable(double value, List<double> competing, StudyDirection direction)
    {
        var index = competing.Count / ReductionFactor - 1;
        if (index == -1)
            index = 0;
        competing.Sort();
        return direction == StudyDirection.Maximize ? value >= competing[^(index + 1)] : value <= competing[index];
    }
}
