namespace DeepML;

// On-the-fly augmentation: training batches pass through seeded random steps before the forward pass.
public sealed partial record NeuralNetworkOptions
{
    /// <summary>
    /// On-the-fly augmentation of the training batches (<see cref="AugmentationOptions"/>: image flips, crops, rotations,
    /// colour jitter, erasing, noise, mixup); null (default) trains on the batches as they are. Validation, the fitted model and
    /// scoring never see augmented inputs. Image steps need a <c>[C, H, W]</c> <see cref="InputShape"/>; the trainer checks the
    /// steps against the shape and the task when it is made. Checkpoints record the options, and a resumed run augments exactly
    /// as an uninterrupted one.
    /// </summary>
    public AugmentationOptions? Augmentation { get; init; }
}
