namespace DeepML.Tuning;

/// <summary>Thrown by <see cref="Trial.ThrowIfPruned"/> to leave an objective early; the study records the trial as pruned.</summary>
public sealed class TrialPrunedException : OperationCanceledException
{
    /// <summary>For trial <paramref name="number"/>, pruned at <paramref name="step"/>.</summary>
    public TrialPrunedException(int number, int step) : base($"Trial {number} was pruned at step {step}.") => (Number, Step) = (number, step);

    /// <summary>The trial's number.</summary>
    public int Number { get; }

    /// <summary>The step at which it was pruned.</summary>
    public int Step { get; }
}
