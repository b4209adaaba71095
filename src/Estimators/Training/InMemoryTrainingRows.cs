using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DeepML;

/// <summary>Training rows read into memory: each epoch gathers its batches from <see cref="EpochOrder.Shuffled"/>.</summary>
internal sealed class InMemoryTrainingRows(TrainingData data) : ITrainingRows
{
    public int Rows => data.Rows;

    public IEnumerable<TrainingBatch> Epoch(int seed, int epoch, int batchSize)
    {
        var order = EpochOrder.Shuffled(data.Rows, seed, epoch);
        for (var start = 0; start < data.Rows; start += batchSize)
            yield return new TrainingBatch(data, order, start, Math.Min(batchSize, data.Rows - start));
    }
}

/// <summary>Validation rows read into memory, forwarded in chunks of 4,096 (<see cref="TorchBatchPredictor.Forward"/>).</summary>
internal sealed class InMemoryValidationRows(TrainingData data) : IValidationRows
{
    public TrainingData Data => data;

    public int Rows => data.Rows;

    public (float[] Outputs, TrainingData Labels) Forward(Sequential network, Device device, int outputSize) =>
        (TorchBatchPredictor.Forward(network, device, data.Features, data.Rows, data.FeatureCount, outputSize), data);
}
