namespace DeepML.Tuning;

/// <summary>Where a trial is in its life. Stored by name.</summary>
public enum TrialState
{
    /// <summary>Queued with its parameters (a retry of a trial whose worker died), not yet claimed.</summary>
    Waiting,

    /// <summary>Claimed by a worker, which keeps its heartbeat fresh.</summary>
    Running,

    /// <summary>Finished with a value.</summary>
    Complete,

    /// <summary>Stopped early by the pruner; its value is the last intermediate value.</summary>
    Pruned,

    /// <summary>The objective threw, returned a non-finite value, or the worker died (heartbeat older than the grace period).</summary>
    Failed,
}

/// <summary>Whether a study looks for the smallest or the largest objective value.</summary>
public enum StudyDirection
{
    /// <summary>Smaller is better (losses, RMSE).</summary>
    Minimize,

    /// <summary>Larger is better (AUC, accuracy).</summary>
    Maximize,
}
