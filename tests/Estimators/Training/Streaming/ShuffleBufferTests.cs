using Xunit;

namespace DeepML.Estimators.Tests.Training.Streaming;

/// <summary>The shuffle buffer alone: every row once per epoch, full batches, and an order that is a function of (seed, epoch) only.</summary>
public sealed class ShuffleBufferTests
{
    /// <summary>One epoch of <paramref name="rows"/> rows streamed in order through a buffer: the rows of each batch, by their stream index.</summary>
    private static List<int[]> Epoch(int rows, int capacity, int batchSize, int seed, int epoch)
    {
        var buffer = new ShuffleBuffer(capacity, 1, PredictionKind.BinaryClassification);
        var next = 0;
        bool Fill(int slot)
        {
            if (next == rows)
                return false;
            buffer.Rows.Features[slot] = next++; // the row's index as its one feature
            return true;
        }
        return buffer.Epoch(Fill, EpochOrder.Generator(seed, epoch), batchSize)
            .Select(b => b.Order.AsSpan(b.Start, b.Count).ToArray().Select(slot => (int)buffer.Rows.Features[slot]).ToArray()).ToList();
    }

    [Theory]
    [InlineData(1000, 64, 32)]
    [InlineData(1000, 32, 32)]   // the buffer no larger than a batch
    [InlineData(1000, 100, 7)]   // rows not a multiple of the batch
    [InlineData(50, 64, 32)]     // fewer rows than the buffer
    public void EveryRowIsEmittedOnceInFullBatches(int rows, int capacity, int batchSize)
    {
        var batches = Epoch(rows, capacity, batchSize, seed: 3, epoch: 1);

        Assert.Equal(Enumerable.Range(0, rows), batches.SelectMany(b => b).Order());
        Assert.Equal((rows + batchSize - 1) / batchSize, batches.Count); // as many batches as the in-memory path
        Assert.All(batches.SkipLast(1), b => Assert.Equal(batchSize, b.Length));
    }

    [Fact]
    public void TheOrderDependsOnTheSeedAndEpochOnly()
    {
        var once = Epoch(2000, 128, 32, seed: 7, epoch: 2).SelectMany(b => b).ToArray();
        var again = Epoch(2000, 128, 32, seed: 7, epoch: 2).SelectMany(b => b).ToArray();
        var otherSeed = Epoch(2000, 128, 32, seed: 8, epoch: 2).SelectMany(b => b).ToArray();
        var otherEpoch = Epoch(2000, 128, 32, seed: 7, epoch: 3).SelectMany(b => b).ToArray();

        Assert.Equal(once, again);
        Assert.NotEqual(once, otherSeed);
        Assert.NotEqual(once, otherEpoch);
        Assert.NotEqual(Enumerable.Range(0, 2000), once); // shuffled, not the stream order
    }

    [Fact]
    public void ARowTravelsAtMostAsFarAheadAsTheBufferAllows()
    {
        // A row cannot be emitted before it has streamed in: the i-th row out is at most row i + capacity of the stream.
        var order = Epoch(5000, 256, 32, seed: 1, epoch: 1).SelectMany(b => b).ToArray();
        Assert.All(order.Select((row, i) => (row, i)), p => Assert.True(p.row < p.i + 256 + 32, $"row {p.row} emitted at {p.i}"));
    }
}

/// <summary>The validation split's order, against the LINQ expression it replaces (a stable sort by one random key per row).</summary>
public sealed class EpochOrderTests
{
    [Theory]
    [InlineData(1, 5)]
    [InlineData(1000, 11)]
    [InlineData(100_000, -3)]
    public void TheSplitOrderIsLinqsStableOrderByOfOneRandomKeyPerRow(int rows, int seed)
    {
        var rng = new Random(unchecked(seed * 31 + 7));
        Assert.Equal(Enumerable.Range(0, rows).OrderBy(_ => rng.Next()).ToArray(), EpochOrder.Split(rows, seed));
    }
}
