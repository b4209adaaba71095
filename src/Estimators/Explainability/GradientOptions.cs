using DeepML.Explainability;

namespace DeepML;

/// <summary>How integrated gradients turns its path integral into a sum (Captum's names).</summary>
public enum IntegrationMethod
{
    /// <summary>Gauss–Legendre quadrature on [0, 1] (Captum's default): exact for polynomials of degree 2n − 1.</summary>
    GaussLegendre,
    /// <summary>Riemann sum at α = k/n, k = 0 … n − 1.</summary>
    RiemannLeft,
    /// <summary>Riemann sum at α = k/n, k = 1 … n.</summary>
    RiemannRight,
    /// <summary>Riemann sum at α = (k + ½)/n.</summary>
    RiemannMiddle,
    /// <summary>Trapezoid rule at α = k/(n − 1), k = 0 … n − 1.</summary>
    RiemannTrapezoid,
}

/// <summary>
/// What every gradient explainer of a DeepML network needs: the explained output, the device and the batch size.
/// Immutable; each property is validated when it is set and throws an <see cref="ArgumentException"/> naming it.
/// </summary>
public abstract record GradientOptions
{
    private readonly ExplainedOutput _output = ExplainedOutput.Score;
    private readonly string _device = "cpu";
    private readonly int _maxBatchRows = 4096;

    /// <summary>
    /// The explained output: <c>Score</c> (the binary logit or the regression value), <c>Probability</c> (binary: the sigmoid
    /// of the logit), or <see cref="ExplainedOutput.Class"/> (multiclass: that class's softmax probability, as the <c>Score</c> column holds it).
    /// </summary>
    public ExplainedOutput Output
    {
        get => _output;
        init => _output = value ?? throw new ArgumentException("GradientOptions: Output must be set, for example ExplainedOutput.Score.", nameof(Output));
    }

    /// <summary>Where the gradients are computed: <c>cpu</c> (default) or <c>cuda:N</c> (needs a CUDA libtorch; see <see cref="TorchRuntime"/>).</summary>
    public string Device
    {
        get => _device;
        init => _device = string.IsNullOrWhiteSpace(value)
            ? throw new ArgumentException("GradientOptions: Device must be \"cpu\" or \"cuda:N\".", nameof(Device))
            : value;
    }

    /// <summary>Network rows per forward/backward pass (an explained row costs one per step or sample); default 4,096.</summary>
    public int MaxBatchRows
    {
        get => _maxBatchRows;
        init => _maxBatchRows = value >= 1 ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxBatchRows), value, "GradientOptions: MaxBatchRows must be at least 1.");
    }
}

/// <summary>Options of saliency (Simonyan et al. 2014): the gradient of the output with respect to each input.</summary>
public sealed record SaliencyOptions : GradientOptions
{
    /// <summary>Report |∂f/∂x| (default, as Captum's <c>Saliency</c>); false keeps the sign.</summary>
    public bool Absolute { get; init; } = true;
}

/// <summary>Options of integrated gradients (Sundararajan et al. 2017): (x − x′) ⊙ ∫₀¹ ∇f(x′ + α(x − x′)) dα.</summary>
public sealed record IntegratedGradientsOptions : GradientOptions
{
    private readonly int _steps = 50;
    private readonly float[]? _baseline;

    /// <summary>Points on the path (Captum's <c>n_steps</c>, default 50); at least 2.</summary>
    public int Steps
    {
        get => _steps;
        init => _steps = value >= 2 ? value
            : throw new ArgumentOutOfRangeException(nameof(Steps), value, "IntegratedGradientsOptions: Steps must be at least 2 (50 is Captum's default).");
    }

    /// <summary>The quadrature (default Gauss–Legendre).</summary>
    public IntegrationMethod Integration { get; init; } = IntegrationMethod.GaussLegendre;

    /// <summary>The baseline x′, one value per input; null (default) is all zeros (the mean of standardised features, a black image).</summary>
    public float[]? Baseline
    {
        get => _baseline;
        init => _baseline = value is null || value.All(float.IsFinite) ? value
            : throw new ArgumentException("IntegratedGradientsOptions: Baseline must hold finite values only.", nameof(Baseline));
    }
}

/// <summary>Options of SmoothGrad (Smilkov et al. 2017): the mean gradient over noisy copies of the input.</summary>
public sealed record SmoothGradOptions : GradientOptions
{
    private readonly int _samples = 25;
    private readonly double _noiseLevel = 0.15;

    /// <summary>Noisy copies per row (default 25); at least 1.</summary>
    public int Samples
    {
        get => _samples;
        init => _samples = value >= 1 ? value
            : throw new ArgumentOutOfRangeException(nameof(Samples), value, "SmoothGradOptions: Samples must be at least 1 (25 is a good default).");
    }

    /// <summary>The noise's standard deviation as a fraction of the row's range max(x) − min(x) (the paper's 10–20 %; default 0.15); in [0, 10].</summary>
    public double NoiseLevel
    {
        get => _noiseLevel;
        init => _noiseLevel = double.IsFinite(value) && value is >= 0 and <= 10 ? value
            : throw new ArgumentOutOfRangeException(nameof(NoiseLevel), value, "SmoothGradOptions: NoiseLevel must be in [0, 10] (0.1–0.2 is the paper's advice).");
    }

    /// <summary>Average |∂f/∂x| (true) or the signed gradient (false, default, the paper's).</summary>
    public bool Absolute { get; init; }

    /// <summary>The noise seed; null derives one from the <c>MLContext</c>'s seed. Each row draws from a generator seeded by this seed and the row's values.</summary>
    public int? Seed { get; init; }
}
