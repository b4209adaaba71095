namespace DeepML.Tuning;

/// <summary>
/// How a study runs: its name and direction, seed, sampler, pruner, storage, budget and parallelism. Immutable and
/// validated when set (an <see cref="ArgumentException"/> names the option); derive variants with <c>with { … }</c>.
/// At least one of <see cref="MaxTrials"/> and <see cref="TimeBudget"/> must be set.
/// </summary>
public sealed record StudyOptions
{
    private readonly string _name = "study";
    private readonly int? _maxTrials;
    private readonly TimeSpan? _timeBudget;
    private readonly int _parallelism = 1;
    private readonly TimeSpan _heartbeatInterval = TimeSpan.FromSeconds(5);
    private readonly TimeSpan _gracePeriod = TimeSpan.FromSeconds(60);

    /// <summary>The study's name in its storage; workers that give the same name share the study. Default "study".</summary>
    public string Name { get => _name; init => _name = string.IsNullOrWhiteSpace(value) ? throw new ArgumentException("StudyOptions: Name must be a non-empty study name.", nameof(Name)) : value; }

    /// <summary>Minimize (default) or maximize the objective.</summary>
    public StudyDirection Direction { get; init => field = Enum.IsDefined(value) ? value : throw new ArgumentException($"StudyOptions: Direction must be Minimize or Maximize, got {value}.", nameof(Direction)); }

    /// <summary>Seed of every random choice of the sampler; default the MLContext's seed (0 when it has none).</summary>
    public int? Seed { get; init; }

    /// <summary>The sampler. Default <see cref="TpeSampler"/> with Optuna's defaults.</summary>
    public ISampler Sampler { get; init => field = value ?? throw new ArgumentNullException(nameof(Sampler), "StudyOptions: Sampler must not be null; use new TpeSampler(), new RandomSampler() or new GridSampler()."); } = new TpeSampler();

    /// <summary>The pruner, or null (default) to run every trial to its end.</summary>
    public IPruner? Pruner { get; init; }

    /// <summary>Where the study lives; null (default) uses a fresh SQLite file in the temporary folder that the study deletes when disposed.</summary>
    public IStudyStorage? Storage { get; init; }

    /// <summary>Trials to run (originals; a retried trial counts once), ≥ 1; null for no trial limit.</summary>
    public int? MaxTrials { get => _maxTrials; init => _maxTrials = value is null or >= 1 ? value : throw new ArgumentException($"StudyOptions: MaxTrials must be at least 1 (or null for no limit), got {value}. Give a positive trial budget.", nameof(MaxTrials)); }

    /// <summary>No trial starts after this much time from the start of <see cref="Study.Optimize"/> (running trials finish); &gt; 0, or null.</summary>
    public TimeSpan? TimeBudget { get => _timeBudget; init => _timeBudget = value is null || value > TimeSpan.Zero ? value : throw new ArgumentException($"StudyOptions: TimeBudget must be positive (or null for no limit), got {value}. Give a positive time budget.", nameof(TimeBudget)); }

    /// <summary>Trials run at once in this process, ≥ 1. Default 1. Other processes may work on the same study too.</summary>
    public int Parallelism { get => _parallelism; init => _parallelism = value >= 1 ? value : throw new ArgumentException($"StudyOptions: Parallelism must be at least 1, got {value}.", nameof(Parallelism)); }

    /// <summary>How often a running trial refreshes its heartbeat; &gt; 0 and below <see cref="GracePeriod"/>. Default 5 s.</summary>
    public TimeSpan HeartbeatInterval { get => _heartbeatInterval; init => _heartbeatInterval = value > TimeSpan.Zero ? value : throw new ArgumentException($"StudyOptions: HeartbeatInterval must be positive, got {value}.", nameof(HeartbeatInterval)); }

    /// <summary>A running trial whose heartbeat is older than this is presumed dead, failed and re-queued once; &gt; 0. Default 60 s.</summary>
    public TimeSpan GracePeriod { get => _gracePeriod; init => _gracePeriod = value > TimeSpan.Zero ? value : throw new ArgumentException($"StudyOptions: GracePeriod must be positive, got {value}.", nameof(GracePeriod)); }

    /// <summary>This process's worker id in the storage; default host name and process id.</summary>
    public string WorkerId { get; init; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>Checks the options that depend on each other; called when a study is made.</summary>
    internal void Validate()
    {
        if (MaxTrials is null && TimeBudget is null)
            throw new ArgumentException("StudyOptions: no budget; expected MaxTrials, TimeBudget or both. Set MaxTrials = 50 or TimeBudget = TimeSpan.FromMinutes(10).", nameof(MaxTrials));
        if (HeartbeatInterval >= GracePeriod)
            throw new ArgumentException($"StudyOptions: HeartbeatInterval ({HeartbeatInterval.TotalSeconds:G} s) must be shorter than GracePeriod ({GracePeriod.TotalSeconds:G} s), or live trials would be taken for dead. Use a shorter interval or a longer grace period.", nameof(HeartbeatInterval));
    }
}
