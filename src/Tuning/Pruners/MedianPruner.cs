namespace DeepML.Tuning;

/// <summary>
/// Optuna's median rule: at step s, prune a trial whose best intermediate value so far is worse than the median of
/// the completed trials' values at step s. Not before <see cref="StartupTrials"/> trials have completed, not at
/// steps below <see cref="WarmupSteps"/>, and only at the first report in each window of <see cref="IntervalSteps"/>
/// steps after the warm-up. A step that no completed trial reported never prunes.
/// </summary>
public sealed class MedianPruner : IPruner
{
    /// <summary>A median pruner; the defaults are Optuna's.</summary>
    /// <param name="startupTrials">Completed trials before any pruning, ≥ 0. Default 5.</param>
    /// <param name="warmupSteps">Steps below this never prune, ≥ 0. Default 0.</param>
    /// <param name="intervalSteps">Prune at most once per this many steps, ≥ 1. Default 1.</param>
    public MedianPruner(int startupTrials = 5, int warmupSteps = 0, int intervalSteps = 1)
    {
        if (startupTrials < 0)
            throw new ArgumentException($"MedianPruner: startupTrials must be ≥ 0, got {startupTrials}.", nameof(startupTrials));
        if (warmupSteps < 0)
            throw new ArgumentException($"MedianPruner: warmupSteps must be ≥ 0, got {warmupSteps}.", nameof(warmupSteps));
        if (intervalSteps < 1)
            throw new ArgumentException($"MedianPruner: intervalSteps must be ≥ 1, got {intervalSteps}.", nameof(intervalSteps));
        (StartupTrials, WarmupSteps, IntervalSteps) = (startupTrials, warmupSteps, intervalSteps);
    }

    /// <summary>Completed trials before any pruning.</summary>
    public int StartupTrials { get; }

    /// <summary>Steps below this never prune.</summary>
    public int WarmupSteps { get; }

    /// <summary>Prune at most once per this many steps.</summary>
    public int IntervalSteps { get; }

    /// <inheritdoc />
    public bool ShouldPrune(PruningContext context)
    {
        var trial = context.Trial;
        if (trial.LastStep is not { } step || step < WarmupSteps)
            return false;
        // Optuna's _is_first_in_interval_step: the previous report lies before this window's first pruning step.
        var windowStart = (step - WarmupSteps) / IntervalSteps * IntervalSteps + WarmupSteps;
        var previous = trial.IntermediateValues.Where(kv => kv.Key < step).Select(kv => kv.Key).DefaultIfEmpty(-1).Max();
        if (previous >= windowStart)
            return false;
        var completed = context.Trials.Where(t => t.State == TrialState.Complete && t.Number != trial.Number).ToList();
        if (completed.Count < StartupTrials)
            return false;
        var values = trial.IntermediateValues.Select(kv => kv.Value).ToList();
        if (values.Any(double.IsNaN))
            return true;
        var best = context.Direction == StudyDirection.Minimize ? values.Min() : values.Max();
        var atStep = completed.Select(t => t.ValueAt(step)).Where(v => v is { } x && !double.IsNaN(x)).Select(v => v!.Value).ToList();
        if (atStep.Count == 0)
            return false;
        var median = Median(atStep);
        return context.Direction == StudyDirection.Minimize ? best > median : best < median;
    }

    /// <summary>The median (numpy's 50th percentile with linear interpolation).</summary>
    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
    }
}
