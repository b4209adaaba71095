namespace DeepML;

/// <summary>
/// One mini-batch's rows as the loop gathers them: <c>Order[Start..Start+Count)</c> index <see cref="Data"/>
/// (<see cref="BatchBuffer.Gather"/> copies them into the batch tensors).
/// </summary>
internal readonly record struct TrainingBatch(TrainingData Data, int[] Order, int Start, int Count);

/// <summary>
/// Where the training loop's batches come from: rows held in memory (<see cref="InMemoryTrainingRows"/>) or streamed from
/// the data view through a shuffle buffer (<see cref="StreamedTrainingRows"/>). Each epoch's batches depend on (seed, epoch)
/// only, so a run resumed at an epoch boundary sees the same batches as an uninterrupted one.
/// </summary>
internal interface ITrainingRows
{
    /// <summary>Training rows per epoch.</summary>
    int Rows { get; }

    /// <summary>The epoch's batches in order, every one of <paramref name="batchSize"/> rows but the last; the rows a batch
    /// names stay valid until the next batch is asked for.</summary>
    IEnumerable<TrainingBatch> Epoch(int seed, int epoch, int batchSize);
}

/// <summary>Validation rows: held in memory, or streamed in chunks each time they are evaluated.</summary>
internal interface IValidationRows
{
    /// <summary>
    /// The network's outputs on every validation row (row-major [rows, outputSize]) and the rows' targets, classes and
    /// weights in the same order (<see cref="TrainingData"/> whose features may be empty), for <see cref="TaskLoss.WeightedLoss"/>
    /// and <see cref="TaskLoss.Metric"/>. The caller puts the network in eval mode.
    /// </summary>
    (float[] Outputs, TrainingData Labels) Forward(TorchSharp.Modules.Sequential network, TorchSharp.torch.Device device, int outputSize);
}
