namespace DeepML.Tuning.Tests.Studies;

public sealed class StudyTests
{
    private static readonly SearchSpace Space = new SearchSpace().AddFloat("x", -2, 2).AddInteger("n", 1, 4);

    [Fact]
    public void Budgets_and_spaces_are_checked_when_the_study_is_made()
    {
        var zero = Assert.Throws<ArgumentException>(() => new StudyOptions { MaxTrials = 0 });
        Assert.Equal("StudyOptions: MaxTrials must be at least 1 (or null for no limit), got 0. Give a positive trial budget. (Parameter 'MaxTrials')", zero.Message);
        Assert.Equal("TimeBudget", Assert.Throws<ArgumentException>(() => new StudyOptions { TimeBudget = TimeSpan.Zero }).ParamName);
        var none = Assert.Throws<ArgumentException>(() => new Study(Space, new StudyOptions()));
        Assert.StartsWith("StudyOptions: no budget; expected MaxTrials, TimeBudget or both.", none.Message);
        var empty = Assert.Throws<InvalidOperationException>(() => new Study(new SearchSpace(), new StudyOptions { MaxTrials = 3 }));
        Assert.Equal("SearchSpace: the space is empty; expected at least one parameter. Add parameters with AddFloat, AddInteger or AddCategorical before optimizing.", empty.Message);
        Assert.Contains("must be shorter than GracePeriod", Assert.Throws<ArgumentException>(() => new Study(Space, new StudyOptions { MaxTrials = 1, HeartbeatInterval = TimeSpan.FromMinutes(2) })).Message);
    }

    [Fact]
    public void Parallel_trials_in_one_process_share_the_budget_without_duplicates()
    {
        using var study = new Study(Space, new StudyOptions { Sampler = new RandomSampler(), MaxTrials = 12, Parallelism = 3, Seed = 2, WorkerId = "p" });
        var concurrent = 0;
        var peak = 0;
        var result = study.Optimize(t =>
        {
            var now = Interlocked.Increment(ref concurrent);
            InterlockedMax(ref peak, now);
            Thread.Sleep(60);
            Interlocked.Decrement(ref concurrent);
            return t.Parameters.Float("x") * t.Parameters.Integer("n");
        });
        Assert.Equal(Enumerable.Range(0, 12), result.Trials.Select(t => t.Number));
        Assert.All(result.Trials, t => Assert.Equal(TrialState.Complete, t.State));
        Assert.True(peak >= 2, $"at most {peak} trial ran at once with Parallelism = 3");
        Assert.Equal(["p#0", "p#1", "p#2"], result.Trials.Select(t => t.Worker!).Distinct().Order());
        // With random sampling each trial's parameters depend on the seed and its number only, whoever ran it.
        Assert.All(result.Trials, t => Assert.Equal(RandomSampler.Draw(Space, SamplingContext.RandomFor(2, t.Number)).ToString(), t.Parameters.ToString()));
        Assert.Equal(result.Trials.Min(t => t.Value), result.Best!.Value);
    }

    [Fact]
    public void A_time_budget_starts_no_trial_after_the_deadline()
    {
        using var study = new Study(Space, new StudyOptions { TimeBudget = TimeSpan.FromSeconds(1), Seed = 1 });
        var start = DateTime.UtcNow;
        var result = study.Optimize(t => { Thread.Sleep(150); return t.Parameters.Float("x"); });
        Assert.InRange(result.Trials.Count, 2, 8);
        Assert.All(result.Trials, t => Assert.True(t.Started!.Value < start.AddSeconds(1.05), $"trial {t.Number} started {(t.Started.Value - start).TotalSeconds:F2} s in"));
    }

    [Fact]
    public void A_throwing_objective_fails_its_trial_and_stops_the_study_and_a_non_finite_value_fails_only_the_trial()
    {
        using var study = new Study(Space, new StudyOptions { MaxTrials = 10, Seed = 1 });
        var e = Assert.Throws<TrialFailedException>(() => study.Optimize(t => t.Number switch
        {
            0 => double.NaN,
            1 => 1.0,
            _ => throw new InvalidDataException("bad batch"),
        }));
        Assert.Equal("Trial 2 failed: the objective threw InvalidDataException: bad batch", e.Message);
        var trials = study.Result().Trials;
        Assert.Equal([TrialState.Failed, TrialState.Complete, TrialState.Failed], trials.Select(t => t.State));
        Assert.Equal("the objective returned NaN; expected a finite value", trials[0].Error);
        Assert.Equal("InvalidDataException: bad batch", trials[2].Error);
    }

    [Fact]
    public void Reports_go_to_the_pruner_and_a_pruned_trial_keeps_its_last_value()
    {
        // Trial 0 completes; trial 1 reports a worse curve and the median rule stops it at step 2, its first after the warm-up.
        using var study = new Study(Space, new StudyOptions { MaxTrials = 2, Seed = 1, Pruner = new MedianPruner(startupTrials: 1, warmupSteps: 2) });
        var result = study.Optimize(t =>
        {
            for (var step = 1; step <= 5; step++)
            {
                var value = t.Number == 0 ? 10.0 / step : 30.0;
                if (t.Report(step, value))
                {
                    Assert.True(t.CancellationToken.IsCancellationRequested);
                    t.ThrowIfPruned();
                }
            }
            return 2.0;
        });
        Assert.Equal(TrialState.Complete, result.Trials[0].State);
        Assert.Equal(2.0, result.Trials[0].Value);
        var pruned = result.Trials[1];
        Assert.Equal(TrialState.Pruned, pruned.State);
        Assert.Equal(30.0, pruned.Value);                                    // step 2: best 30 > median {5}
        Assert.Equal([1, 2], pruned.IntermediateValues.Select(v => v.Key));
        Assert.Equal(result.Trials[0], result.Best);
        Assert.Equal(7, result.TotalSteps);
        Assert.Equal(2, result.LearningCurves.Count);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
