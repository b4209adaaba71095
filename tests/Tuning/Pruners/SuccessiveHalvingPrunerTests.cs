using static DeepML.Tuning.Tests.Pruners.PrunerScenarios;

namespace DeepML.Tuning.Tests.Pruners;

public sealed class SuccessiveHalvingPrunerTests
{
    // Maximizing, η = 2, rungs at steps 1, 2, 4, 8. A crossed rungs 0–2, B rungs 0–1, C rung 0.
    private static readonly TrialRecord[] Others =
    [
        Trial(0, TrialState.Complete, (1, 0.70), (2, 0.75), (3, 0.78), (4, 0.80)),
        Trial(1, TrialState.Pruned, (1, 0.60), (2, 0.62)),
        Trial(2, TrialState.Running, (1, 0.65)),
    ];

    private static readonly SuccessiveHalvingPruner Pruner = new(minResource: 1, reductionFactor: 2);

    [Fact]
    public void Rungs_sit_at_min_resource_times_eta_to_the_k_plus_s()
    {
        Assert.Equal([1L, 2, 4, 8], Enumerable.Range(0, 4).Select(Pruner.RungStep));
        var shifted = new SuccessiveHalvingPruner(minResource: 2, reductionFactor: 3, minEarlyStoppingRate: 1);
        Assert.Equal([6L, 18, 54], Enumerable.Range(0, 3).Select(shifted.RungStep));
    }

    [Fact]
    public void A_trial_goes_on_only_in_the_top_one_over_eta_of_its_rung()
    {
        // Rung 0 holds 0.70, 0.60, 0.65 and the new value: 4 values, top ⌊4/2⌋ = 2 go on.
        Assert.False(Prunes(Pruner, StudyDirection.Maximize, Others, (1, 0.66)));   // second of 0.70, 0.66, 0.65, 0.60
        Assert.True(Prunes(Pruner, StudyDirection.Maximize, Others, (1, 0.64)));    // third
        // Rung 1 (step 2) holds 0.75, 0.62 and the new value: ⌊3/2⌋ = 1, only the best goes on.
        Assert.True(Prunes(Pruner, StudyDirection.Maximize, Others, (1, 0.66), (2, 0.70)));
        Assert.False(Prunes(Pruner, StudyDirection.Maximize, Others, (1, 0.66), (2, 0.76)));
        // Step 3 is between rungs: never pruned, however bad.
        Assert.False(Prunes(Pruner, StudyDirection.Maximize, Others, (1, 0.66), (2, 0.76), (3, 0.01)));
    }

    [Fact]
    public void Early_arrivals_are_promoted_and_minimizing_mirrors()
    {
        Assert.False(Prunes(Pruner, StudyDirection.Maximize, [], (1, 0.01)));      // alone at the rung: the top one
        TrialRecord[] losses = [Trial(0, TrialState.Complete, (1, 1.0)), Trial(1, TrialState.Complete, (1, 2.0)), Trial(2, TrialState.Complete, (1, 3.0))];
        Assert.False(Prunes(Pruner, StudyDirection.Minimize, losses, (1, 1.5)));   // 1.0, 1.5 | 2.0, 3.0
        Assert.True(Prunes(Pruner, StudyDirection.Minimize, losses, (1, 2.5)));
    }

    [Fact]
    public void A_trial_that_skipped_past_a_rung_competes_with_its_first_value_beyond_it()
    {
        // A first report at step 3 crosses rungs 0 (step 1) and 1 (step 2): it competes at rung 0, then at rung 1.
        TrialRecord[] others = [Trial(0, TrialState.Complete, (1, 0.9), (2, 0.95)), Trial(1, TrialState.Complete, (1, 0.8), (2, 0.9)), Trial(2, TrialState.Complete, (1, 0.7), (2, 0.88))];
        Assert.True(Prunes(Pruner, StudyDirection.Maximize, others, (3, 0.75)));   // rung 0: 0.9, 0.8 | 0.75, 0.7
        Assert.True(Prunes(Pruner, StudyDirection.Maximize, others, (3, 0.85)));   // rung 0: 0.9, 0.85 | …; rung 1: 0.95, 0.9 | 0.88, 0.85
        Assert.False(Prunes(Pruner, StudyDirection.Maximize, others, (3, 0.92)));  // top two at both rungs
    }
}
