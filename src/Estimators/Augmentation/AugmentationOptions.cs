using System.Text.Json;

namespace DeepML;

/// <summary>
/// On-the-fly data augmentation for DeepML's trainers: set it as <see cref="NeuralNetworkOptions.Augmentation"/> and every
/// training mini-batch passes through <see cref="Steps"/>, in order, before the forward pass. Immutable; validated when it is
/// built (each step validates its own properties when they are set), throwing an <see cref="ArgumentException"/> naming the option.
/// </summary>
/// <remarks>
/// <para><b>Training batches only.</b> Validation (and so early stopping), the fitted model, its ONNX export and scoring never see
/// an augmented input: augmentation is a training add-on (<c>BeforeForward</c>, and <c>OnLoss</c> for <see cref="Mixup"/>).</para>
/// <para><b>Randomness.</b> Every draw of a batch comes from generators seeded from (the run's seed, the epoch, the batch's index),
/// so each epoch draws anew, two runs with the same seed augment identically, and a run resumed from a checkpoint augments exactly
/// as the uninterrupted one did (bit-identical weights on the CPU). Each example of a batch gets its own draws (whether a step
/// applies, by its <see cref="AugmentationStep.Probability"/>, and the step's parameters), as torchvision draws per image.</para>
/// <para><b>Steps.</b> Image steps (<see cref="HorizontalFlip"/>, <see cref="VerticalFlip"/>, <see cref="RandomCrop"/>,
/// <see cref="RandomTranslation"/>, <see cref="RandomRotation"/>, <see cref="RandomResizedCrop"/>, <see cref="BrightnessContrast"/>,
/// <see cref="RandomErasing"/>) need a <c>[C, H, W]</c> <see cref="NeuralNetworkOptions.InputShape"/>; <see cref="GaussianNoise"/>
/// and <see cref="Mixup"/> take any input. All are batch tensor operations on the training device.</para>
/// <para>Checkpoints hold these options; resuming with other augmentation options, or without augmentation, is refused (naming
/// <see cref="NeuralNetworkOptions.Augmentation"/>).</para>
/// </remarks>
public sealed record AugmentationOptions
{
    private readonly IReadOnlyList<AugmentationStep> _steps = [];

    /// <summary>The steps, applied in order to every training batch; at least one, no nulls, at most one <see cref="Mixup"/>, every range's minimum at most its maximum. Required.</summary>
    public required IReadOnlyList<AugmentationStep> Steps
    {
        get => _steps;
        init
        {
            if (value is null || value.Count == 0)
                throw new ArgumentException("AugmentationOptions: Steps is empty; expected at least one step, for example [new HorizontalFlip(), new RandomCrop { Padding = 4 }]. Leave NeuralNetworkOptions.Augmentation null to train without augmentation.", nameof(Steps));
            if (value.Any(s => s is null))
                throw new ArgumentException("AugmentationOptions: Steps holds a null step; expected augmentation steps only. Remove the null entry.", nameof(Steps));
            if (value.Count(s => s is Mixup) > 1)
                throw new ArgumentException("AugmentationOptions: Steps holds more than one Mixup; expected at most one (mixup mixes the batch's targets once). Keep a single Mixup step.", nameof(Steps));
            foreach (var step in value)
                step.Validate(); // ranges as a whole: a minimum above its maximum fails here, where the options are written
            _steps = value.ToArray();
        }
    }

    /// <summary>A one-line description of every step and its parameters (invariant culture), as checkpoints record it.</summary>
    public override string ToString() => "Augmentation[" + string.Join(", ", _steps.Select(Describe)) + "]";

    private static string Describe(AugmentationStep step) => step.GetType().Name + JsonSerializer.Serialize(step, step.GetType());
}
