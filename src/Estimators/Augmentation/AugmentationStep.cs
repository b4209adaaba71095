using System.Globalization;
using static TorchSharp.torch;

namespace DeepML;

/// <summary>
/// One step of an <see cref="AugmentationOptions"/> pipeline: a random transformation of training examples, applied to each
/// example of a batch on its own with <see cref="Probability"/>. Immutable; every property is validated when it is set.
/// </summary>
/// <remarks>The concrete steps are the image steps (which need a <c>[C, H, W]</c> input shape), <see cref="GaussianNoise"/>
/// and <see cref="Mixup"/>. Steps are not meant to be derived outside DeepML.</remarks>
public abstract record AugmentationStep
{
    private readonly double _probability;

    private protected AugmentationStep(double probability) => _probability = probability;

    /// <summary>The chance, in [0, 1], that the step transforms an example (drawn per example; per batch for <see cref="Mixup"/>). 0 never, 1 always.</summary>
    public double Probability
    {
        get => _probability;
        init => _probability = double.IsFinite(value) && value is >= 0 and <= 1 ? value
            : throw new ArgumentException($"{GetType().Name}: Probability must be in [0, 1] (the chance that an example is transformed), got {value.ToString(CultureInfo.InvariantCulture)}. Use 0.5 for a coin flip, 1 to always apply.", nameof(Probability));
    }

    /// <summary>Whether the step works on images (<c>[C, H, W]</c> inputs only).</summary>
    internal virtual bool IsImageStep => true;

    /// <summary>Checks what no single property can (a minimum above its maximum), when the step joins an <see cref="AugmentationOptions"/>.</summary>
    internal virtual void Validate() { }

    /// <summary>Refuses a range whose minimum is above its maximum, naming the minimum.</summary>
    private protected void Ordered(double min, double max, string minName, string maxName)
    {
        if (min > max)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{GetType().Name}: {minName} ({min}) is above {maxName} ({max}); expected {minName} ≤ {maxName}. Swap them."), minName);
    }

    /// <summary>Checks the step against the network's input shape and the task, when the trainer is made (throws naming <c>Augmentation</c>).</summary>
    internal virtual void Check(TensorShape? shape, PredictionKind task, string component)
    {
        if (IsImageStep && (shape is null || shape.Dims.Count != 3))
            throw new ArgumentException($"{component}: augmentation step {GetType().Name} works on images and needs an input of shape [C, H, W], but the network's input is " +
                $"{(shape is null ? "a flat feature vector [F] (NeuralNetworkOptions.InputShape is null)" : shape.ToString())}. Declare InputShape = new TensorShape(channels, height, width), " +
                "or use only GaussianNoise and Mixup on vector inputs.", nameof(NeuralNetworkOptions.Augmentation));
    }

    /// <summary>
    /// The step applied to every example of <paramref name="x"/> (<c>[B, C, H, W]</c> for image steps, <c>[B, F]</c> otherwise);
    /// <paramref name="applies"/> says which examples the caller keeps transformed (a step whose draws make "not applied" cheap, such
    /// as erasing, may use it). Draws come from <paramref name="batch"/>.
    /// </summary>
    internal abstract Tensor Apply(Tensor x, bool[] applies, AugmentationBatch batch);

    /// <summary>An error naming the option of a step whose parameters do not fit the image.</summary>
    private protected ArgumentException DoesNotFit(string component, TensorShape shape, string what, string fix) =>
        new($"{component}: augmentation step {GetType().Name}: {what} does not fit the input images {shape} ({shape.Dims[1]}×{shape.Dims[2]} pixels). {fix}", nameof(NeuralNetworkOptions.Augmentation));

    /// <summary>A range check for a step's property.</summary>
    private protected double InRange(double value, double min, double max, string option, string hint) =>
        double.IsFinite(value) && value >= min && value <= max ? value
            : throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{GetType().Name}: {option} must be in [{min}, {max}], got {value}. {hint}"), option);
}
