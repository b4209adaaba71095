namespace DeepML.Tuning;

/// <summary>
/// Decides, after a trial reports an intermediate value (an epoch's validation metric), whether to stop it early.
/// A pruner is stateless: it reads the trial's learning curve and every stored trial, so it gives the same answer in
/// every process that shares the study.
/// </summary>
public interface IPruner
{
    /// <summary>True to stop the trial now (it ends as <see cref="TrialState.Pruned"/> with its last value).</summary>
    bool ShouldPrune(PruningContext context);
}

/// <summary>What a pruner sees.</summary>
/// <param name="Trial">The running trial, its newest report last in <see cref="TrialRecord.IntermediateValues"/>.</param>
/// <param name="Trials">Every trial of the study (the running one included, as stored).</param>
/// <param name="Direction">Minimize or maximize.</param>
public sealed record PruningContext(TrialRecord Trial, IReadOnlyList<TrialRecord> Trials, StudyDirection Direction);
