namespace DeepML.Tuning;

/// <summary>The objective threw in a trial; the trial is stored as failed and the study stops. The inner exception is the objective's.</summary>
public sealed class TrialFailedException : Exception
{
    /// <summary>Trial <paramref name="number"/> failed with <paramref name="inner"/>.</summary>
    public TrialFailedException(int number, Exception inner)
        : base($"Trial {number} failed: the objective threw {inner.GetType().Name}: {inner.Message}", inner) => Number = number;

    /// <summary>The failed trial's number.</summary>
    public int Number { get; }
}
