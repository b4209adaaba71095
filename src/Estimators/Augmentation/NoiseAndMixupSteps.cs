using System.Globalization;
using static TorchSharp.torch;

namespace DeepML;

/// <summary>How <see cref="GaussianNoise.StandardDeviation"/> is scaled for each feature.</summary>
public enum NoiseScale
{
    /// <summary>The same standard deviation for every feature (pixels, or features already standardised).</summary>
    Absolute,

    /// <summary>Multiplied by each feature's standard deviation over the training rows (0 for a constant feature), so raw tabular features of different units get noise of the same relative size.</summary>
    PerFeatureStandardDeviation,
}

/// <summary>
/// Adds Gaussian noise to every value of an example: <c>x' = x + σ_f·ε</c>, ε ~ N(0, 1) per value, with
/// <c>σ_f</c> = <see cref="StandardDeviation"/>, times the feature's training standard deviation with
/// <see cref="NoiseScale.PerFeatureStandardDeviation"/>. Works on vectors and images alike. Default probability 1.
/// </summary>
public sealed record GaussianNoise : AugmentationStep
{
    private readonly double _standardDeviation = 0.1;

    /// <summary>Noise of standard deviation 0.1, on every example.</summary>
    public GaussianNoise() : base(1) { }

    /// <summary>The noise's standard deviation, in [0, 1000] (relative to each feature's with <see cref="NoiseScale.PerFeatureStandardDeviation"/>). Default 0.1.</summary>
    public double StandardDeviation { get => _standardDeviation; init => _standardDeviation = InRange(value, 0, 1000, nameof(StandardDeviation), "0.05 to 0.1 is usual for standardised features."); }

    /// <summary>Absolute (default) or relative to each feature's training standard deviation.</summary>
    public NoiseScale Scale
    {
        get;
        init => field = Enum.IsDefined(value) ? value : throw new ArgumentException($"GaussianNoise: Scale {value} is not a NoiseScale value; use Absolute or PerFeatureStandardDeviation.", nameof(Scale));
    } = NoiseScale.Absolute;

    internal override bool IsImageStep => false;

    internal override Tensor Apply(Tensor x, bool[] applies, AugmentationBatch batch)
    {
        var noise = batch.Normal(x.shape);
        var sd = batch.FeatureSd;
        if (Scale == NoiseScale.PerFeatureStandardDeviation && sd is not null)
            return x + noise * sd.view(x.shape[1..]) * StandardDeviation;
        return x + noise * StandardDeviation;
    }
}

/// <summary>
/// mixup (Zhang, Cisse, Dauphin &amp; Lopez-Paz 2018, "mixup: Beyond Empirical Risk Minimization"): with
/// <see cref="AugmentationStep.Probability"/> per batch (default 1), one <c>λ ~ Beta(α, α)</c> (<c>α</c> = <see cref="Alpha"/>) and
/// a random pairing <c>j = π(i)</c> of the batch's examples; each input becomes <c>x̃ᵢ = λ·xᵢ + (1 − λ)·xⱼ</c> and the loss
/// <c>λ·L(yᵢ) + (1 − λ)·L(yⱼ)</c> (the task's own weighted loss, each example keeping its weight). Binary and multiclass
/// classification; regression only with <see cref="AllowRegression"/>.
/// </summary>
/// <remarks>The epoch's reported training loss is the task loss against the examples' own labels (before mixing the targets);
/// the mixed loss is what is back-propagated. Validation is never mixed.</remarks>
public sealed record Mixup : AugmentationStep
{
    private readonly double _alpha = 0.2;

    /// <summary>mixup with α = 0.2 on every batch.</summary>
    public Mixup() : base(1) { }

    /// <summary>The Beta distribution's parameter α, in (0, 100]; small values keep λ near 0 or 1. Default 0.2 (Zhang et al. use 0.1 to 0.4).</summary>
    public double Alpha
    {
        get => _alpha;
        init => _alpha = double.IsFinite(value) && value > 0 && value <= 100 ? value
            : throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Mixup: Alpha must be in (0, 100], got {value}. Zhang et al. use 0.1 to 0.4."), nameof(Alpha));
    }

    /// <summary>
    /// Whether mixup may train a regression network (mixing the squared or Huber losses of the two targets). Default false: mixup is
    /// defined for classification, and a regression trainer with it is refused unless this is set.
    /// </summary>
    public bool AllowRegression { get; init; }

    internal override bool IsImageStep => false;

    internal override void Check(TensorShape? shape, PredictionKind task, string component)
    {
        if (task == PredictionKind.Regression && !AllowRegression)
            throw new ArgumentException($"{component}: augmentation step Mixup mixes the targets of two examples, which is defined for classification; this trainer is for regression. " +
                "Set Mixup.AllowRegression = true to mix regression losses all the same, or remove the Mixup step.", nameof(Mixup.AllowRegression));
    }

    /// <summary>Inputs mixed with the permuted batch: λ·x + (1 − λ)·x[π].</summary>
    internal static Tensor Mix(Tensor x, Tensor permutation, double lambda) => x * lambda + x.index_select(0, permutation) * (1 - lambda);

    internal override Tensor Apply(Tensor x, bool[] applies, AugmentationBatch batch) =>
        throw new InvalidOperationException("Mixup: the augmentation run mixes inputs and targets together (AugmentationRun); Apply is not used.");
}
