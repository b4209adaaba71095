using System.Diagnostics;
using DeepML.Cli.Data;
using DeepML.Cli.Featurization;
using Microsoft.ML;

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

    /// <summary>Searches within <paramref name="budget"/>, then trains the final models of the best, the baseline and the best network (outside the budget).</summary>
    public void Run(Selection selection, TimeSpan budget, int seed, IProgress<SearchProgress>? progress, CancellationToken cancel)
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
        var lightGbmSecondsPerRound = Trials.LastOrDefault(t => t.Family == "LightGBM")?.Seconds / 200 ?? 0.05;
        var first = true;
        foreach (var candidate in CandidateProposals.For(rows, seed, device))
        {
            var left = remaining();
            if (!first && left < TimeSpan.FromSeconds(5))
                break;
            if (candidate is Candidate.LightGbm tree)
            {
                if (left.TotalSeconds > 2 * lightGbmSecondsPerRound * tree.Rounds)
                {
                    Try(tree, selection, cancel, cancel);
                    Report();
                }
                continue;
            }
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            deadline.CancelAfter(first && left < FirstNetworkMinimum ? FirstNetworkMinimum : left);
            Try(candidate, selection, deadline.Token, cancel);
            first = false;
            Report();
        }

        Best = Finish(Best, selection, cancel);
        Baseline = Baseline?.Trial == Best?.Trial ? Best : Finish(Baseline, selection, cancel);
        BestNetwork = BestNetwork?.Trial == Best?.Trial ? Best : Finish(BestNetwork, selection, cancel);

        void Report() => progress?.Report(new SearchProgress(Trials[^1], Best?.Trial, clock.Elapsed, budget));
    }

    private TrainedModel? Finish(TrainedModel? chosen, Selection selection, CancellationToken cancel)
    {
        if (chosen is null || chosen.Model is not null)
            return chosen;
        var estimator = features.Build(ml, chosen.Candidate.StandardizesFeatures).Append(chosen.Candidate.Trainer(ml, task.Task, [], cancel));
        return chosen with { Model = selection.Final(estimator, null) };
    }

    /// <summary>Scores one candidate; <paramref name="token"/> ends it for the budget (recorded as out of time), <paramref name="userToken"/> ends the search.</summary>
    private void Try(Candidate candidate, Selection selection, CancellationToken token, CancellationToken userToken, bool isBaseline = false)
    {
        var curve = new List<CurvePoint>();
        var number = Trials.Count + 1;
        var timer = Stopwatch.StartNew();
        TrialResult trial;
        ITransformer? model = null;
        try
        {
            var estimator = features.Build(ml, candidate.StandardizesFeatures).Append(candidate.Trainer(ml, task.Task, curve, token));
            (var metric, model) = selection.Score(estimator);
            trial = new TrialResult(number, candidate.Family, candidate.Description, TrialState.Completed, metric, timer.Elapsed.TotalSeconds);
        }
        catch (OperationCanceledException) when (!userToken.IsCancellationRequested)
        {
            trial = new TrialResult(number, candidate.Family, candidate.Description, TrialState.OutOfTime, double.NaN, timer.Elapsed.TotalSeconds);
        }
        catch (Exception e) when (e is not OutOfMemoryException && !userToken.IsCancellationRequested)
        {
            trial = new TrialResult(number, candidate.Family, candidate.Description, TrialState.Failed, double.NaN, timer.Elapsed.TotalSeconds) { Error = $"{e.GetType().Name}: {e.Message}" };
        }
        trial = trial with { Curve = [.. curve], IsBaseline = isBaseline };
        Trials.Add(trial);
        if (trial.State != TrialState.Completed)
            return;
        var trained = new TrainedModel(trial, model, candidate);
        if (isBaseline)
            Baseline = trained;
        if (Best is null || trial.ValidationMetric > Best.Trial.ValidationMetric)
            Best = trained;
        if (candidate is Candidate.Network && (BestNetwork is null || trial.ValidationMetric > BestNetwork.Trial.ValidationMetric))
            BestNetwork = trained;
    }
}
