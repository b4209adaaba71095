namespace DeepML.Tuning;

/// <summary>
/// The trial an objective is running: its <see cref="Number"/> and <see cref="Parameters"/>, a way to
/// <see cref="Report"/> intermediate values (one per epoch) that the study's pruner judges, and a
/// <see cref="CancellationToken"/> that fires when the trial is pruned, when its worker lost it, or when the study
/// is cancelled. Hand the token to the trainer (DeepML's <c>NeuralNetworkOptions.CancellationToken</c>; see
/// <see cref="NeuralNetworkTrialExtensions.ForTrial"/>) so a pruned trial stops within one batch.
/// </summary>
public sealed class Trial
{
    private readonly object _gate = new();
    private readonly List<KeyValuePair<int, double>> _curve = [];
    private readonly CancellationTokenSource _cancellation;
    private readonly StudyContext _study;
    private readonly TrialRecord _record;

    internal Trial(StudyContext study, TrialRecord record, CancellationToken studyToken)
    {
        (_study, _record) = (study, record);
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(studyToken);
    }

    /// <summary>The trial's number in the study.</summary>
    public int Number => _record.Number;

    /// <summary>The sampled parameters.</summary>
    public ParameterSet Parameters => _record.Parameters;

    /// <summary>Whether larger or smaller values are better.</summary>
    public StudyDirection Direction => _study.Direction;

    /// <summary>The number of the failed trial this one retries, or null.</summary>
    public int? RetryOf => _record.RetryOf;

    /// <summary>Fires when the trial is pruned or lost, or the study is cancelled.</summary>
    public CancellationToken CancellationToken => _cancellation.Token;

    /// <summary>True once the pruner has stopped the trial.</summary>
    public bool IsPruned { get; private set; }

    /// <summary>True when the storage no longer lists the trial as this worker's (its heartbeat was taken for dead).</summary>
    public bool IsLost { get; private set; }

    /// <summary>The last reported value, or null.</summary>
    public double? LastValue { get { lock (_gate) return _curve.Count == 0 ? null : _curve[^1].Value; } }

    /// <summary>The last reported step, or null.</summary>
    public int? LastStep { get { lock (_gate) return _curve.Count == 0 ? null : _curve[^1].Key; } }

    /// <summary>The values reported so far, by step.</summary>
    public IReadOnlyList<KeyValuePair<int, double>> IntermediateValues { get { lock (_gate) return [.. _curve]; } }

    /// <summary>
    /// Stores the objective's value at <paramref name="step"/> (an epoch, ≥ 0, increasing) and asks the pruner; true
    /// when the trial should stop now (then <see cref="CancellationToken"/> has fired). Thread-safe.
    /// </summary>
    public bool Report(int step, double value)
    {
        lock (_gate)
        {
            if (step < 0 || (_curve.Count > 0 && step <= _curve[^1].Key))
                throw new ArgumentOutOfRangeException(nameof(step), step, $"Trial {Number}: steps must be ≥ 0 and increasing; the last one reported was {(_curve.Count == 0 ? "none" : _curve[^1].Key)}.");
            if (IsPruned || IsLost)
                return true;
            if (!_study.Storage.Report(_study.Name, Number, _study.Worker, step, value))
            {
                MarkLost();
                return true;
            }
            _curve.Add(new(step, value));
            if (_study.Pruner is null)
                return false;
            var others = _study.Storage.LoadTrials(_study.Name, _study.Space);
            var self = _record with { IntermediateValues = [.. _curve], State = TrialState.Running };
            if (!_study.Pruner.ShouldPrune(new PruningContext(self, others, _study.Direction)))
                return false;
            IsPruned = true;
        }
        _cancellation.Cancel();
        return true;
    }

    /// <summary>Throws <see cref="TrialPrunedException"/> when the trial was pruned (for objectives that check between steps).</summary>
    public void ThrowIfPruned()
    {
        if (IsPruned)
            throw new TrialPrunedException(Number, LastStep ?? 0);
    }

    /// <summary>Marks the trial as lost (another worker took it over) and cancels it.</summary>
    internal void MarkLost()
    {
        IsLost = true;
        _cancellation.Cancel();
    }

    internal void Release() => _cancellation.Dispose();
}

/// <summary>What a trial needs to know of its study.</summary>
internal sealed record StudyContext(string Name, string Worker, SearchSpace Space, StudyDirection Direction, IStudyStorage Storage, IPruner? Pruner);
