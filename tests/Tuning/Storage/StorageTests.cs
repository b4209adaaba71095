namespace DeepML.Tuning.Tests.Storage;

public sealed class StorageTests
{
    private static readonly SearchSpace Space = new SearchSpace().AddFloat("x", -3, 3).AddCategorical("kind", ["a", "b"]);

    [Fact]
    public void Sqlite_study_resumes_after_reopening_with_numbering_and_history()
    {
        var path = TestDatabases.SqlitePath();
        try
        {
            StudyResult first;
            using (var storage = new SqliteStudyStorage(path))
            using (var study = new Study(Space, new StudyOptions { Name = "resume", Seed = 9, Storage = storage, MaxTrials = 12 }))
                first = study.Optimize(t => Math.Pow(t.Parameters.Float("x") - 1, 2));
            using var reopened = new SqliteStudyStorage(path);
            using var resumed = new Study(Space, new StudyOptions { Name = "resume", Seed = 9, Storage = reopened, MaxTrials = 15 });
            var result = resumed.Optimize(t => Math.Pow(t.Parameters.Float("x") - 1, 2));
            Assert.Equal(Enumerable.Range(0, 15), result.Trials.Select(t => t.Number));
            Assert.Equal(first.Trials.Select(t => t.Parameters.ToString()), result.Trials.Take(12).Select(t => t.Parameters.ToString()));
            // Trials 12–14 come from TPE over the 12 stored trials, not from a fresh start: a fresh study of the same seed
            // would draw trial 12 at random, and TPE's proposal is the one the stored history gives.
            var history = result.Trials.Take(12).ToList();
            var expected = new TpeSampler().Sample(new SamplingContext(Space, StudyDirection.Minimize, 9, 12, history))!;
            Assert.Equal(expected.ToString(), result.Trials[12].Parameters.ToString());
            Assert.NotEqual(RandomSampler.Draw(Space, SamplingContext.RandomFor(9, 12)).ToString(), result.Trials[12].Parameters.ToString());
        }
        finally
        {
            TestDatabases.Cleanup(path);
        }
    }

    [Fact]
    public void Sqlite_refuses_a_stored_study_with_another_space_or_direction() => WithSqlite(RefusesAnotherSpaceOrDirection);

    [ContractFact]
    public void Postgres_refuses_a_stored_study_with_another_space_or_direction() => WithPostgres(RefusesAnotherSpaceOrDirection);

    [Fact]
    public void Sqlite_fails_a_dead_workers_trial_and_retries_it_exactly_once() => WithSqlite(RetriesDeadTrialOnce);

    [ContractFact]
    public void Postgres_fails_a_dead_workers_trial_and_retries_it_exactly_once() => WithPostgres(RetriesDeadTrialOnce);

    [Fact]
    public void Sqlite_that_cannot_be_opened_names_the_path()
    {
        var path = Path.Combine(Path.GetTempPath(), $"no-such-folder-{Guid.NewGuid():N}", "study.db");
        var e = Assert.Throws<InvalidOperationException>(() => new SqliteStudyStorage(path));
        Assert.StartsWith($"SqliteStudyStorage: cannot open the study database '{path}': ", e.Message);
        Assert.EndsWith("Check that the folder exists and is writable, and that the file is a SQLite database.", e.Message);
    }

    [ContractFact]
    public void Postgres_that_refuses_the_login_names_the_server_without_the_password()
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(TestDatabases.PostgresConnectionString()) { Password = "wrong-secret-4711" };
        var e = Assert.Throws<InvalidOperationException>(() => new PostgresStudyStorage(builder.ConnectionString));
        Assert.StartsWith($"PostgresStudyStorage: cannot open the study database PostgreSQL 'Host={builder.Host};Port={builder.Port};Database={builder.Database};Username={builder.Username}': ", e.Message);
        Assert.DoesNotContain("wrong-secret-4711", e.Message);
    }

    private static void RefusesAnotherSpaceOrDirection(IStudyStorage storage)
    {
        var name = TestDatabases.UniqueStudy("space");
        storage.OpenStudy(name, StudyDirection.Minimize, Space);
        storage.OpenStudy(name, StudyDirection.Minimize, Space);   // the same space opens again
        var other = new SearchSpace().AddFloat("x", -3, 4).AddCategorical("kind", ["a", "b"]);
        var e = Assert.Throws<InvalidOperationException>(() => storage.OpenStudy(name, StudyDirection.Minimize, other));
        Assert.Equal($"Study '{name}' in {storage.Location} was created with another search space.\n  stored: {Space.Signature}\n  given:  {other.Signature}\nUse the stored space to resume it, or a new study name for the new space.", e.Message);
        var direction = Assert.Throws<InvalidOperationException>(() => storage.OpenStudy(name, StudyDirection.Maximize, Space));
        Assert.Equal($"Study '{name}' in {storage.Location} was created to minimize, not to maximize. Use the stored direction, or a new study name.", direction.Message);
    }

    private static void RetriesDeadTrialOnce(IStudyStorage storage)
    {
        var name = TestDatabases.UniqueStudy("dead");
        storage.OpenStudy(name, StudyDirection.Minimize, Space);
        var grace = TimeSpan.FromMilliseconds(300);
        ClaimRequest Request(string worker) => new(name, worker, Space, 1, grace, (history, number) => RandomSampler.Draw(Space, SamplingContext.RandomFor(1, number)));

        var a = storage.Claim(Request("A"));
        Assert.Equal((ClaimStatus.Claimed, 0), (a.Status, a.Trial!.Number));
        Assert.Equal(ClaimStatus.WaitForRunning, storage.Claim(Request("B")).Status);   // budget 1 is taken, A is alive
        Thread.Sleep(grace * 2);                                                       // A goes silent
        var b = storage.Claim(Request("B"));
        Assert.Equal((ClaimStatus.Claimed, 1, 0), (b.Status, b.Trial!.Number, b.Trial.RetryOf));
        Assert.Equal(a.Trial.Parameters.ToString(), b.Trial.Parameters.ToString());
        Assert.False(storage.Heartbeat(name, 0, "A"));                                 // A comes back: the trial is not its any more
        Assert.False(storage.Finish(name, 0, "A", TrialState.Complete, 1.0, null));
        Assert.True(storage.Report(name, 1, "B", 1, 0.5));
        Thread.Sleep(grace * 2);                                                       // B dies too: a retry is not retried
        Assert.Equal(ClaimStatus.BudgetSpent, storage.Claim(Request("C")).Status);
        var trials = storage.LoadTrials(name, Space);
        Assert.Equal([TrialState.Failed, TrialState.Failed], trials.Select(t => t.State));
        Assert.Equal("worker 'A' stopped sending heartbeats for longer than the grace period (0.3 s); presumed dead; its parameters are re-queued once", trials[0].Error);
        Assert.EndsWith("presumed dead; a retry is not retried again", trials[1].Error);
        Assert.Equal([new KeyValuePair<int, double>(1, 0.5)], trials[1].IntermediateValues);
    }

    private static void WithSqlite(Action<IStudyStorage> test)
    {
        var path = TestDatabases.SqlitePath();
        try
        {
            using var storage = new SqliteStudyStorage(path);
            test(storage);
        }
        finally
        {
            TestDatabases.Cleanup(path);
        }
    }

    private static void WithPostgres(Action<IStudyStorage> test)
    {
        using var storage = new PostgresStudyStorage(TestDatabases.PostgresConnectionString());
        test(storage);
    }
}
