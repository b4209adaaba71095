namespace DeepML;

/// <summary>
/// One layer of a framework-neutral network description. A <see cref="NetworkSpec"/> is an
/// immutable list of these; TorchSharp modules are built from it for training, the ONNX graph is
/// generated from it for inference, and compression rewrites it.
/// </summary>
/// <remarks>
/// Weights are not part of the description: they live in a <see cref="NetworkWeights"/> keyed by
/// <c>"{layerIndex}.{name}"</c> (for example <c>"0.weight"</c>, <c>"0.bias"</c>,
/// <c>"2.running_mean"</c>), with PyTorch's shapes (a dense weight is <c>[out, in]</c>).
/// </remarks>
public abstract record LayerSpec
{
    private protected LayerSpec() { }

    /// <summary>A short human-readable name of the layer kind ("Dense", "BatchNorm", ...).</summary>
    public abstract string Kind { get; }

    /// <summary>The size of one example after this layer, given the size before it.</summary>
    /// <param name="inputSize">Features per example entering the layer.</param>
    public abstract int OutputSize(int inputSize);

    /// <summary>The names (without the layer prefix) and shapes of this layer's weights.</summary>
    /// <param name="inputSize">Features per example entering the layer.</param>
    public virtual IEnumerable<(string Name, int[] Shape)> WeightShapes(int inputSize) => [];
}

/// <summary>A fully connected layer: <c>y = x·Wᵀ + b</c>, with <c>W</c> of shape <c>[Units, in]</c>.</summary>
public sealed record DenseLayer : LayerSpec
{
    /// <summary>Creates a dense layer.</summary>
    /// <param name="units">Output features; at least 1.</param>
    /// <param name="useBias">Whether the layer adds a bias vector.</param>
    public DenseLayer(int units, bool useBias = true)
    {
        if (units < 1)
            throw new ArgumentException($"DenseLayer: units must be at least 1, got {units}.", nameof(units));
        Units = units;
        UseBias = useBias;
    }

    /// <summary>Output features.</summary>
    public int Units { get; }

    /// <summary>Whether a bias vector is added.</summary>
    public bool UseBias { get; }

    /// <inheritdoc />
    public override string Kind => "Dense";

    /// <inheritdoc />
    public override int OutputSize(int inputSize) => Units;

    /// <inheritdoc />
    public override IEnumerable<(string Name, int[] Shape)> WeightShapes(int inputSize)
    {
        yield return ("weight", [Units, inputSize]);
        if (UseBias)
            yield return ("bias", [Units]);
    }
}

/// <summary>Element-wise non-linearities.</summary>
public enum ActivationKind
{
    /// <summary><c>max(0, x)</c>.</summary>
    Relu,
    /// <summary><c>x</c> for x ≥ 0, <c>α·x</c> otherwise (α = <see cref="ActivationLayer.Alpha"/>).</summary>
    LeakyRelu,
    /// <summary>Exact GELU, <c>x·Φ(x)</c> (built from Erf in ONNX).</summary>
    Gelu,
    /// <summary>Hyperbolic tangent.</summary>
    Tanh,
    /// <summary>Logistic sigmoid.</summary>
    Sigmoid,
    /// <summary><c>x</c> for x ≥ 0, <c>α·(eˣ − 1)</c> otherwise (α = <see cref="ActivationLayer.Alpha"/>).</summary>
    Elu,
    /// <summary><c>x·sigmoid(x)</c> (also called swish).</summary>
    Silu,
}

/// <summary>An element-wise activation.</summary>
public sealed record ActivationLayer : LayerSpec
{
    /// <summary>Creates an activation layer.</summary>
    /// <param name="activation">Which non-linearity.</param>
    /// <param name="alpha">Slope (LeakyRelu) or scale (Elu) for negative inputs; ignored otherwise.</param>
    public ActivationLayer(ActivationKind activation, double alpha = double.NaN)
    {
        if (!Enum.IsDefined(activation))
            throw new ArgumentException($"ActivationLayer: unknown activation {(int)activation}.", nameof(activation));
        Activation = activation;
        Alpha = double.IsNaN(alpha) ? (activation == ActivationKind.Elu ? 1.0 : 0.01) : alpha;
        if (!double.IsFinite(Alpha) || Alpha < 0)
            throw new ArgumentException($"ActivationLayer: alpha must be a finite value ≥ 0, got {alpha}.", nameof(alpha));
    }

    /// <summary>The non-linearity.</summary>
    public ActivationKind Activation { get; }

    /// <summary>Negative-side slope (LeakyRelu) or scale (Elu).</summary>
    public double Alpha { get; }

    /// <inheritdoc />
    public override string Kind => Activation.ToString();

    /// <inheritdoc />
    public override int OutputSize(int inputSize) => inputSize;
}

/// <summary>Dropout during training; removed for inference (and from exported ONNX graphs).</summary>
public sealed record DropoutLayer : LayerSpec
{
    /// <summary>Creates a dropout layer.</summary>
    /// <param name="rate">Probability of zeroing an element, in [0, 1).</param>
    public DropoutLayer(double rate)
    {
        if (!(rate >= 0 && rate < 1))
            throw new ArgumentException($"DropoutLayer: rate must be in [0, 1), got {rate}.", nameof(rate));
        Rate = rate;
    }

    /// <summary>Probability of zeroing an element during training.</summary>
    public double Rate { get; }

    /// <inheritdoc />
    public override string Kind => "Dropout";

    /// <inheritdoc />
    public override int OutputSize(int inputSize) => inputSize;
}

/// <summary>
/// Batch normalisation over the feature axis of a <c>[batch, features]</c> input. For inference
/// it is <c>y = (x − running_mean) / sqrt(running_var + ε) · weight + bias</c>, which the ONNX
/// export folds into the preceding dense layer where there is one.
/// </summary>
public sealed record BatchNormLayer : LayerSpec
{
    /// <summary>Creates a batch-norm layer.</summary>
    /// <param name="epsilon">Added to the variance for stability; &gt; 0.</param>
    /// <param name="momentum">Running-statistics update rate, in (0, 1] (PyTorch's convention).</param>
    public BatchNormLayer(double epsilon = 1e-5, double momentum = 0.1)
    {
        if (!(epsilon > 0) || !double.IsFinite(epsilon))
            throw new ArgumentException($"BatchNormLayer: epsilon must be a finite value > 0, got {epsilon}.", nameof(epsilon));
        if (!(momentum > 0 && momentum <= 1))
            throw new ArgumentException($"BatchNormLayer: momentum must be in (0, 1], got {momentum}.", nameof(momentum));
        Epsilon = epsilon;
        Momentum = momentum;
    }

    /// <summary>Added to the variance before the square root.</summary>
    public double Epsilon { get; }

    /// <summary>Running-statistics update rate (PyTorch's convention: new = (1 − m)·old + m·batch).</summary>
    public double Momentum { get; }

    /// <inheritdoc />
    public override string Kind => "BatchNorm";

    /// <inheritdoc />
    public override int OutputSize(int inputSize) => inputSize;

    /// <inheritdoc />
    public override IEnumerable<(string Name, int[] Shape)> WeightShapes(int inputSize)
    {
        yield return ("weight", [inputSize]);
        yield return ("bias", [inputSize]);
        yield return ("running_mean", [inputSize]);
        yield return ("running_var", [inputSize]);
    }
}
