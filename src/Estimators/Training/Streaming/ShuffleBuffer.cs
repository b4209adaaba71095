namespace DeepML;

/// <summary>
/// A seeded shuffle buffer of a fixed number of row slots (<see cref="StreamingOptions.ShuffleBufferRows"/>): rows stream
/// in, and each batch is drawn at random from the rows the buffer holds, whose slots the next rows then refill. Memory is
/// the buffer's, whatever the row count; every row is emitted exactly once per epoch, and every batch but the last is full.
/// </summary>
internal sealed class ShuffleBuffer
{
    private readonly int[] _slots;

    /// <summary>A buffer of <paramref name="capacity"/> rows of <paramref name="featureCount"/> features.</summary>
    public ShuffleBuffer(int capacity, int featureCount, PredictionKind task)
    {
        Rows = TrainingData.Create(capacity, featureCount, new float[(long)capacity * featureCount], new float[capacity],
            task == PredictionKind.MulticlassClassification ? new long[capacity] : [], new float[capacity]);
        _slots = new int[capacity];
    }

    /// <summary>The slots' rows (features, targets, classes, weights), written by the caller's reader and indexed by the batches.</summary>
    public TrainingData Rows { get; }

    public int Capacity => _slots.Length;

    /// <summary>
    /// One epoch's batches. <paramref name="fill"/> reads the next streamed row into the given slot and returns false at the
    /// end of the data. First the buffer fills; then each batch takes <paramref name="batchSize"/> slots drawn at random
    /// (a partial Fisher–Yates shuffle of the slot list) and the next rows refill them; at the end the rows left are
    /// shuffled and emitted. <paramref name="rng"/> is the epoch's generator (seeded from (seed, epoch) only).
    /// </summary>
    public IEnumerable<TrainingBatch> Epoch(Func<int, bool> fill, Random rng, int batchSize)
    {
        if (batchSize > Capacity)
            throw new InvalidOperationException($"ShuffleBuffer: a batch of {batchSize} rows does not fit in a buffer of {Capacity}; the trainer raises the buffer to the batch size.");
        var live = 0;
        for (var s = 0; s < Capacity; s++)
            _slots[s] = s;
        while (live < Capacity && fill(_slots[live]))
            live++;
        var ended = live < Capacity;
        while (!ended)
        {
            for (var i = 0; i < batchSize; i++)
            {
                var j = rng.Next(i, live);
                (_slots[i], _slots[j]) = (_slots[j], _slots[i]);
            }
            yield return new TrainingBatch(Rows, _slots, 0, batchSize);
            // Refill the emitted slots; when the data end first, move the slots left empty past the live ones.
            var read = 0;
            while (read < batchSize && fill(_slots[read]))
                read++;
            if (read < batchSize)
            {
                ended = true;
                for (var k = batchSize - 1; k >= read; k--)
                {
                    live--;
                    (_slots[k], _slots[live]) = (_slots[live], _slots[k]);
                }
            }
        }
        for (var i = live - 1; i > 0; i--)
        {
            var j = rng.Next(i + 1);
            (_slots[i], _slots[j]) = (_slots[j], _slots[i]);
        }
        for (var start = 0; start < live; start += batchSize)
            yield return new TrainingBatch(Rows, _slots, start, Math.Min(batchSize, live - start));
    }
}
