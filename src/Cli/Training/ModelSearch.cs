using System.Diagnostics;
using DeepML.Cli.Data;
using DeepML.Cli.Featurization;
using DeepML.Tuning;
using Microsoft.ML;
using TrialState = DeepML.Cli.Training.TrialState;

namespace DeepML.Cli.Training;

/// <summary>What <see cref="ModelSearch"/> reports as it goes.</summary>
/// <param name="Trial">The trial that just ended.</param>
/// <param name="Best">The best completed trial so far.</param>
/// <param name="Elapsed">Time since the search began.</param>
/// <param name="Budget">The budget.</param>
internal sealed record SearchProgress(TrialResult Trial, TrialResult? Best, TimeSpan Elapsed, TimeSpan Budget);

/// <summary>
/// Runs candidates within a time budget and keeps the best by the task's main metric, scored as
/// <see cref="Selection"/> says: ML.NET's default FastTree first (the baseline), then LightGBM's defaults, then the DeepML
/// networks and LightGBM settings of <see cref="CandidateProposals"/> until the budget is spent. A
/// network trial is cancelled when the budget runs out (the first one gets at least
/// <see cref="FirstNetworkMinimum"/>, so that every search trains one network); tree trials cannot be
/// interrupted, so a LightGBM proposal starts only when twice the default LightGBM's time (scaled by its
/// rounds) is left.
/// </summary>
internal sealed class ModelSearch(MLContext ml, TaskDescription task, FeaturePipeline features, string device)
{
    /// <summary>The least time the first network trial gets, even past the budget.</summary>
    public static readonly TimeSpan FirstNetworkMinimum = TimeSpan.FromSeconds(20);

    public List<TrialResult> Trials { get; } = [];

    public TrainedModel? Best { get; private set; }

    /// <summary>The default FastTree's trained model (the baseline).</summary>
    public TrainedModel? Baseline { get; private set; }

    /// <summary>The best DeepML network (for ONNX export when a tree wins).</summary>
    public TrainedModel? BestNetwork { get; private set; }

    /// <summary>
    /// Searches within <paramref name="budget"/>, then trains the final models of the best, the baseline and the
    /// best network (outside the budget). The tuning study lives in <paramref name="studyPath"/> (SQLite), started afresh.
    /// </summary>
    public void Run(Selection selection, TimeSpan budget, int seed, string studyPath, IProgress<SearchProgress>? progress, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        var remaining = () => budget - clock.Elapsed;
        Try(new Candidate.FastTree(), selection, cancel, cancel, isBaseline: true);
        Report();
        if (remaining() > TimeSpan.Zero)
        {
            Try(new Candidate.LightGbm(), selection, cancel, cancel);
            Report();
        }
        var rows = selection.Rows.Train;
        var first = true;
        foreach (var network in CandidateProposals.HandPicked(rows, device))
        {
            var left = remaining();
            if (!first && left < TimeSpan.FromSeconds(5))
                break;
            TryWithin(network, first && left < FirstNetworkMinimum ? FirstNetworkMinimum : left);
            first = false;
            Report();
        }
        if (remaining() > TimeSpan.FromSeconds(5))
            Tune(selection, rows, seed, studyPath, remaining, Report, cancel);

        Best = Finish(Best, selection, cancel);
        Baseline = Baseline?.Trial == Best?.Trial ? Best : Finish(Baseline, selection, cancel);
        BestNetwork = BestNetwork?.Trial == Best?.Trial ? Best : Finish(BestNetwork, selection, cancel);

        void Report() => progress?.Report(new SearchProgress(Trials[^1], Best?.Trial, clock.Elapsed, budget));

        TrialResult TryWithin(Candidate candidate, TimeSpan limit)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            deadline.CancelAfter(limit);
            return Try(candidate, selection, deadline.Token, cancel);
        }
    }

    /// <summary>What the tuning study is: its sampler, pruner and storage, for the report.</summary>
    public string TuningDescription { get; private set; } = "no tuning (the budget ran out before it)";

    /// <summary>
    /// TPE (Optuna's defaults) over <see cref="TunedProposals.Space"/> for the rest of the budget. With a held-out
    /// split, network trials report each epoch to an ASHA pruner (rungs at 2, 6, 18, … epochs, a third go on);
    /// cross-validated trials are not pruned (one fit per fold has no single learning curve).
    /// </summary>
    private void Tune(Selection selection, long rows, int seed, string studyPath, Func<TimeSpan> remaining, Action report, CancellationToken cancel)
    {
        if (File.Exists(studyPath))
            File.Delete(studyPath);
        var prune = selection.Rows.Validation > 0;
        using var study = ml.DeepML().Tuning.CreateStudy(TunedProposals.Space(rows), new StudyOptions
        {
            Name = $"deepml train ({task.Task}, label {task.LabelColumn})",
            Direction = StudyDirection.Maximize,
            Seed = seed,
            Sampler = new TpeSampler(),
            Pruner = prune ? new SuccessiveHalvingPruner(minResource: 2, reductionFactor: 3) : null,
            Storage = ml.DeepML().Tuning.SqliteStorage(studyPath),
            TimeBudget = remaining(),
        });
        TuningDescription = $"TPE (Optuna's defaults) over DeepML and LightGBM settings{(prune ? ", ASHA pruning of network trials by their per-epoch metric" : "")}; the study is stored in {Path.GetFileName(studyPath)}";
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        try
        {
            study.Optimize(trial =>
            {
                if (remaining() < TimeSpan.FromSeconds(1))
                {
                    stop.Cancel(); // the study may start one more trial at its deadline: end it instead
                    return double.NaN;
                }
                // A cross-validated network fits once per fold: its epochs are not one curve, so it does not report them.
                var candidate = TunedProposals.For(trial.Parameters, rows, device, prune ? trial : null);
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
                deadline.CancelAfter(remaining());
                var result = Try(candidate, selection, deadline.Token, cancel, pruned: () => trial.IsPruned);
                report();
                return result.State == TrialState.Completed ? result.ValidationMetric : double.NaN; // NaN: the study records a failure
            }, cancellationToken: stop.Token);
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
        }
    }

    /// <summary>The final model of a chosen trial, refitted on every training row (outside the budget); a tuned network no longer reports to its trial.</summary>
    private TrainedModel? Finish(TrainedModel? chosen, Selection selection, CancellationToken cancel)
    {
        if (chosen is null)
            return null;
        var candidate = chosen.Candidate is Candidate.Network network ? network.Untied() : chosen.Candidate;
        var estimator = features.Build(ml, candidate.WantsNetworkFeatures).Append(candidate.Trainer(ml, task.Task, [], cancel));
        return chosen with { Model = selection.Final(estimator, chosen.Model) };
    }

    /// <summary>
    /// Scores one candidate; <paramref name="token"/> ends it for the budget (recorded as out of time, or as pruned
    /// when <paramref name="pruned"/> says so), <paramref name="userToken"/> ends the search.
    /// </summary>
    private TrialResult Try(Candidate candidate, Selection selection, CancellationToken token, CancellationToken userToken, bool isBaseline = false, Func<bool>? pruned = null)
    {
        var curve = new List<CurvePoint>();
        var number = Trials.Count + 1;
        var timer = Stopwatch.StartNew();
        TrialResult trial;
        ITransformer? model = null;
        try
        {
            var estimator = features.Build(ml, candidate.WantsNetworkFeatures).Append(candidate.Trainer(ml, task.Task, curve, token));
            (var metric, model) = selection.Score(estimator);
            trial = new TrialResult(number, candidate.Family, candidate.Description, TrialState.Completed, metric, timer.Elapsed.TotalSeconds);
        }
        catch (OperationCanceledException) when (!userToken.IsCancellationRequested)
        {
            var state = pruned?.Invoke() == true ? TrialState.Pruned : TrialState.OutOfTime;
            trial = new TrialResult(number, candidate.Family, candidate.Description, state, double.NaN, timer.Elapsed.TotalSeconds);
        }
        catch (Exception e) when (e is not OutOfMemoryException && !userToken.IsCancellationRequested)
        {
            trial = new TrialResult(number, candidate.Family, candidate.Description, TrialState.Failed, double.NaN, timer.Elapsed.TotalSeconds) { Error = $"{e.GetType().Name}: {e.Message}" };
        }
        trial = trial with { Curve = [.. curve], IsBaseline = isBaseline };
        Trials.Add(trial);
        if (trial.State != TrialState.Completed)
            return trial;
        var trained = new TrainedModel(trial, model, candidate);
        if (isBaseline)
            Baseline = trained;
        if (Best is null || trial.ValidationMetric > Best.Trial.ValidationMetric)
            Best = trained;
        if (candidate is Candidate.Network && (BestNetwork is null || trial.ValidationMetric > BestNetwork.Trial.ValidationMetric))
            BestNetwork = trained;
        return trial;
    }
}
