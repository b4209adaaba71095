using System.Net;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection.Extensions;
using System.Text.Json;
using DeepML.Examples;

namespace DeepML.Serving.Tests;

/// <summary>/predict through the example service in a test server: scores equal the direct path, errors are ProblemDetails word for word.</summary>
[Collection(ServingCollection.Name)]
public sealed class PredictTests(ServingFixture fixture)
{
    private const string Expected = "Age (Single), Workclass (String), Fnlwgt (Single), Education (String), EducationNum (Single), MaritalStatus (String), Occupation (String), Relationship (String), Race (String), Sex (String), CapitalGain (Single), CapitalLoss (Single), HoursPerWeek (Single), NativeCountry (String)";

    [Theory]
    [InlineData("2")] // micro-batched: one Transform over a RowDataView
    [InlineData("0")] // per request: pooled one-row engines over the row-to-row mapper
    public async Task Many_rows_score_exactly_as_the_loaded_transformer_does(string windowMs)
    {
        await using var factory = ServiceFactory.Create(fixture.ModelA, ("BatchWindowMs", windowMs));
        using var client = factory.CreateClient();
        var response = await client.PostAsync("/predict", ServingFixture.Body(ServingFixture.Json(fixture.Rows)));
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (version, scores) = ServiceFactory.Read(body);
        Assert.Equal(version, response.Headers.GetValues("X-Model-Version").Single());
        Assert.StartsWith("1-", version);
        Assert.Equal(fixture.ExpectedA, scores); // bit-equal floats: the JSON carries the shortest round-trip form
        Assert.NotEqual(fixture.ExpectedB.Select(s => s.Score), scores.Select(s => s.Score)); // the two models really differ
    }

    [Fact]
    public async Task One_row_as_an_object_gets_one_prediction()
    {
        await using var factory = ServiceFactory.Create(fixture.ModelA);
        using var client = factory.CreateClient();
        var json = JsonSerializer.Serialize(fixture.Rows[3]);
        var response = await client.PostAsync("/predict", ServingFixture.Body(json));
        var (_, scores) = ServiceFactory.Read(await response.Content.ReadAsStringAsync());
        Assert.Equal([fixture.ExpectedA[3]], scores);
    }

    [Fact]
    public async Task A_missing_column_lists_the_expected_columns_and_types()
    {
        await using var factory = ServiceFactory.Create(fixture.ModelA);
        using var client = factory.CreateClient();
        var row = JsonSerializer.SerializeToNode(fixture.Rows[0])!.AsObject();
        row.Remove("Occupation");
        var (status, detail, errors) = await Problem(client, $"[{JsonSerializer.Serialize(fixture.Rows[1])},{row.ToJsonString()}]");
        Assert.Equal(400, status);
        Assert.Equal($"Row 1 has no column 'Occupation'. Expected columns: {Expected}.", detail);
        Assert.Equal([detail], errors);
    }

    [Fact]
    public async Task Several_missing_columns_are_listed_in_one_message()
    {
        await using var factory = ServiceFactory.Create(fixture.ModelA);
        using var client = factory.CreateClient();
        var row = JsonSerializer.SerializeToNode(fixture.Rows[0])!.AsObject();
        row.Remove("Race");
        row.Remove("Age");
        var (status, detail, errors) = await Problem(client, row.ToJsonString());
        Assert.Equal(400, status);
        Assert.Equal($"Row 0 has no columns 'Age', 'Race'. Expected columns: {Expected}.", detail);
        Assert.Single(errors);
    }

    [Fact]
    public async Task Wrong_json_types_name_the_column_the_expected_and_the_actual_type()
    {
        await using var factory = ServiceFactory.Create(fixture.ModelA);
        using var client = factory.CreateClient();
        var row = JsonSerializer.SerializeToNode(fixture.Rows[0])!.AsObject();
        row["Age"] = "forty";
        row["Sex"] = 1;
        row["Colour"] = "red";
        var (status, detail, errors) = await Problem(client, row.ToJsonString());
        Assert.Equal(400, status);
        Assert.Equal("Row 0, column 'Age': expected Single (a JSON number), got a JSON string.", detail);
        Assert.Equal([detail, "Row 0, column 'Sex': expected String (a JSON string), got a JSON number.",
            $"Row 0 has a column 'Colour' that the model does not take. Expected columns: {Expected}."], errors);
    }

    [Theory]
    [InlineData("[]", "The request holds no rows. Send at least one JSON object.")]
    [InlineData("42", "The request body is a JSON number. Expected a JSON object (one row) or an array of JSON objects (several rows).")]
    [InlineData("[1]", "Row 0 is a JSON number. Expected a JSON object whose properties are the input columns.")]
    public async Task Bodies_of_the_wrong_shape_are_400(string json, string expected)
    {
        await using var factory = ServiceFactory.Create(fixture.ModelA);
        using var client = factory.CreateClient();
        var (status, detail, _) = await Problem(client, json);
        Assert.Equal((400, expected), (status, detail));
    }

    [Fact]
    public async Task Invalid_json_is_400_and_says_where()
    {
        await using var factory = ServiceFactory.Create(fixture.ModelA);
        using var client = factory.CreateClient();
        var (status, detail, _) = await Problem(client, "{\"Age\": ");
        Assert.Equal(400, status);
        Assert.StartsWith("The request body is not valid JSON (", detail);
        Assert.EndsWith("). Send a JSON object whose properties are the model's input columns, or an array of such objects.", detail);
    }

    [Fact]
    public async Task Too_many_rows_and_too_large_bodies_are_refused()
    {
        await using var factory = ServiceFactory.Create(fixture.ModelA, ("MaxRowsPerRequest", "10"), ("MaxRequestBodyBytes", "20000"));
        using var client = factory.CreateClient();
        var (status, detail, _) = await Problem(client, ServingFixture.Json(fixture.Rows.Take(11)));
        Assert.Equal((400, "The request holds 11 rows; at most 10 are accepted per request. Split the rows over several requests."), (status, detail));
        (status, detail, _) = await Problem(client, ServingFixture.Json(fixture.Rows.Concat(fixture.Rows)));
        Assert.Equal((413, "The request body is larger than 20000 bytes, the most this service accepts. Send fewer rows per request."), (status, detail));
        // Exactly ten rows pass.
        var ok = await client.PostAsync("/predict", ServingFixture.Body(ServingFixture.Json(fixture.Rows.Take(10))));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task A_request_that_waits_past_the_timeout_is_504()
    {
        // A 1 s batch window and a 100 ms timeout: the request cannot be scored in time.
        await using var factory = ServiceFactory.Create(fixture.ModelA, ("BatchWindowMs", "1000"), ("RequestTimeoutMs", "100"));
        using var client = factory.CreateClient();
        var (status, detail, _) = await Problem(client, ServingFixture.Json(fixture.Rows.Take(1)));
        Assert.Equal((504, "The request was not scored within 100 ms. Retry, send fewer rows, or raise the service's RequestTimeout."), (status, detail));
    }

    [Fact]
    public async Task A_full_queue_is_503_with_retry_after()
    {
        // The batcher is left unstarted (its hosted service removed), so queued requests wait until their timeout.
        await using var factory = ServiceFactory.Create(fixture.ModelA, ("QueueCapacity", "2"), ("RequestTimeoutMs", "2000")).WithWebHostBuilder(builder =>
            builder.ConfigureTestServices(services =>
            {
                services.RemoveAll<Microsoft.Extensions.Hosting.IHostedService>();
                services.AddSingleton<Microsoft.Extensions.Hosting.IHostedService>(sp => sp.GetRequiredService<ModelFileWatcher>());
            }));
        using var client = factory.CreateClient();
        await HotReloadTests.Until(async () => (await client.GetAsync("/ready")).IsSuccessStatusCode, "the model to load");
        var body = ServingFixture.Json(fixture.Rows.Take(1));
        var waiting = Enumerable.Range(0, 2).Select(_ => client.PostAsync("/predict", ServingFixture.Body(body))).ToArray();
        await HotReloadTests.Until(async () => Prometheus.Parse(await client.GetStringAsync("/metrics")).Value("deepml_queue_depth") == 2, "two requests to wait");
        var response = await client.PostAsync("/predict", ServingFixture.Body(body));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("1", response.Headers.GetValues("Retry-After").Single());
        Assert.Equal("The service is at capacity: 2 requests are already waiting to be scored. Retry after the time in the Retry-After header, or add replicas.",
            ServiceFactory.Problem(await response.Content.ReadAsStringAsync()).Detail);
        foreach (var timedOut in await Task.WhenAll(waiting))
            Assert.Equal(HttpStatusCode.GatewayTimeout, timedOut.StatusCode);
    }

    [Fact]
    public async Task A_client_that_goes_away_before_its_batch_runs_is_dropped_from_it()
    {
        // A 1 s window: the client gives up after 100 ms, long before the batch would run.
        await using var factory = ServiceFactory.Create(fixture.ModelA, ("BatchWindowMs", "1000"));
        using var client = factory.CreateClient();
        using var giveUp = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.PostAsync("/predict", ServingFixture.Body(ServingFixture.Json(fixture.Rows.Take(3))), giveUp.Token));
        await HotReloadTests.Until(async () => Prometheus.Parse(await client.GetStringAsync("/metrics")).Value("deepml_requests_total", ("outcome", "cancelled")) == 1, "the request to be counted as cancelled");
        await Task.Delay(1200); // past the window: had the rows stayed in the batch, they would have been scored by now
        var metrics = Prometheus.Parse(await client.GetStringAsync("/metrics"));
        Assert.Equal(0, metrics.Value("deepml_rows_scored_total"));
        Assert.Equal(0, metrics.Value("deepml_batches_total"));
        Assert.Equal(0, metrics.Value("deepml_queue_depth"));
    }

    [Fact]
    public async Task Concurrent_requests_are_scored_in_fewer_runs_with_each_request_getting_its_own_rows()
    {
        await using var factory = ServiceFactory.Create(fixture.ModelA, ("BatchWindowMs", "50"));
        using var client = factory.CreateClient();
        var requests = Enumerable.Range(0, 24).Select(async i =>
        {
            var rows = fixture.Rows.Skip(i).Take(1 + i % 3).ToArray();
            var response = await client.PostAsync("/predict", ServingFixture.Body(ServingFixture.Json(rows)));
            return (i, ServiceFactory.Read(await response.Content.ReadAsStringAsync()).Scores);
        }).ToArray();
        foreach (var (i, scores) in await Task.WhenAll(requests))
            Assert.Equal(fixture.ExpectedA.Skip(i).Take(1 + i % 3), scores);
        var metrics = Prometheus.Parse(await client.GetStringAsync("/metrics"));
        var batches = metrics.Value("deepml_batches_total");
        Assert.Equal(48, metrics.Value("deepml_rows_scored_total")); // 1 + 2 + 3 rows per 3 requests
        Assert.InRange(batches, 1, 12); // a few runs, not 24
    }

    [Fact]
    public async Task Health_ready_model_and_openapi_answer()
    {
        await using var factory = ServiceFactory.Create(fixture.ModelA);
        using var client = factory.CreateClient();
        Assert.Equal("{\"status\":\"alive\",\"modelVersion\":null}", await client.GetStringAsync("/health"));
        using var ready = JsonDocument.Parse(await client.GetStringAsync("/ready"));
        Assert.Equal("ready", ready.RootElement.GetProperty("status").GetString());
        using var model = JsonDocument.Parse(await client.GetStringAsync("/model"));
        Assert.Equal(14, model.RootElement.GetProperty("columns").GetArrayLength());
        Assert.Equal(ready.RootElement.GetProperty("modelVersion").GetString(), model.RootElement.GetProperty("modelVersion").GetString());
        using var openApi = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));
        var paths = openApi.RootElement.GetProperty("paths");
        Assert.StartsWith("3.", openApi.RootElement.GetProperty("openapi").GetString());
        var predict = paths.GetProperty("/predict").GetProperty("post");
        Assert.Equal("Predict", predict.GetProperty("operationId").GetString());
        Assert.True(predict.GetProperty("responses").TryGetProperty("400", out _));
        Assert.True(predict.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
        foreach (var path in new[] { "/health", "/ready", "/metrics", "/model" })
            Assert.True(paths.TryGetProperty(path, out _), path);
    }

    private static async Task<(int Status, string Detail, string[] Errors)> Problem(HttpClient client, string json)
    {
        var response = await client.PostAsync("/predict", ServingFixture.Body(json));
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = ServiceFactory.Problem(await response.Content.ReadAsStringAsync());
        Assert.Equal((int)response.StatusCode, problem.Status);
        return problem;
    }
}
