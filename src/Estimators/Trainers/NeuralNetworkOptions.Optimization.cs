namespace DeepML;

// How each step moves the weights: optimizer, learning rate and its schedule, regularisation, gradient clipping, initialisation.
public sealed partial record NeuralNetworkOptions
{
    /// <summary>The optimizer. Default <see cref="OptimizerKind.Adam"/>.</summary>
    public OptimizerKind Optimizer { get; init => field = Check(value, Enum.IsDefined(value), nameof(Optimizer), "a defined OptimizerKind"); } = OptimizerKind.Adam;

    /// <summary>Step size; finite and &gt; 0. Default 1e-3.</summary>
    public double LearningRate { get => _learningRate; init => _learningRate = Check(value, double.IsFinite(value) && value > 0, nameof(LearningRate), "a finite value > 0"); }

    /// <summary>
    /// How the rate changes during the run, starting from <see cref="LearningRate"/>: warm-up, step
    /// decay, cosine annealing or reduce on plateau (see <see cref="DeepML.LearningRateSchedule"/>);
    /// e.g. <c>LearningRateSchedule.Cosine(minimum: 1e-5).WithWarmUp(2)</c>. Default
    /// <see cref="LearningRateSchedule.Constant"/>: <see cref="LearningRate"/> throughout.
    /// </summary>
    public LearningRateSchedule LearningRateSchedule
    {
        get;
        init => field = value ?? throw new ArgumentNullException(nameof(LearningRateSchedule),
            "NeuralNetworkOptions: LearningRateSchedule must not be null; use LearningRateSchedule.Constant() for a constant rate.");
    } = LearningRateSchedule.Constant();

    /// <summary>SGD momentum, in [0, 1). Default 0.9. Ignored by Adam/AdamW.</summary>
    public double Momentum { get => _momentum; init => _momentum = Check(value, value >= 0 && value < 1, nameof(Momentum), "in [0, 1)"); }

    /// <summary>Weight decay: L2 for Adam and SGD, decoupled for AdamW; ≥ 0. Default 0.</summary>
    public double WeightDecay { get => _weightDecay; init => _weightDecay = Check(value, double.IsFinite(value) && value >= 0, nameof(WeightDecay), "a finite value ≥ 0"); }

    /// <summary>L1 penalty on dense-layer weights (not biases), added to the loss; ≥ 0. Default 0.</summary>
    public double L1Regularization { get => _l1; init => _l1 = Check(value, double.IsFinite(value) && value >= 0, nameof(L1Regularization), "a finite value ≥ 0"); }

    /// <summary>Clips the global gradient norm to this value; 0 turns clipping off. Default 0.</summary>
    public double GradientClipNorm { get => _gradientClipNorm; init => _gradientClipNorm = Check(value, double.IsFinite(value) && value >= 0, nameof(GradientClipNorm), "a finite value ≥ 0 (0 = off)"); }

    /// <summary>Dense-layer weight initialisation. Default <see cref="WeightInitializer.Default"/>.</summary>
    public WeightInitializer Initializer { get; init => field = Check(value, Enum.IsDefined(value), nameof(Initializer), "a defined WeightInitializer"); } = WeightInitializer.Default;
}
