using System.Text.Json;
using static TorchSharp.torch;

namespace DeepML;

/// <summary>
/// Adversarial debiasing as a <see cref="ITrainingExtension"/>: it takes over the backward pass
/// (<see cref="Backward(Tensor, Tensor, Tensor, Tensor, Tensor, int)"/>), steps the adversary after
/// the network, logs the adversary's loss at each epoch's end, and saves the adversary's weights,
/// Adam moments and header (<see cref="AdversaryCheckpoint"/>) into the checkpoint.
/// </summary>
internal sealed partial class AdversarialDebiasingStep : ITrainingExtension
{
    /// <inheritdoc />
    public string Name => CheckpointState.AdversaryPart;

    /// <summary>The batch's sensitive groups' storage (see <see cref="SensitiveOf"/>); null until the first batch.</summary>
    private Tensor? _sensitive;

    /// <inheritdoc />
    bool ITrainingExtension.TakesOverBackward => true;

    /// <summary>The predictor's gradient made blind to (and, with α &gt; 0, pushed against) the adversary.</summary>
    bool ITrainingExtension.Backward(TrainingStep step, Tensor loss)
    {
        Backward(loss, step.Output ?? throw new InvalidOperationException("AdversarialDebiasingStep: the backward pass needs the network's output; the loop sets it after the forward pass."),
            step.Target, step.Weight, SensitiveOf(step), step.Epoch);
        return true;
    }

    void ITrainingExtension.AfterStep(TrainingStep step) => Step();

    void ITrainingExtension.EndEpoch(int epoch, Action<string> log) => log($"epoch {epoch}: adversary loss {TakeEpochLoss():F4}.");

    JsonElement? ITrainingExtension.Save(IDictionary<string, Tensor> tensors)
    {
        AddCheckpointTensors(tensors);
        return JsonSerializer.SerializeToElement(CheckpointHeader());
    }

    /// <summary>
    /// The options and groups were checked before the data was read (<see cref="CheckResume"/>, and the
    /// groups encoded with the checkpoint's), so only the tensors and the step count are restored here.
    /// </summary>
    void ITrainingExtension.Restore(JsonElement? header, IReadOnlyDictionary<string, Tensor> tensors) =>
        Restore(header?.Deserialize<AdversaryCheckpoint>() ?? throw new InvalidOperationException("DeepML checkpoint: no adversary state to restore (CheckResume should have refused this checkpoint)."), tensors);

    /// <summary>The batch's sensitive groups [count] (float; 0/1 with two groups), gathered from the training data by the batch's rows.</summary>
    /// <remarks>
    /// Gathered into storage libtorch allocated (reused from batch to batch, like <see cref="BatchBuffer"/>'s, and for
    /// the same reason: CPU kernels round by alignment, and a managed array starts wherever the GC put it).
    /// </remarks>
    private Tensor SensitiveOf(TrainingStep step)
    {
        var groups = step.Data.Sensitive;
        if (groups.Length == 0)
            throw new InvalidOperationException("AdversarialDebiasingStep: the training data holds no sensitive groups; the trainer reads them when AdversarialDebiasing is set.");
        var count = step.Rows.Count;
        if (_sensitive is null || _sensitive.shape[0] < count)
        {
            _sensitive?.Dispose();
            _sensitive = empty([count], ScalarType.Float32).DetachFromDisposeScope();
        }
        var values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(_sensitive.bytes);
        for (var i = 0; i < count; i++)
            values[i] = groups[step.Rows[i]];
        return _sensitive.narrow(0, 0, count).to(step.Device);
    }
}
