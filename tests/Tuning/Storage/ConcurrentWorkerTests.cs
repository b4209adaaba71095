using System.Diagnostics;
using System.Reflection;

namespace DeepML.Tuning.Tests.Storage;

/// <summary>
/// Real processes on one study: three workers (tests/Tuning/Worker) share a SQLite file or the PostgreSQL server,
/// one is killed mid-trial; every planned trial must finish exactly once, the killed one failed and retried by another.
/// </summary>
public sealed class ConcurrentWorkerTests
{
    private const int Trials = 9;
    private static readonly SearchSpace Space = new SearchSpace().AddFloat("x", 0, 1).AddInteger("y", 0, 3);

    [Fact]
    public void Sqlite_workers_share_a_study_and_a_killed_workers_trial_is_retried_once()
    {
        var path = TestDatabases.SqlitePath();
        try
        {
            using var storage = new SqliteStudyStorage(path);
            Run("sqlite", path, storage);
        }
        finally
        {
            TestDatabases.Cleanup(path);
        }
    }

    [ContractFact]
    public void Postgres_workers_share_a_study_and_a_killed_workers_trial_is_retried_once()
    {
        var connection = TestDatabases.PostgresConnectionString();
        using var storage = new PostgresStudyStorage(connection);
        Run("postgres", connection, storage);
    }

    private static void Run(string kind, string database, IStudyStorage storage)
    {
        var study = TestDatabases.UniqueStudy("workers");
        var workers = Enumerable.Range(0, 3).Select(i => Start(kind, database, study, $"w{i}")).ToList();
        try
        {
            // Kill w0 once it is inside a trial that has reported a step (so the trial is really mid-way).
            var watch = Stopwatch.StartNew();
            int? killed = null;
            while (killed is null && watch.Elapsed < TimeSpan.FromSeconds(60))
            {
                Thread.Sleep(50);
                if (!storage.StudyNames().Contains(study))
                    continue;
                var running = storage.LoadTrials(study, Space).FirstOrDefault(t => t.State == TrialState.Running && t.Worker == "w0" && t.IntermediateValues.Count > 0);
                if (running is null)
                    continue;
                workers[0].Process.Kill(entireProcessTree: true);
                killed = running.Number;
            }
            Assert.True(killed is not null, "w0 never ran a trial within 60 s.");
            foreach (var (process, _) in workers.Skip(1))
                Assert.True(process.WaitForExit(TimeSpan.FromSeconds(90)), "a worker did not finish within 90 s");
            foreach (var (process, output) in workers.Skip(1))
                Assert.True(process.ExitCode == 0, $"worker exited with {process.ExitCode}:\n{output}");

            var trials = storage.LoadTrials(study, Space);
            Assert.Equal(Enumerable.Range(0, trials.Count), trials.Select(t => t.Number));          // no gaps, no duplicates
            Assert.Equal(Trials, trials.Count(t => t.RetryOf is null));                            // the budget, exactly
            Assert.Equal(Trials + 1, trials.Count);                                               // plus one retry
            var failed = Assert.Single(trials, t => t.State == TrialState.Failed);
            Assert.Equal(killed, failed.Number);
            Assert.Equal("w0", failed.Worker);
            Assert.StartsWith("worker 'w0' stopped sending heartbeats", failed.Error);
            var retry = Assert.Single(trials, t => t.RetryOf == killed);
            Assert.Equal(TrialState.Complete, retry.State);
            Assert.NotEqual("w0", retry.Worker);
            Assert.Equal(failed.Parameters.ToString(), retry.Parameters.ToString());
            var complete = trials.Where(t => t.State == TrialState.Complete).ToList();
            Assert.Equal(Trials, complete.Count);
            Assert.Equal(Trials, complete.Select(t => t.Parameters.ToString()).Distinct().Count()); // each planned point once
            foreach (var t in complete)
                Assert.Equal(Math.Pow(t.Parameters.Float("x") - 0.3, 2) + t.Parameters.Integer("y"), t.Value!.Value, 12);
            // Each trial was finished by exactly one process.
            var finishedLines = workers.SelectMany(w => w.Output.ToString().Split('\n')).Where(l => l.StartsWith("finished ")).ToList();
            Assert.Equal(complete.Select(t => t.Number).Order(), finishedLines.Select(l => int.Parse(l.Split(' ')[1])).Order());
        }
        finally
        {
            foreach (var (process, _) in workers)
            {
                if (!process.HasExited)
                    process.Kill(entireProcessTree: true);
                process.Dispose();
            }
        }
    }

    private static (Process Process, System.Text.StringBuilder Output) Start(string kind, string database, string study, string worker)
    {
        var dll = typeof(ConcurrentWorkerTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "TuningWorkerPath").Value!;
        Assert.True(File.Exists(dll), $"The worker is not built at {dll}.");
        // Trials of 4 steps × 150 ms; heartbeat every 200 ms; a worker silent for 1.5 s is dead.
        var start = new ProcessStartInfo("dotnet", [dll, kind, database, study, worker, Trials.ToString(), "4", "150", "200", "1500"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        var process = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, output);
    }
}
