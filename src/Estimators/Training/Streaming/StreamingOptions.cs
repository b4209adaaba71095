namespace DeepML;

/// <summary>When a trainer trains straight from the <see cref="Microsoft.ML.IDataView"/> cursor instead of reading every row into memory.</summary>
public enum StreamingMode
{
    /// <summary>Stream only when the rows do not fit in memory (the row count is known and they need more than the process has); otherwise read them into memory.</summary>
    Auto,

    /// <summary>Always stream, even when the rows would fit.</summary>
    Always,

    /// <summary>Never stream: read every row into memory, and fail before training when they do not fit.</summary>
    Never,
}

/// <summary>
/// How DeepML trains on data larger than memory (<see cref="NeuralNetworkOptions.Streaming"/>). Immutable and validated
/// when built: an invalid value throws an <see cref="ArgumentException"/> naming it.
/// </summary>
/// <remarks>
/// <para>Streamed training makes one extra pass over the data before the first epoch (it counts the rows, checks every
/// value as the in-memory path does, and gathers the class counts and the label statistics), then reads the data once
/// per epoch through a shuffle buffer of <see cref="ShuffleBufferRows"/> rows seeded from (seed, epoch). Memory is
/// bounded by the buffer (rows × (features × 4 + 16) bytes), not by the row count.</para>
/// <para>When the buffer holds every training row, the rows are read once and kept, and each epoch's order is exactly the
/// in-memory path's, so the weights and predictions are bit-identical to <see cref="StreamingMode.Never"/>. A smaller
/// buffer shuffles only locally (each batch is drawn from the buffer's rows), which is weaker the more the data are sorted.</para>
/// </remarks>
public sealed record StreamingOptions
{
    /// <summary>When to stream. Default <see cref="StreamingMode.Auto"/>.</summary>
    public StreamingMode Mode
    {
        get;
        init => field = Enum.IsDefined(value) ? value : throw new ArgumentException($"StreamingOptions: Mode {value} is not a StreamingMode value; use Auto, Always or Never.", nameof(Mode));
    } = StreamingMode.Auto;

    /// <summary>
    /// Rows held in the shuffle buffer, at least 1 (raised to the batch size when smaller). Larger buffers shuffle better and
    /// cost more memory. Default 65,536.
    /// </summary>
    public int ShuffleBufferRows
    {
        get;
        init => field = value >= 1 ? value : throw new ArgumentException($"StreamingOptions: ShuffleBufferRows must be at least 1, got {value}.", nameof(ShuffleBufferRows));
    } = 65_536;
}
