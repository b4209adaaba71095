using static DeepML.Tuning.Tests.Pruners.PrunerScenarios;

namespace DeepML.Tuning.Tests.Pruners;

public sealed class MedianPrunerTests
{
    // Completed (minimizing): A 1.0, 0.8, 0.6; B 2.0, 1.0, 0.9; C 3.0, 2.0 (no step 3).
    private static readonly TrialRecord[] Completed =
    [
        Trial(0, TrialState.Complete, (1, 1.0), (2, 0.8), (3, 0.6)),
        Trial(1, TrialState.Complete, (1, 2.0), (2, 1.0), (3, 0.9)),
        Trial(2, TrialState.Complete, (1, 3.0), (2, 2.0)),
    ];

    [Fact]
    public void Prunes_when_the_best_value_so_far_is_worse_than_the_median_at_the_step()
    {
        var pruner = new MedianPruner(startupTrials: 2, warmupSteps: 1);
        Assert.False(Prunes(pruner, StudyDirection.Minimize, Completed, (0, 100.0)));                        // warm-up step
        Assert.False(Prunes(pruner, StudyDirection.Minimize, Completed, (0, 100.0), (1, 1.6)));              // 1.6 < median(1, 2, 3) = 2
        Assert.True(Prunes(pruner, StudyDirection.Minimize, Completed, (0, 100.0), (1, 1.6), (2, 1.5)));     // 1.5 > median(0.8, 1, 2) = 1
        Assert.False(Prunes(pruner, StudyDirection.Minimize, Completed, (1, 1.6), (2, 1.5), (3, 0.7)));      // 0.7 < median(0.6, 0.9) = 0.75
        Assert.True(Prunes(pruner, StudyDirection.Minimize, Completed, (1, 1.6), (2, 1.5), (3, 0.8)));       // 0.8 > 0.75
        Assert.False(Prunes(pruner, StudyDirection.Minimize, Completed, (1, 1.6), (2, 0.9), (3, 5.0), (4, 9.0))); // nobody reported step 4
    }

    [Fact]
    public void Waits_for_its_startup_trials_and_ignores_pruned_and_running_ones()
    {
        var pruner = new MedianPruner(startupTrials: 2);
        TrialRecord[] one = [Completed[0], Trial(5, TrialState.Pruned, (1, 0.1), (2, 0.1)), Trial(6, TrialState.Running, (1, 0.1), (2, 0.1))];
        Assert.False(Prunes(pruner, StudyDirection.Minimize, one, (1, 50.0), (2, 50.0)));
        Assert.True(Prunes(new MedianPruner(startupTrials: 1), StudyDirection.Minimize, one, (1, 50.0), (2, 50.0)));
    }

    [Fact]
    public void Checks_only_at_the_first_report_of_each_interval()
    {
        var pruner = new MedianPruner(startupTrials: 0, warmupSteps: 0, intervalSteps: 2);
        Assert.False(Prunes(pruner, StudyDirection.Minimize, Completed, (0, 9.0), (1, 9.0)));               // step 1 is inside [0, 2)
        Assert.True(Prunes(pruner, StudyDirection.Minimize, Completed, (0, 9.0), (1, 9.0), (2, 9.0)));      // step 2 opens a window
        Assert.True(Prunes(pruner, StudyDirection.Minimize, Completed, (0, 9.0), (3, 9.0)));                // first report in [2, 4)
    }

    [Fact]
    public void Maximizing_mirrors_the_rule()
    {
        TrialRecord[] completed = [Trial(0, TrialState.Complete, (1, 0.80)), Trial(1, TrialState.Complete, (1, 0.70)), Trial(2, TrialState.Complete, (1, 0.90))];
        var pruner = new MedianPruner(startupTrials: 3);
        Assert.True(Prunes(pruner, StudyDirection.Maximize, completed, (1, 0.79)));
        Assert.False(Prunes(pruner, StudyDirection.Maximize, completed, (1, 0.80)));
        Assert.Equal(2.5, MedianPruner.Median([4, 1, 3, 2]));
    }

    [Fact]
    public void Invalid_settings_throw_naming_themselves()
    {
        Assert.Equal("startupTrials", Assert.Throws<ArgumentException>(() => new MedianPruner(startupTrials: -1)).ParamName);
        Assert.Equal("intervalSteps", Assert.Throws<ArgumentException>(() => new MedianPruner(intervalSteps: 0)).ParamName);
    }
}
