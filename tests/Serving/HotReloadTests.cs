using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.ML;

namespace DeepML.Serving.Tests;

/// <summary>Hot reload in the test host: under concurrent load, with broken files, with a file that arrives late.</summary>
[Collection(ServingCollection.Name)]
public sealed class HotReloadTests(ServingFixture fixture)
{
    [Fact]
    public async Task Reloads_under_concurrent_load_fail_no_request_and_each_response_comes_from_one_model()
    {
        var path = fixture.Copy(fixture.ModelA);
        await using var factory = ServiceFactory.Create(path, ("BatchWindowMs", "2"));
        using var client = factory.CreateClient();
        var hashA = Hash(fixture.ModelA);
        var hashB = Hash(fixture.ModelB);
        var rows = fixture.Rows.Take(4).ToArray();
        var body = ServingFixture.Json(rows);
        var responses = new ConcurrentBag<(HttpStatusCode Status, string Body)>();
        using var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var response = await client.PostAsync("/predict", ServingFixture.Body(body));
                responses.Add((response.StatusCode, await response.Content.ReadAsStringAsync()));
            }
        })).ToArray();

        const int reloads = 6;
        for (var i = 1; i <= reloads; i++)
        {
            ServingFixture.Swap(path, i % 2 == 1 ? fixture.ModelB : fixture.ModelA);
            await Until(async () => (await Ready(client)).StartsWith($"{i + 1}-", StringComparison.Ordinal), $"version {i + 1} to serve");
            await Task.Delay(100); // let some requests run on this version
        }
        await stop.CancelAsync();
        await Task.WhenAll(clients);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        var versions = new HashSet<string>();
        foreach (var (_, json) in responses)
        {
            var (version, scores) = ServiceFactory.Read(json);
            versions.Add(version);
            var hash = version[(version.IndexOf('-') + 1)..];
            Assert.True(hash == hashA || hash == hashB, $"version {version} is neither model");
            // Every row of a response comes from the model its version names: all four match that model, none the other.
            Assert.Equal((hash == hashA ? fixture.ExpectedA : fixture.ExpectedB).Take(4), scores);
        }
        Assert.True(versions.Count >= 4, $"responses came from only {versions.Count} versions: {string.Join(", ", versions)}");
        var metrics = Prometheus.Parse(await client.GetStringAsync("/metrics"));
        Assert.Equal(reloads, metrics.Value("deepml_model_reloads_total"));
        Assert.Equal(0, metrics.Value("deepml_model_reload_failures_total"));
        Assert.Equal(1, metrics.Value("deepml_models_alive")); // every replaced model was disposed once its last batch ended
        Assert.Equal(responses.Count, metrics.Value("deepml_requests_total", ("outcome", "ok")));
    }

    [Fact]
    public async Task A_broken_or_incompatible_file_is_rejected_and_the_old_model_keeps_serving()
    {
        var path = fixture.Copy(fixture.ModelA);
        await using var factory = ServiceFactory.Create(path);
        using var client = factory.CreateClient();
        var before = await Ready(client);

        // Half a file, as a copy that is read while it is being written.
        var bytes = await File.ReadAllBytesAsync(fixture.ModelA);
        var half = Path.Combine(fixture.Folder, Guid.NewGuid().ToString("N") + ".zip");
        await File.WriteAllBytesAsync(half, bytes[..(bytes.Length / 2)]);
        ServingFixture.Swap(path, half);
        await Until(async () => await Failures(client) == 1, "the truncated file to be rejected");
        Assert.Equal(before, await Ready(client));

        // A good model with other input columns.
        ServingFixture.Swap(path, OtherSchemaModel());
        await Until(async () => await Failures(client) == 2, "the model with other columns to be rejected");
        Assert.Equal(before, await Ready(client));

        var response = await client.PostAsync("/predict", ServingFixture.Body(ServingFixture.Json(fixture.Rows)));
        var (version, scores) = ServiceFactory.Read(await response.Content.ReadAsStringAsync());
        Assert.Equal(before, version);
        Assert.Equal(fixture.ExpectedA, scores);

        // And a good file afterwards is taken.
        ServingFixture.Swap(path, fixture.ModelB);
        await Until(async () => (await Ready(client)).StartsWith("2-", StringComparison.Ordinal), "model B to serve");
    }

    [Fact]
    public async Task Without_a_model_the_service_is_alive_but_not_ready_until_the_file_arrives()
    {
        var folder = Directory.CreateDirectory(Path.Combine(fixture.Folder, Guid.NewGuid().ToString("N"))).FullName;
        var path = Path.Combine(folder, "model.zip");
        await using var factory = ServiceFactory.Create(path);
        using var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
        var ready = await client.GetAsync("/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var predict = await client.PostAsync("/predict", ServingFixture.Body(ServingFixture.Json(fixture.Rows.Take(1))));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, predict.StatusCode);
        Assert.Equal("No model is loaded yet. Wait until /ready answers 200.", ServiceFactory.Problem(await predict.Content.ReadAsStringAsync()).Detail);

        ServingFixture.Swap(path, fixture.ModelA);
        await Until(async () => (await client.GetAsync("/ready")).IsSuccessStatusCode, "the model to load");
        predict = await client.PostAsync("/predict", ServingFixture.Body(ServingFixture.Json(fixture.Rows.Take(2))));
        Assert.Equal(fixture.ExpectedA.Take(2), ServiceFactory.Read(await predict.Content.ReadAsStringAsync()).Scores);
    }

    private string OtherSchemaModel()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(fixture.Rows.Select(r => new SmallRow { Age = r.Age, Label = r.Label }));
        var model = ml.Transforms.Concatenate("Features", "Age").Append(ml.BinaryClassification.Trainers.SdcaLogisticRegression(maximumNumberOfIterations: 5)).Fit(data);
        var path = Path.Combine(fixture.Folder, Guid.NewGuid().ToString("N") + ".zip");
        ml.Model.Save(model, data.Schema, path);
        return path;
    }

    private static async Task<string> Ready(HttpClient client)
    {
        using var json = JsonDocument.Parse(await client.GetStringAsync("/ready"));
        return json.RootElement.GetProperty("modelVersion").GetString()!;
    }

    private static async Task<double> Failures(HttpClient client) =>
        Prometheus.Parse(await client.GetStringAsync("/metrics")).Value("deepml_model_reload_failures_total");

    internal static async Task Until(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(25);
        }
    }

    private static string Hash(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)))[..12];

    private sealed class SmallRow
    {
        public float Age { get; set; }

        public bool Label { get; set; }
    }
}
