namespace DeepML.Tuning;

/// <summary>
/// A study's trials as stored: the best one, the leaderboard and each trial's learning curve (its intermediate
/// values by step), for a report to draw. Immutable snapshot.
/// </summary>
public sealed class StudyResult
{
    internal StudyResult(string name, StudyDirection direction, IReadOnlyList<TrialRecord> trials)
    {
        (Name, Direction, Trials) = (name, direction, trials);
        var sign = direction == StudyDirection.Minimize ? 1.0 : -1.0;
        Leaderboard = [.. trials.Where(t => t.State == TrialState.Complete).OrderBy(t => sign * t.Value!.Value).ThenBy(t => t.Number)
            .Concat(trials.Where(t => t.State == TrialState.Pruned).OrderByDescending(t => t.LastStep ?? -1).ThenBy(t => t.Value is { } v ? sign * v : double.PositiveInfinity))
            .Concat(trials.Where(t => t.State is not (TrialState.Complete or TrialState.Pruned)).OrderBy(t => t.Number))];
        Best = Leaderboard.FirstOrDefault(t => t.State == TrialState.Complete);
    }

    /// <summary>The study's name.</summary>
    public string Name { get; }

    /// <summary>Minimize or maximize.</summary>
    public StudyDirection Direction { get; }

    /// <summary>Every trial, by number.</summary>
    public IReadOnlyList<TrialRecord> Trials { get; }

    /// <summary>Complete trials best first, then pruned ones (deepest first), then the rest by number.</summary>
    public IReadOnlyList<TrialRecord> Leaderboard { get; }

    /// <summary>The best complete trial, or null when none completed.</summary>
    public TrialRecord? Best { get; }

    /// <summary>How many trials are in <paramref name="state"/>.</summary>
    public int Count(TrialState state) => Trials.Count(t => t.State == state);

    /// <summary>The intermediate values of each trial that reported any, by trial number.</summary>
    public IReadOnlyDictionary<int, IReadOnlyList<KeyValuePair<int, double>>> LearningCurves =>
        Trials.Where(t => t.IntermediateValues.Count > 0).ToDictionary(t => t.Number, t => t.IntermediateValues);

    /// <summary>Total steps reported over all trials (epochs trained, when a trial reports once per epoch).</summary>
    public int TotalSteps => Trials.Sum(t => t.IntermediateValues.Count);

    /// <summary>The leaderboard as text, one trial a line.</summary>
    public override string ToString() => string.Join(Environment.NewLine, Leaderboard.Select(t => t.ToString()));
}
