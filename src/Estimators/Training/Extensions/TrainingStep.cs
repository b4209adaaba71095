using static TorchSharp.torch;

namespace DeepML;

/// <summary>
/// One mini-batch as the training loop hands it to its <see cref="ITrainingExtension"/>s: where it
/// is in the run, which training rows it holds, and its tensors (all in the batch's dispose scope).
/// </summary>
internal sealed class TrainingStep
{
    /// <summary>The epoch, from 1.</summary>
    public required int Epoch { get; init; }

    /// <summary>The batch's index within the epoch, from 0.</summary>
    public required int BatchIndex { get; init; }

    /// <summary>The batch's rows, as indices into <see cref="Data"/> (an add-on gathers its own per-row values with them).</summary>
    public required ArraySegment<int> Rows { get; init; }

    /// <summary>The training data the rows index.</summary>
    public required TrainingData Data { get; init; }

    /// <summary>Where the network lives.</summary>
    public required Device Device { get; init; }

    /// <summary>The network's input [count, …]; an add-on may replace it before the forward pass (augmentation).</summary>
    public required Tensor X { get; set; }

    /// <summary>The targets [count] (float labels, or class indices for multiclass).</summary>
    public required Tensor Target { get; init; }

    /// <summary>The example weights [count].</summary>
    public required Tensor Weight { get; init; }

    /// <summary>The network's output [count, outputs]; null before the forward pass.</summary>
    public Tensor? Output { get; set; }
}
