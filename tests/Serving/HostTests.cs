using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML.Serving.Tests;

/// <summary>ModelHost and MicroBatcher without HTTP: leases, disposal of native sessions, cancellation, full queues, failing rows.</summary>
[Collection(ServingCollection.Name)]
public sealed class HostTests(ServingFixture fixture)
{
    [Fact]
    public async Task A_lease_keeps_its_version_until_released_then_the_old_sessions_are_disposed()
    {
        var path = fixture.Copy(fixture.ModelA);
        var metrics = new ServingMetrics();
        using var host = Host(path, metrics);
        Assert.True(await host.Reload());
        Assert.False(await host.Reload()); // same bytes: no new version
        var rows = Rows(host, 5);
        var lease = host.Acquire()!;
        var oldNetwork = Networks(lease.Transformer).Single();

        ServingFixture.Swap(path, fixture.ModelB);
        Assert.True(await host.Reload());
        Assert.Equal((1, 2), (lease.Version.Number, host.Version!.Number));
        Assert.Equal(2, metrics.ModelsAlive); // the old version is still leased
        // The old lease still scores with the old model, the new one with the new model.
        Assert.Equal(fixture.ExpectedA.Take(5), Scores(lease.Score(rows.Rows)));
        using (var fresh = host.Acquire()!)
            Assert.Equal(fixture.ExpectedB.Take(5), Scores(fresh.Score(rows.Rows)));
        Assert.NotEmpty(oldNetwork.ExportOnnx()); // alive

        lease.Dispose();
        lease.Dispose(); // twice is safe
        Assert.Equal(1, metrics.ModelsAlive);
        Assert.Throws<ObjectDisposedException>(() => oldNetwork.ExportOnnx()); // disposed, and with it its ONNX Runtime session
        Assert.Throws<ObjectDisposedException>(() => lease.Version);
        var newNetwork = Networks(host.Acquire()!.Transformer).Single();
        host.Dispose();
        Assert.Equal(1, metrics.ModelsAlive); // the lease taken just above still holds the new version
    }

    [Fact]
    public async Task A_cancelled_request_is_dropped_from_its_batch()
    {
        var metrics = new ServingMetrics();
        using var host = Host(fixture.ModelA, metrics);
        await host.Reload();
        using var batcher = new MicroBatcher(host, Options(fixture.ModelA, window: 300), metrics, NullLogger<MicroBatcher>.Instance);
        await batcher.StartAsync(CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var dropped = batcher.Score(Rows(host, 3), cancel.Token);
        var kept = batcher.Score(Rows(host, 2), CancellationToken.None);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => dropped);
        var result = await kept;
        Assert.Equal(fixture.ExpectedA.Take(2), Scores(result.Rows));
        Assert.Equal(2, result.BatchRows); // the cancelled request's three rows were not scored
        Assert.Equal(0, metrics.QueueDepth);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => batcher.Score(Rows(host, 1), cancel.Token)); // already cancelled: not queued
        await batcher.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_full_queue_refuses_the_request_and_queued_ones_are_scored_later()
    {
        var metrics = new ServingMetrics();
        using var host = Host(fixture.ModelA, metrics);
        await host.Reload();
        var options = Options(fixture.ModelA, window: 5, capacity: 2);
        using var batcher = new MicroBatcher(host, options, metrics, NullLogger<MicroBatcher>.Instance);
        // Not started yet: nothing takes requests off the queue.
        var first = batcher.Score(Rows(host, 1), CancellationToken.None);
        var second = batcher.Score(Rows(host, 2), CancellationToken.None);
        var e = Assert.Throws<QueueFullException>(() => { _ = batcher.Score(Rows(host, 1), CancellationToken.None); });
        Assert.Equal("The service is at capacity: 2 requests are already waiting to be scored. Retry after the time in the Retry-After header, or add replicas.", e.Message);
        await batcher.StartAsync(CancellationToken.None);
        Assert.Equal(fixture.ExpectedA.Take(1), Scores((await first).Rows));
        Assert.Equal(fixture.ExpectedA.Take(2), Scores((await second).Rows));
        await batcher.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_row_that_fails_the_model_fails_only_its_own_request()
    {
        var metrics = new ServingMetrics();
        using var host = Host(fixture.ModelA, metrics);
        await host.Reload();
        using var batcher = new MicroBatcher(host, Options(fixture.ModelA, window: 200), metrics, NullLogger<MicroBatcher>.Instance);
        await batcher.StartAsync(CancellationToken.None);
        var good = Rows(host, 3);
        // A row the parser would never produce: text where Age (Single) belongs. The model's getter fails on it.
        var badRow = (object[])good.Rows[0].Clone();
        badRow[0] = "forty".AsMemory();
        var bad = new RequestRows(good.Schema, [badRow]);
        var goodTask = batcher.Score(good, CancellationToken.None);
        var badTask = batcher.Score(bad, CancellationToken.None);
        Assert.Equal(fixture.ExpectedA.Take(3), Scores((await goodTask).Rows));
        var e = await Assert.ThrowsAsync<ScoringFailedException>(() => badTask);
        Assert.StartsWith("The model failed to score this request (InvalidCastException: ", e.Message);
        await batcher.StopAsync(CancellationToken.None);
    }

    private static ModelHost Host(string path, ServingMetrics metrics) => new(Options(path), metrics, NullLogger<ModelHost>.Instance);

    private static ServingOptions Options(string path, int window = 2, int capacity = 4096) =>
        new() { ModelPath = path, BatchWindow = TimeSpan.FromMilliseconds(window), QueueCapacity = capacity };

    private RequestRows Rows(ModelHost host, int count) =>
        RequestParser.TryParse(Encoding.UTF8.GetBytes(ServingFixture.Json(fixture.Rows.Take(count))), host.Request!, 1000, out _)!;

    private static Scores[] Scores(IReadOnlyList<object?[]> rows) =>
        rows.Select(r => new Scores((float)r[0]!, (float)r[1]!, (bool)r[2]!)).ToArray();

    private static IEnumerable<NetworkScoringTransformer> Networks(ITransformer transformer) => transformer switch
    {
        NetworkScoringTransformer network => [network],
        TransformerChain<ITransformer> chain => chain.SelectMany(Networks),
        _ => [],
    };
}
