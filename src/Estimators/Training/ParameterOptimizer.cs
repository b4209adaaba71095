using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DeepML;

/// <summary>
/// Adam, AdamW and SGD with momentum, written against TorchSharp tensor operations with every
/// <see cref="Scalar"/> held for the whole call that uses it.
/// </summary>
/// <remarks>
/// <para>Why not <c>torch.optim</c>: TorchSharp 0.107's optimizers pass scalars made by implicit
/// conversion (<c>value: -step_size</c>) to native calls without keeping them alive, so the
/// finalizer thread can free a scalar while libtorch reads it. We saw this abort a process on
/// this machine ("Expected false to be true ... toFloat at c10/core/Scalar.h:140", inside
/// <c>AdamW.step</c> → <c>addcdiv_</c>), in about one Adult run out of five. Every scalar here is a
/// local in a <c>using</c> declaration, alive until the step ends, and every call that has an
/// optional scalar argument (<c>add_(x)</c> means <c>add_(x, alpha: 1)</c>) gets it explicitly.</para>
/// <para>The update rules follow PyTorch's documentation for <c>torch.optim.Adam</c> (L2 weight decay
/// added to the gradient), <c>AdamW</c> (decoupled decay: <c>p ← p·(1 − lr·λ)</c>) and <c>SGD</c>
/// (momentum buffer <c>b ← μ·b + g</c>, dampening 0). The state (step count and moment buffers)
/// is plain tensors, so checkpoints can save and restore it exactly.</para>
/// </remarks>
internal sealed class ParameterOptimizer : IDisposable
{
    private const double Beta1 = 0.9;
    private const double Beta2 = 0.999;
    private const double Epsilon = 1e-8;
    private readonly OptimizerKind _kind;
    private double _learningRate;
    private readonly double _weightDecay;
    private readonly double _momentum;
    private readonly Parameter[] _parameters;
    private readonly Tensor[] _first;
    private readonly Tensor[] _second;
    private readonly double[]? _multipliers;

    /// <summary>
    /// An optimizer over <paramref name="parameters"/>; <paramref name="multipliers"/> are per-parameter learning-rate
    /// multipliers (parameter groups, aligned with the parameters; null: 1 for all), which scale the rate and the decoupled weight decay.
    /// </summary>
    public ParameterOptimizer(IEnumerable<Parameter> parameters, OptimizerKind kind, double learningRate, double weightDecay, double momentum, IReadOnlyList<double>? multipliers = null)
    {
        _multipliers = multipliers?.ToArray();
        _kind = kind;
        _learningRate = learningRate;
        _weightDecay = weightDecay;
        _momentum = momentum;
        _parameters = parameters.ToArray();
        if (_multipliers is not null && _multipliers.Length != _parameters.Length)
            throw new ArgumentException($"ParameterOptimizer: {_multipliers.Length} learning-rate multipliers for {_parameters.Length} parameters; expected one per parameter.", nameof(multipliers));
        using var noGrad = no_grad();
        _first = _parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
        _second = kind == OptimizerKind.Sgd ? [] : _parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
    }

    /// <summary>
    /// The step size of the next <see cref="Step"/>; finite and ≥ 0. A learning-rate schedule sets it
    /// before every step: the moment buffers are kept, and each step makes its scalars from the
    /// current value (held for the whole step, like every scalar here).
    /// </summary>
    public double LearningRate
    {
        get => _learningRate;
        set => _learningRate = double.IsFinite(value) && value >= 0 ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "ParameterOptimizer: the learning rate must be finite and ≥ 0.");
    }

    /// <summary>Steps taken so far (Adam's bias correction depends on it).</summary>
    public long Steps { get; private set; }

    /// <summary>First-moment (Adam) or momentum (SGD) buffers, one per parameter.</summary>
    public IReadOnlyList<Tensor> FirstMoments => _first;

    /// <summary>Second-moment buffers (Adam, AdamW); empty for SGD.</summary>
    public IReadOnlyList<Tensor> SecondMoments => _second;

    /// <summary>Sets the step count when resuming from a checkpoint (the moment buffers are restored by the caller).</summary>
    public void RestoreSteps(long steps) => Steps = steps;

    /// <summary>Scales all gradients so that their global L2 norm is at most <paramref name="maxNorm"/>; returns the norm before clipping.</summary>
    public double ClipGradientNorm(double maxNorm)
    {
        using var noGrad = no_grad();
        double squares = 0;
        foreach (var p in _parameters)
        {
            using var g = p.grad;
            if (g is null)
                continue;
            using var norm = g.norm();
            var n = norm.item<float>();
            squares += (double)n * n;
        }
        var total = Math.Sqrt(squares);
        if (total > maxNorm)
        {
            using var coefficient = (maxNorm / (total + 1e-6)).ToScalar();
            foreach (var p in _parameters)
            {
                using var g = p.grad;
                g?.mul_(coefficient);
            }
        }
        return total;
    }

    /// <summary>One update of every parameter from its gradient.</summary>
    public void Step()
    {
        Steps++;
        using var noGrad = no_grad();
        if (_kind == OptimizerKind.Sgd)
            StepSgd();
        else
            StepAdam();
    }

    private void StepAdam()
    {
        var decoupled = _kind == OptimizerKind.AdamW;
        var correction1 = 1 - Math.Pow(Beta1, Steps);
        var correction2 = 1 - Math.Pow(Beta2, Steps);
        using var beta1 = Beta1.ToScalar();
        using var oneMinusBeta1 = (1 - Beta1).ToScalar();
        using var beta2 = Beta2.ToScalar();
        using var oneMinusBeta2 = (1 - Beta2).ToScalar();
        using var sqrtCorrection2 = Math.Sqrt(correction2).ToScalar();
        using var epsilon = Epsilon.ToScalar();
        using var negativeStep = (-_learningRate / correction1).ToScalar();
        using var l2 = _weightDecay.ToScalar();
        using var decay = (1 - _learningRate * _weightDecay).ToScalar();
        using var one = 1.0.ToScalar(); // add_(scalar) without alpha would convert 1 implicitly: pass it held
        for (var i = 0; i < _parameters.Length; i++)
        {
            var p = _parameters[i];
            using var grad = p.grad;
            if (grad is null)
                continue;
            var m = Multiplier(i);
            using var groupStep = m == 1 ? null : (-_learningRate * m / correction1).ToScalar();
            using var groupDecay = m == 1 ? null : (1 - _learningRate * m * _weightDecay).ToScalar();
            using var g = !decoupled && _weightDecay > 0 ? grad.add(p, l2) : grad.alias();
            if (decoupled && _weightDecay > 0)
                p.mul_(groupDecay ?? decay);
            _first[i].mul_(beta1).add_(g, oneMinusBeta1);
            _second[i].mul_(beta2).addcmul_(g, g, oneMinusBeta2);
            using var root = _second[i].sqrt();
            using var denominator = root.div_(sqrtCorrection2).add_(epsilon, one);
            p.addcdiv_(_first[i], denominator, groupStep ?? negativeStep);
        }
    }

    private void StepSgd()
    {
        using var momentum = _momentum.ToScalar();
        using var l2 = _weightDecay.ToScalar();
        using var negativeRate = (-_learningRate).ToScalar();
        using var one = 1.0.ToScalar();
        for (var i = 0; i < _parameters.Length; i++)
        {
            var p = _parameters[i];
            using var grad = p.grad;
            if (grad is null)
                continue;
            var m = Multiplier(i);
            using var groupRate = m == 1 ? null : (-_learningRate * m).ToScalar();
            using var g = _weightDecay > 0 ? grad.add(p, l2) : grad.alias();
            if (_momentum > 0)
            {
                // PyTorch starts the buffer at the first gradient; from zeros, μ·0 + g gives the same.
                _first[i].mul_(momentum).add_(g, one);
                p.add_(_first[i], groupRate ?? negativeRate);
            }
            else
            {
                p.add_(g, groupRate ?? negativeRate);
            }
        }
    }

    /// <summary>Parameter <paramref name="i"/>'s learning-rate multiplier (1 without parameter groups).</summary>
    private double Multiplier(int i) => _multipliers?[i] ?? 1;

    public void Dispose()
    {
        foreach (var t in _first.Concat(_second))
            t.Dispose();
    }
}
