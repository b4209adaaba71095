namespace DeepML.Tuning.Tests.Samplers;

public sealed class GridSamplerTests
{
    [Fact]
    public void Runs_every_point_of_the_product_once_then_ends()
    {
        // 2 optimizers × (adam: 1, sgd: 3 momenta) = 4 branches, × 3 widths = 12 points.
        var space = new SearchSpace().AddCategorical("opt", ["adam", "sgd"]).AddInteger("width", 32, 96, step: 32)
            .AddFloat("momentum", 0.5, 0.9, condition: ParameterCondition.When("opt", "sgd"));
        using var study = new Study(space, new StudyOptions { Sampler = new GridSampler(pointsPerRange: 3), MaxTrials = 100, Seed = 4 });
        var result = study.Optimize(t => t.Parameters.Integer("width"));
        Assert.Equal(12, result.Trials.Count);
        Assert.Equal(12, result.Trials.Select(t => t.Parameters.ToString()).Distinct().Count());
        Assert.Equal([0.5, 0.7, 0.9], result.Trials.Where(t => t.Parameters.Contains("momentum")).Select(t => Math.Round(t.Parameters.Float("momentum"), 10)).Distinct().Order());
        Assert.Equal(9, result.Trials.Count(t => t.Parameters.Categorical("opt") == "sgd"));
    }

    [Fact]
    public void Parallel_workers_on_one_storage_take_each_point_once()
    {
        // Two studies (as two processes would) on one SQLite file, three threads each: 4 × 4 = 16 points, 16 trials.
        var path = Storage.TestDatabases.SqlitePath();
        try
        {
            var space = new SearchSpace().AddInteger("a", 0, 3).AddCategorical("b", ["w", "x", "y", "z"]);
            using var storage = new SqliteStudyStorage(path);
            StudyOptions Options(string worker) => new() { Name = "grid", Sampler = new GridSampler(), MaxTrials = 100, Parallelism = 3, Storage = storage, WorkerId = worker, Seed = 1 };
            using var one = new Study(space, Options("one"));
            using var two = new Study(space, Options("two"));
            Parallel.Invoke(() => one.Optimize(t => { Thread.Sleep(20); return t.Parameters.Integer("a"); }),
                            () => two.Optimize(t => { Thread.Sleep(20); return t.Parameters.Integer("a"); }));
            var trials = one.Result().Trials;
            Assert.Equal(16, trials.Count);
            Assert.Equal(16, trials.Select(t => t.Parameters.ToString()).Distinct().Count());
            Assert.Equal(2, trials.Select(t => t.Worker!.Split('#')[0]).Distinct().Count());
        }
        finally
        {
            Storage.TestDatabases.Cleanup(path);
        }
    }

    [Fact]
    public void Float_points_are_evenly_spaced_and_log_points_geometric()
    {
        var grid = new GridSampler(pointsPerRange: 3);
        Assert.Equal([0.0, 0.5, 1.0], grid.Values(new SearchSpace().AddFloat("x", 0, 1)["x"]));
        var log = grid.Values(new SearchSpace().AddFloat("lr", 1e-4, 1e-2, log: true)["lr"]).ToArray();
        Assert.Equal(1e-4, log[0]);
        Assert.Equal(1e-3, log[1], 1e-12);
        Assert.Equal(1e-2, log[2]);
    }
}
