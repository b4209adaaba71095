using System.Text.Json;
using static TorchSharp.torch;

namespace DeepML;

/// <summary>
/// A training add-on (adversarial debiasing, distillation, pruning masks and augmentation today; quantization-aware
/// training later) as the <see cref="TrainingLoop"/> sees it: a handful of hooks
/// at fixed points of a step and an epoch, and a part of the checkpoint. The loop knows no add-on
/// by name; it calls every extension, in the order the trainer lists them, at each point.
/// </summary>
/// <remarks>
/// <para>A step, in order: <see cref="BeforeForward"/> (may replace <see cref="TrainingStep.X"/>),
/// the forward pass, the task loss (recorded as the epoch's training loss) and the L1 penalty,
/// <see cref="OnLoss"/> (may add terms), backward (<see cref="Backward"/> of the one extension
/// whose <see cref="TakesOverBackward"/> is true, else <c>loss.backward()</c>), gradient clipping, the optimizer step, then
/// <see cref="AfterStep"/>. After the epoch's last batch and before validation, <see cref="EndEpoch"/>.</para>
/// <para>Checkpoints: <see cref="Save"/> adds the extension's tensors (under a prefix of its own) and returns
/// its header part, stored under <see cref="Name"/>; on resume <see cref="Restore"/> gets that part back
/// (null if the checkpoint has none, which the extension must refuse if it needs state). A checkpoint
/// with a part that no extension of the run claims is refused by <see cref="TrainingExtensions"/>.</para>
/// <para>Every hook has an empty default, so an add-on implements only what it uses. See the README in
/// this folder for how each planned add-on maps onto the hooks.</para>
/// </remarks>
internal interface ITrainingExtension : IDisposable
{
    /// <summary>The key of this extension's part of a checkpoint header; unique within a run.</summary>
    string Name { get; }

    /// <summary>Before the forward pass: the batch's rows, inputs and targets are known; <see cref="TrainingStep.X"/> may be replaced.</summary>
    void BeforeForward(TrainingStep step) { }

    /// <summary>After the task loss (and L1 penalty): returns the loss to back-propagate (the same one, or one with terms added).</summary>
    Tensor OnLoss(TrainingStep step, Tensor loss) => loss;

    /// <summary>
    /// Whether this extension takes over the backward pass (<see cref="Backward"/>); false, the default, leaves it to the loop.
    /// Declared up front so that a run with two such extensions is refused before it trains, not after one of them has back-propagated.
    /// </summary>
    bool TakesOverBackward => false;

    /// <summary>
    /// The backward pass, called only on the one extension of a run whose <see cref="TakesOverBackward"/> is true: returns
    /// true when it back-propagated <paramref name="loss"/> itself (it must leave the network's gradients in its parameters'
    /// <c>grad</c>), false to let the loop call <c>loss.backward()</c> after all.
    /// </summary>
    bool Backward(TrainingStep step, Tensor loss) => false;

    /// <summary>After the network's optimizer step (e.g. an add-on's own optimizer, masks re-applied to weights).</summary>
    void AfterStep(TrainingStep step) { }

    /// <summary>After an epoch's last batch, before validation; <paramref name="log"/> writes to the trainer's channel.</summary>
    void EndEpoch(int epoch, Action<string> log) { }

    /// <summary>
    /// Whether the network after <paramref name="epoch"/> is one the run may keep (default true): while any extension says no,
    /// early stopping neither snapshots the epoch as the best nor counts it towards its patience (pruning, until its schedule
    /// has reached the final sparsity). Asked after <see cref="EndEpoch"/>, before the validation loss is compared.
    /// </summary>
    bool Settled(int epoch) => true;

    /// <summary>Adds this extension's tensors to a checkpoint and returns its header part (null: nothing beside the tensors).</summary>
    JsonElement? Save(IDictionary<string, Tensor> tensors) => null;

    /// <summary>Puts the extension back where a checkpoint left it; <paramref name="header"/> is null when the checkpoint has no part for it.</summary>
    void Restore(JsonElement? header, IReadOnlyDictionary<string, Tensor> tensors) { }
}
