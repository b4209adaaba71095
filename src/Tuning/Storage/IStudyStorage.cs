namespace DeepML.Tuning;

/// <summary>
/// Where studies live, shared by every worker (threads, processes, machines) that opens the same database. All
/// trial bookkeeping goes through it: claiming a trial is one transaction that also marks trials whose worker died
/// and re-queues their parameters, so no trial is lost or run twice. <see cref="SqliteStudyStorage"/> (embedded, one
/// machine) and <see cref="PostgresStudyStorage"/> (many machines) use the same schema (<see cref="StudySchema"/>).
/// </summary>
public interface IStudyStorage : IDisposable
{
    /// <summary>Where the storage points, safe to print (no password).</summary>
    string Location { get; }

    /// <summary>
    /// Creates the study, or checks that the stored one has the same direction and search space; a mismatch throws
    /// an <see cref="InvalidOperationException"/> that shows both.
    /// </summary>
    void OpenStudy(string study, StudyDirection direction, SearchSpace space);

    /// <summary>
    /// One transaction: marks running trials whose heartbeat is older than <see cref="ClaimRequest.GracePeriod"/> as
    /// failed and re-queues each original once; then claims the oldest waiting trial, or (budget permitting) numbers a
    /// new trial with the parameters <see cref="ClaimRequest.Propose"/> gives for the stored history.
    /// </summary>
    ClaimResult Claim(ClaimRequest request);

    /// <summary>Refreshes a running trial's heartbeat; false when the trial is no longer this worker's (it was presumed dead).</summary>
    bool Heartbeat(string study, int number, string worker);

    /// <summary>Stores an intermediate value (and refreshes the heartbeat); false when the trial is no longer this worker's.</summary>
    bool Report(string study, int number, string worker, int step, double value);

    /// <summary>Ends a running trial; false when the trial is no longer this worker's (its result is then dropped).</summary>
    bool Finish(string study, int number, string worker, TrialState state, double? value, string? error);

    /// <summary>Every trial of the study, by number, with its intermediate values.</summary>
    IReadOnlyList<TrialRecord> LoadTrials(string study, SearchSpace space);

    /// <summary>The names of the stored studies.</summary>
    IReadOnlyList<string> StudyNames();
}

/// <summary>What a worker asks for when it wants a trial.</summary>
/// <param name="Study">The study's name.</param>
/// <param name="Worker">The worker's id (host, process, thread).</param>
/// <param name="Space">The study's space (to read stored parameters).</param>
/// <param name="MaxTrials">The trial budget (originals, not retries), or null for none.</param>
/// <param name="GracePeriod">A running trial whose heartbeat is older than this is presumed dead.</param>
/// <param name="Propose">Gives the next trial's parameters for the stored history and the new number; null when the sampler has nothing left.</param>
public sealed record ClaimRequest(string Study, string Worker, SearchSpace Space, int? MaxTrials, TimeSpan GracePeriod,
    Func<IReadOnlyList<TrialRecord>, int, ParameterSet?> Propose);

/// <summary>The outcome of a claim.</summary>
public enum ClaimStatus
{
    /// <summary>A trial is this worker's now (<see cref="ClaimResult.Trial"/>).</summary>
    Claimed,

    /// <summary>The trial budget is spent and nothing is running: the study is done.</summary>
    BudgetSpent,

    /// <summary>The budget is spent but other workers' trials are running; one may die and be re-queued, so ask again later.</summary>
    WaitForRunning,

    /// <summary>The sampler has nothing left (every grid point is taken).</summary>
    SamplerExhausted,
}

/// <summary>A claim's outcome and, when claimed, the trial.</summary>
/// <param name="Status">What happened.</param>
/// <param name="Trial">The claimed trial, or null.</param>
public sealed record ClaimResult(ClaimStatus Status, TrialRecord? Trial);
