namespace DeepML.Serving.Tests;

[Collection(ServingCollection.Name)]
public sealed class MetricsTests(ServingFixture fixture)
{
    [Fact]
    public async Task Metrics_are_valid_prometheus_text_and_count_what_happened()
    {
        await using var factory = ServiceFactory.Create(fixture.ModelA);
        using var client = factory.CreateClient();
        for (var i = 0; i < 5; i++)
            await client.PostAsync("/predict", ServingFixture.Body(ServingFixture.Json(fixture.Rows.Take(3))));
        await client.PostAsync("/predict", ServingFixture.Body("[]"));
        var response = await client.GetAsync("/metrics");
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        var metrics = Prometheus.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal("counter", metrics.Types["deepml_requests_total"]);
        Assert.Equal("histogram", metrics.Types["deepml_request_duration_seconds"]);
        Assert.Equal("histogram", metrics.Types["deepml_batch_rows"]);
        Assert.Equal("gauge", metrics.Types["deepml_model_version"]);
        Assert.Equal(5, metrics.Value("deepml_requests_total", ("outcome", "ok")));
        Assert.Equal(1, metrics.Value("deepml_requests_total", ("outcome", "invalid")));
        Assert.Equal(6, metrics.Value("deepml_request_duration_seconds_count"));
        Assert.Equal(15, metrics.Value("deepml_rows_scored_total"));
        // Five runs of three rows each: all in the (2, 4] bucket and above, none at or below 2.
        Assert.Equal(0, metrics.Value("deepml_batch_rows_bucket", ("le", "2")));
        Assert.Equal(metrics.Value("deepml_batches_total"), metrics.Value("deepml_batch_rows_bucket", ("le", "4")));
        Assert.Equal(15, metrics.Value("deepml_batch_rows_sum"));
        Assert.Equal(1, metrics.Value("deepml_model_version"));
        Assert.Equal(1, metrics.Value("deepml_models_alive"));
        Assert.Equal(0, metrics.Value("deepml_model_reloads_total"));
        var info = Assert.Single(metrics.Samples("deepml_model_info"));
        Assert.StartsWith("1-", info.Labels["version"]);
    }

    [Fact]
    public void Histogram_counts_each_value_in_the_first_bucket_that_holds_it()
    {
        var histogram = new Histogram([1, 2, 5]);
        foreach (var v in new[] { 0.5, 1, 1.5, 2, 4.9, 5, 7, 100 })
            histogram.Observe(v);
        var (cumulative, sum) = histogram.Snapshot();
        Assert.Equal([2L, 4, 6, 8], cumulative); // le=1: 0.5, 1; le=2: +1.5, 2; le=5: +4.9, 5; +Inf: +7, 100
        Assert.Equal(121.9, sum, 1e-12);
        var text = Prometheus.Parse(new PrometheusText().Histogram("x_seconds", "help", histogram).ToString());
        Assert.Equal(6, text.Value("x_seconds_bucket", ("le", "5")));
    }

    [Fact]
    public void Histogram_bounds_must_increase()
    {
        var e = Assert.Throws<ArgumentException>(() => new Histogram([1, 1]));
        Assert.Equal("upperBounds", e.ParamName);
    }
}
