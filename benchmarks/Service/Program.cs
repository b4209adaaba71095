// The service under load on loopback: per-request scoring (BatchWindowMs = 0) against micro-batching
// (2 ms), 64 concurrent clients each posting one row at a time, for two model sizes; then 20 hot
// reloads under load (two different model zips swapped in atomically). Prints `name: value` lines.
//   dotnet run --project benchmarks/Service -c Release -- [seconds per run, default 10] [epochs, default 8] [reloads, default 20] [ONNX Runtime intra-op threads, default 1]
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using DeepML;
using DeepML.Examples;
using DeepML.Examples.Service;
using DeepML.Service.Benchmarks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML;
using Microsoft.ML.Data;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10;
var epochs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 8;
const int Clients = 64;
var reloads = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20;
var intraOpThreads = args.Length > 3 ? args[3] : "1"; // 0 lets ONNX Runtime choose; with 64 concurrent per-request runs, 1 is its best setting
Print("intra_op_threads", intraOpThreads);
var folder = Directory.CreateTempSubdirectory("deepml-service-bench-").FullName;
Print("processor_count", Environment.ProcessorCount);
Print("load_average_at_start", LoadAverage());

// Models of the Adult MLP pipeline (examples/Service --train-adult trains the first one): the usual
// [128, 64] network, and two large ones ([2048, 2048, 2048], different seeds, ~36 MB of weights each)
// for which scoring, not HTTP, is the cost of a request, as for larger production networks.
var adult = Path.Combine(folder, "adult.zip");
var wideA = Path.Combine(folder, "large-a.zip");
var wideB = Path.Combine(folder, "large-b.zip");
var timer = Stopwatch.StartNew();
AdultModel.Train(adult, new AdultTraining(Epochs: epochs, Seed: 1));
AdultModel.Train(wideA, new AdultTraining(Rows: 2000, Epochs: 1, Hidden: [2048, 2048, 2048], Seed: 1));
AdultModel.Train(wideB, new AdultTraining(Rows: 2000, Epochs: 1, Hidden: [2048, 2048, 2048], Seed: 2));
Print("train_seconds", timer.Elapsed.TotalSeconds);
var rows = AdultDataset.LoadTest().Take(512).ToArray();
var bodies = rows.Select(r => JsonSerializer.Serialize(r)).ToArray();
var expected = new[] { adult, wideA, wideB }.ToDictionary(Hash, m => Direct(m, rows));
bool Check(string version, int row, float[] scores) =>
    expected.TryGetValue(version[(version.IndexOf('-') + 1)..], out var e) && scores.Length == 1 && BitConverter.SingleToInt32Bits(scores[0]) == BitConverter.SingleToInt32Bits(e[row]);

// 1. Per-request scoring (pooled one-row engines) vs micro-batching, same clients, same duration, per model.
foreach (var (model, modelPath) in new[] { ("adult", adult), ("large", wideA) })
{
    var results = new Dictionary<string, LoadResult>();
    foreach (var (mode, window) in new[] { ("per_request", 0), ("micro_batching", 2) })
    {
        var name = $"{model}_{mode}";
        var served = Path.Combine(folder, $"{name}.zip");
        File.Copy(modelPath, served);
        await using var app = Start(served, window);
        using var client = Client(app);
        var driver = new LoadDriver(client, bodies, Check);
        await driver.Run(Clients, TimeSpan.FromSeconds(2)); // warm-up
        var result = await driver.Run(Clients, TimeSpan.FromSeconds(seconds));
        results[mode] = result;
        Report(name, result);
        var metrics = await client.GetStringAsync("/metrics");
        Print($"{name}_mean_rows_per_run", Metric(metrics, "deepml_rows_scored_total") / Metric(metrics, "deepml_batches_total"));
        await app.StopAsync();
    }
    Print($"{model}_throughput_ratio_batching_over_per_request", results["micro_batching"].RequestsPerSecond / results["per_request"].RequestsPerSecond);
}

// 2. Twenty hot reloads under load, swapping the two large models: every response from exactly one
//    model, none failed, native memory flat (a leaked version would hold its ONNX Runtime session).
{
    var served = Path.Combine(folder, "reload.zip");
    File.Copy(wideA, served);
    await using var app = Start(served, 2);
    using var client = Client(app);
    var driver = new LoadDriver(client, bodies, Check);
    await driver.Run(Clients, TimeSpan.FromSeconds(2));
    var (rssBefore, managedBefore) = Memory();
    Print("rss_mb_before_reloads", rssBefore);
    Print("native_mb_before_reloads", rssBefore - managedBefore);
    using var stop = new CancellationTokenSource();
    var load = driver.Run(Clients, TimeSpan.FromMinutes(10), stop.Token);
    var reloadTimer = Stopwatch.StartNew();
    for (var i = 1; i <= reloads; i++)
    {
        var source = i % 2 == 1 ? wideB : wideA;
        var temporary = served + ".tmp";
        File.Copy(source, temporary, overwrite: true);
        File.Move(temporary, served, overwrite: true); // atomic: the service sees the old file or the new one, never half
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(await client.GetStringAsync("/ready")).Contains($"\"{i + 1}-", StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"reload {i} did not serve within 30 s");
            await Task.Delay(20);
        }
        await Task.Delay(250); // serve a while on this version
        if (i % 5 == 0)
        {
            var (rss, managed) = Memory();
            Print($"rss_mb_after_reload_{i}", rss);
            Print($"native_mb_after_reload_{i}", rss - managed);
        }
    }
    await stop.CancelAsync();
    var result = await load;
    Print("reload_seconds", reloadTimer.Elapsed.TotalSeconds);
    Report("reload", result);
    Print("reload_versions_seen", result.Versions.Count);
    var metrics = await client.GetStringAsync("/metrics");
    Print("reload_count", Metric(metrics, "deepml_model_reloads_total"));
    Print("reload_failures", Metric(metrics, "deepml_model_reload_failures_total"));
    Print("models_alive_after_reloads", Metric(metrics, "deepml_models_alive"));
    var (rssAfter, managedAfter) = Memory();
    Print("rss_mb_after_reloads", rssAfter);
    Print("native_mb_after_reloads", rssAfter - managedAfter);
    Print("rss_mb_growth_over_reloads", rssAfter - rssBefore);
    Print("native_mb_growth_over_reloads", rssAfter - managedAfter - (rssBefore - managedBefore));
    await app.StopAsync();
}
Print("load_average_at_end", LoadAverage());
Directory.Delete(folder, recursive: true);

WebApplication Start(string modelPath, int windowMs)
{
    var app = ServiceApp.Build([], builder =>
    {
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DeepML:ModelPath"] = modelPath,
            ["DeepML:BatchWindowMs"] = windowMs.ToString(CultureInfo.InvariantCulture),
            ["DeepML:ReloadDebounceMs"] = "50",
            ["DeepML:PollIntervalMs"] = "200",
            ["DeepML:IntraOpThreads"] = intraOpThreads,
            // Per request, the 64 request threads use every core; batching gets as many batches in flight as there are cores.
            ["DeepML:MaxConcurrentBatches"] = Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
        });
    });
    app.StartAsync().GetAwaiter().GetResult();
    return app;
}

HttpClient Client(WebApplication app)
{
    var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
    return new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Clients }) { BaseAddress = new Uri(address) };
}

static void Report(string name, LoadResult r)
{
    Print($"{name}_requests", r.Requests);
    Print($"{name}_errors", r.Errors);
    Print($"{name}_wrong_scores", r.WrongScores);
    Print($"{name}_requests_per_second", r.RequestsPerSecond);
    Print($"{name}_p50_ms", r.P50Ms);
    Print($"{name}_p99_ms", r.P99Ms);
}

static float[] Direct(string path, AdultRow[] rows)
{
    var ml = new MLContext(seed: 3);
    var model = ml.DeepML().Model.Load(path, out _, new ScoringOptions { Device = "cpu" });
    try
    {
        return [.. model.Transform(ml.Data.LoadFromEnumerable(rows)).GetColumn<float>("Score")];
    }
    finally
    {
        (model as IDisposable)?.Dispose();
    }
}

static string Hash(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)))[..12];

static double Metric(string text, string name) =>
    double.Parse(text.Split('\n').Single(l => l.StartsWith(name + " ", StringComparison.Ordinal)).Split(' ')[1], CultureInfo.InvariantCulture);

// RSS after a full GC and malloc_trim, and the part of it the GC has committed (so RSS minus it is
// native memory: ONNX Runtime sessions, libtorch, the runtime itself).
static (double RssMb, double ManagedMb) Memory()
{
    GC.Collect();
    GC.WaitForPendingFinalizers();
    GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true); // gives committed GC memory back too
    NativeMemory.Trim();
    using var process = Process.GetCurrentProcess();
    return (process.WorkingSet64 / 1048576.0, GC.GetGCMemoryInfo().TotalCommittedBytes / 1048576.0);
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

static void Print(string name, object value) => Console.WriteLine(FormattableString.Invariant($"{name}: {value switch { double d => d.ToString("0.###", CultureInfo.InvariantCulture), _ => value }}"));
