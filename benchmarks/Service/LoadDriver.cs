using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace DeepML.Service.Benchmarks;

/// <summary>What one bounded run of concurrent clients saw.</summary>
public sealed record LoadResult(int Requests, int Errors, int WrongScores, double Seconds, double P50Ms, double P99Ms, IReadOnlyDictionary<string, int> Versions)
{
    public double RequestsPerSecond => Requests / Seconds;
}

/// <summary>Drives a service with N concurrent HttpClient clients, each posting one row at a time, for a bounded time.</summary>
public sealed class LoadDriver(HttpClient client, IReadOnlyList<string> bodies, Func<string, int, float[], bool> check)
{
    public async Task<LoadResult> Run(int clients, TimeSpan duration, CancellationToken stop = default)
    {
        var latencies = new ConcurrentBag<double>();
        var versions = new ConcurrentDictionary<string, int>();
        int requests = 0, errors = 0, wrong = 0;
        var watch = Stopwatch.StartNew();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop);
        linked.CancelAfter(duration);
        var tasks = Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            for (var i = c; !linked.IsCancellationRequested; i += clients)
            {
                var row = i % bodies.Count;
                var start = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await client.PostAsync("/predict", new StringContent(bodies[row], Encoding.UTF8, "application/json"), CancellationToken.None);
                    var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
                    latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    Interlocked.Increment(ref requests);
                    if (!response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref errors);
                        continue;
                    }
                    var (version, scores) = Read(body);
                    versions.AddOrUpdate(version, 1, (_, n) => n + 1);
                    if (!check(version, row, scores))
                        Interlocked.Increment(ref wrong);
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref requests);
                    Interlocked.Increment(ref errors);
                }
            }
        })).ToArray();
        await Task.WhenAll(tasks);
        var seconds = watch.Elapsed.TotalSeconds;
        var sorted = latencies.Order().ToArray();
        return new LoadResult(requests, errors, wrong, seconds, Percentile(sorted, 0.50), Percentile(sorted, 0.99), versions);
    }

    private static double Percentile(double[] sorted, double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];

    private static (string Version, float[] Scores) Read(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return (root.GetProperty("modelVersion").GetString()!, root.GetProperty("predictions").EnumerateArray().Select(p => p.GetProperty("Score").GetSingle()).ToArray());
    }
}
