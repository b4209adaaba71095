using System.Diagnostics;

namespace DeepML.Tuning;

/// <summary>
/// A hyperparameter search: a <see cref="SearchSpace"/>, an objective, and <see cref="StudyOptions"/> (sampler,
/// pruner, storage, budget, parallelism). <see cref="Optimize(Func{Trial, double}, IProgress{TrialRecord}?, CancellationToken)"/> runs trials until the budget is spent, in
/// <see cref="StudyOptions.Parallelism"/> threads; any number of processes (and, with PostgreSQL, machines) may run
/// <see cref="Optimize(Func{Trial, double}, IProgress{TrialRecord}?, CancellationToken)"/> on the same study at the same time. Reopening the storage resumes a study: numbering goes
/// on and the sampler sees every stored trial.
/// </summary>
/// <remarks>
/// Deterministic for a seed with one worker: each trial's randomness comes from the seed and its number, and the
/// sampler sees the same history. With several workers the history a sampler sees depends on timing (as in Optuna).
/// DeepML's trainers seed TorchSharp's process-wide generator, so network trials running in parallel threads of one
/// process are not bit-reproducible; for reproducible parallel network trials run several processes on one storage.
/// Owns its storage only when <see cref="StudyOptions.Storage"/> is null (a temporary SQLite file, deleted on
/// <see cref="Dispose"/>); a storage you pass stays yours.
/// </remarks>
public sealed class Study : IDisposable
{
    private readonly string? _ownedFile;
    private bool _disposed;

    /// <summary>Opens or creates the study <see cref="StudyOptions.Name"/> in the options' storage.</summary>
    /// <param name="space">What to search (at least one parameter).</param>
    /// <param name="options">How to search.</param>
    /// <param name="defaultSeed">The seed when <see cref="StudyOptions.Seed"/> is null (the catalog passes the MLContext's).</param>
    public Study(SearchSpace space, StudyOptions options, int? defaultSeed = null)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(options);
        space.ThrowIfEmpty();
        options.Validate();
        (Space, Options) = (space, options);
        Seed = options.Seed ?? defaultSeed ?? 0;
        if (options.Storage is { } storage)
            Storage = storage;
        else
        {
            _ownedFile = Path.Combine(Path.GetTempPath(), $"deepml-study-{Guid.NewGuid():N}.db");
            Storage = new SqliteStudyStorage(_ownedFile);
        }
        Storage.OpenStudy(options.Name, options.Direction, space);
    }

    /// <summary>The search space.</summary>
    public SearchSpace Space { get; }

    /// <summary>The options.</summary>
    public StudyOptions Options { get; }

    /// <summary>The seed in use.</summary>
    public int Seed { get; }

    /// <summary>The storage the study lives in.</summary>
    public IStudyStorage Storage { get; }

    /// <summary>
    /// Runs trials until the budget is spent (or the sampler has nothing left) and returns every stored trial of the
    /// study (this process's and the others'). The objective returns the trial's value; it may <see cref="Trial.Report"/>
    /// intermediate values and stop when <see cref="Trial.CancellationToken"/> fires. A pruned trial ends as
    /// <see cref="TrialState.Pruned"/> with its last value whatever it returns or throws; a non-finite value fails the
    /// trial; an exception fails the trial, stops the study and is rethrown.
    /// </summary>
    public StudyResult Optimize(Func<Trial, double> objective, IProgress<TrialRecord>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var deadline = Options.TimeBudget is { } budget ? Stopwatch.GetTimestamp() + (long)(budget.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var errors = new List<Exception>();
        var workers = Enumerable.Range(0, Options.Parallelism).Select(i => Task.Factory.StartNew(() =>
        {
            try
            {
                RunWorker(Options.Parallelism == 1 ? Options.WorkerId : $"{Options.WorkerId}#{i}", objective, progress, deadline, stop.Token);
            }
            catch (Exception e)
            {
                lock (errors)
                    errors.Add(e);
                stop.Cancel();
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        Task.WaitAll(workers);
        cancellationToken.ThrowIfCancellationRequested();
        var failure = errors.FirstOrDefault(e => e is not OperationCanceledException) ?? errors.FirstOrDefault();
        if (failure is not null)
            throw errors.Count == 1 ? failure : new AggregateException($"Study '{Options.Name}': the objective threw in {errors.Count} workers.", errors);
        return Result();
    }

    /// <summary>
    /// Runs trials whose parameters are first mapped to an options type by <paramref name="toOptions"/>, e.g.
    /// <c>p =&gt; new NeuralNetworkOptions { LearningRate = p.Float("learning_rate") }</c>, then evaluated by
    /// <paramref name="objective"/>. See <see cref="Optimize(Func{Trial, double}, IProgress{TrialRecord}?, CancellationToken)"/>.
    /// </summary>
    public StudyResult Optimize<TOptions>(Func<ParameterSet, TOptions> toOptions, Func<TOptions, Trial, double> objective,
        IProgress<TrialRecord>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(toOptions);
        ArgumentNullException.ThrowIfNull(objective);
        return Optimize(trial => objective(toOptions(trial.Parameters), trial), progress, cancellationToken);
    }

    /// <summary>Every stored trial of the study as it stands, with the best, the leaderboard and learning curves.</summary>
    public StudyResult Result()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new StudyResult(Options.Name, Options.Direction, Storage.LoadTrials(Options.Name, Space));
    }

    private void RunWorker(string worker, Func<Trial, double> objective, IProgress<TrialRecord>? progress, long deadline, CancellationToken token)
    {
        var context = new StudyContext(Options.Name, worker, Space, Options.Direction, Storage, Options.Pruner);
        var request = new ClaimRequest(Options.Name, worker, Space, Options.MaxTrials, Options.GracePeriod,
            (history, number) => Options.Sampler.Sample(new SamplingContext(Space, Options.Direction, Seed, number, history)));
        while (!token.IsCancellationRequested && Stopwatch.GetTimestamp() < deadline)
        {
            var claim = Storage.Claim(request);
            if (claim.Status is ClaimStatus.BudgetSpent or ClaimStatus.SamplerExhausted)
                return;
            if (claim.Status == ClaimStatus.WaitForRunning)
            {
                // Another worker's trial may still die and come back as a retry: wait for it rather than leave.
                token.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(Math.Min(1000, Options.HeartbeatInterval.TotalMilliseconds)));
                continue;
            }
            var record = RunTrial(context, claim.Trial!, objective, token);
            if (record is not null)
                progress?.Report(record);
        }
    }

    private TrialRecord? RunTrial(StudyContext context, TrialRecord claimed, Func<Trial, double> objective, CancellationToken token)
    {
        var trial = new Trial(context, claimed, token);
        using var heartbeat = new Timer(_ =>
        {
            try
            {
                if (!Storage.Heartbeat(context.Name, trial.Number, context.Worker))
                    trial.MarkLost();
            }
            catch (Exception)
            {
                // A missed heartbeat is retried at the next tick; the grace period absorbs a few.
            }
        }, null, Options.HeartbeatInterval, Options.HeartbeatInterval);
        TrialState state;
        double? value = null;
        string? error = null;
        Exception? rethrow = null;
        try
        {
            var result = objective(trial);
            (state, value, error) = trial.IsPruned ? (TrialState.Pruned, trial.LastValue, null)
                : double.IsFinite(result) ? (TrialState.Complete, result, null)
                : (TrialState.Failed, (double?)null, $"the objective returned {result}; expected a finite value");
        }
        catch (OperationCanceledException) when (trial.IsPruned)
        {
            (state, value) = (TrialState.Pruned, trial.LastValue);
        }
        catch (Exception e) when (trial.IsLost)
        {
            error = e.Message;
            state = TrialState.Failed;
        }
        catch (Exception e)
        {
            (state, error, rethrow) = (TrialState.Failed, token.IsCancellationRequested ? "the study was cancelled" : $"{e.GetType().Name}: {e.Message}", e);
        }
        finally
        {
            heartbeat.Change(Timeout.Infinite, Timeout.Infinite);
        }
        var finished = !trial.IsLost && Storage.Finish(context.Name, trial.Number, context.Worker, state, value, error);
        trial.Release();
        if (rethrow is not null)
            throw rethrow is OperationCanceledException ? rethrow : new TrialFailedException(trial.Number, rethrow);
        return finished ? Storage.LoadTrials(context.Name, Space).FirstOrDefault(t => t.Number == trial.Number) : null;
    }

    /// <summary>Releases the storage when the study made it (and deletes its temporary file).</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (_ownedFile is null)
            return;
        Storage.Dispose();
        foreach (var file in new[] { _ownedFile, _ownedFile + "-wal", _ownedFile + "-shm" })
            if (File.Exists(file))
                File.Delete(file);
    }
}
