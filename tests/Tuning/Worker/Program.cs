// One worker process of a shared study, for the storage tests: several run at once on one database and the test
// kills one mid-trial. Arguments: sqlite|postgres, database (path or connection string), study name, worker id,
// trials (budget), steps per trial, milliseconds per step, heartbeat ms, grace ms.
// The objective is (x − 0.3)² + y, reported once per step; each finished trial prints "finished <number> <state>".
using System.Globalization;
using DeepML.Tuning;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var (kind, database, name, worker) = (args[0], args[1], args[2], args[3]);
int trials = int.Parse(args[4]), steps = int.Parse(args[5]), stepMs = int.Parse(args[6]), heartbeatMs = int.Parse(args[7]), graceMs = int.Parse(args[8]);
using IStudyStorage storage = kind == "postgres" ? new PostgresStudyStorage(database) : new SqliteStudyStorage(database);
var space = new SearchSpace().AddFloat("x", 0, 1).AddInteger("y", 0, 3);
using var study = new Study(space, new StudyOptions
{
    Name = name, Seed = 7, Sampler = new RandomSampler(), Storage = storage, MaxTrials = trials, WorkerId = worker,
    HeartbeatInterval = TimeSpan.FromMilliseconds(heartbeatMs), GracePeriod = TimeSpan.FromMilliseconds(graceMs),
});
Console.WriteLine($"ready {worker}");
study.Optimize(trial =>
{
    var value = Math.Pow(trial.Parameters.Float("x") - 0.3, 2) + trial.Parameters.Integer("y");
    Console.WriteLine($"started {trial.Number}");
    for (var step = 1; step <= steps; step++)
    {
        Thread.Sleep(stepMs);
        trial.Report(step, value + 1.0 / step);
    }
    return value;
}, new SyncProgress(t => Console.WriteLine($"finished {t.Number} {t.State}")));
Console.WriteLine($"done {worker}");

sealed class SyncProgress(Action<TrialRecord> report) : IProgress<TrialRecord>
{
    public void Report(TrialRecord value) => report(value);
}
