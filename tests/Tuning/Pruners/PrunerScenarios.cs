namespace DeepML.Tuning.Tests.Pruners;

/// <summary>Builds stored trials with given learning curves for hand-worked pruning scenarios.</summary>
internal static class PrunerScenarios
{
    public static readonly SearchSpace Space = new SearchSpace().AddFloat("x", 0, 1);

    public static TrialRecord Trial(int number, TrialState state, params (int Step, double Value)[] curve) =>
        new(number, state, RandomSampler.Draw(Space, new Random(number)), state == TrialState.Complete && curve.Length > 0 ? curve[^1].Value : null,
            curve.Select(c => new KeyValuePair<int, double>(c.Step, c.Value)).ToList(), null, null, null, null, null);

    /// <summary>Whether <paramref name="pruner"/> stops trial 99 with <paramref name="curve"/> among <paramref name="others"/>.</summary>
    public static bool Prunes(IPruner pruner, StudyDirection direction, IReadOnlyList<TrialRecord> others, params (int Step, double Value)[] curve)
    {
        var current = Trial(99, TrialState.Running, curve);
        return pruner.ShouldPrune(new PruningContext(current, [.. others, current], direction));
    }
}
