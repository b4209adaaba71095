namespace DeepML;

/// <summary>
/// Thrown by <see cref="TrainingData.Read"/> when it reads, for <see cref="StreamingMode.Auto"/>, a data view that does not
/// know its row count and the rows read so far outgrow the memory budget; the trainer catches it and streams instead.
/// Never leaves <c>Fit</c>.
/// </summary>
internal sealed class RowsDoNotFitException(long rows, long budget)
    : Exception($"The training rows outgrew the in-memory budget of {budget:N0} bytes after {rows:N0} rows; streaming instead.")
{
    /// <summary>Rows read when the read was abandoned.</summary>
    public long Rows { get; } = rows;
}
