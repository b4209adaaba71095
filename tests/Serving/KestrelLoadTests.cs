using System.Collections.Concurrent;
using System.Diagnostics;
using DeepML.Examples.Service;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace DeepML.Serving.Tests;

/// <summary>A bounded load test against the example service on a real Kestrel, on a loopback port. Asserts correctness, not speed (benchmarks/Service measures that).</summary>
[Collection(ServingCollection.Name)]
public sealed class KestrelLoadTests(ServingFixture fixture)
{
    [Fact]
    public async Task Sixteen_clients_for_two_seconds_get_only_correct_answers()
    {
        await using var app = ServiceApp.Build([], builder =>
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["DeepML:ModelPath"] = fixture.ModelA,
                ["DeepML:BatchWindowMs"] = "2",
                ["Logging:LogLevel:Default"] = "Warning",
            });
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        Assert.StartsWith("http://127.0.0.1:", address);
        using var client = new HttpClient { BaseAddress = new Uri(address) };

        var failures = new ConcurrentBag<string>();
        var answered = 0;
        var watch = Stopwatch.StartNew();
        var clients = Enumerable.Range(0, 16).Select(c => Task.Run(async () =>
        {
            for (var i = c; watch.Elapsed < TimeSpan.FromSeconds(2); i += 16)
            {
                var skip = i % (fixture.Rows.Count - 2);
                var response = await client.PostAsync("/predict", ServingFixture.Body(ServingFixture.Json(fixture.Rows.Skip(skip).Take(2))));
                var body = await response.Content.ReadAsStringAsync();
                if (!response.IsSuccessStatusCode)
                {
                    failures.Add($"{(int)response.StatusCode}: {body}");
                    continue;
                }
                var scores = ServiceFactory.Read(body).Scores;
                if (!scores.SequenceEqual(fixture.ExpectedA.Skip(skip).Take(2)))
                    failures.Add($"rows {skip}, {skip + 1}: wrong scores");
                Interlocked.Increment(ref answered);
            }
        })).ToArray();
        await Task.WhenAll(clients);
        await app.StopAsync();

        Assert.Empty(failures);
        Assert.True(answered >= 16, $"only {answered} requests were answered in 2 s");
    }
}
