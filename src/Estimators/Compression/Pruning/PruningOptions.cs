using System.Globalization;

namespace DeepML;

/// <summary>Over which weights one magnitude threshold is chosen.</summary>
public enum PruningScope
{
    /// <summary>Each prunable tensor on its own: every one of them gets the schedule's sparsity (⌊s·n⌋ of its n values are zero).</summary>
    PerLayer,

    /// <summary>
    /// One threshold over the absolute values of all prunable tensors together: ⌊s·N⌋ of their N values are zero in all,
    /// so layers with many small weights lose more than others.
    /// </summary>
    Global,
}

/// <summary>
/// Unstructured magnitude pruning during training, on the gradual schedule of Zhu &amp; Gupta 2017 ("To prune, or not to
/// prune: exploring the efficacy of pruning for model compression"): set it as <see cref="NeuralNetworkOptions.Pruning"/>
/// and the smallest-magnitude weights are set to exactly 0 on the schedule and kept at 0 after every optimizer step.
/// Immutable; every property is validated when it is set (and the schedule as a whole when the options are set on
/// <see cref="NeuralNetworkOptions.Pruning"/>), throwing an <see cref="ArgumentException"/> naming the property.
/// </summary>
/// <remarks>
/// <para><b>Schedule, in epochs.</b> The unit is the epoch: masks are recomputed at the end of the epochs
/// <c>t = t0, t0 + Δt, …, t0 + n·Δt</c> (<c>t0</c> = <see cref="BeginEpoch"/>, <c>t0 + n·Δt</c> = <see cref="EndEpoch"/>,
/// <c>Δt</c> = <see cref="Frequency"/>), each time to the sparsity
/// <c>s_t = s_f + (s_i − s_f)·(1 − (t − t0)/(n·Δt))³</c> (<c>s_i</c> = <see cref="InitialSparsity"/>,
/// <c>s_f</c> = <see cref="FinalSparsity"/>), from the weights as they are then. Epoch 0 means before the first epoch
/// (on a warm-started network, <see cref="NeuralNetworkOptions.Transfer"/>). With <c>BeginEpoch == EndEpoch</c> the network is
/// pruned once (one shot) to <c>s_f</c>. Before <c>t0</c> nothing is pruned; between updates the masks are fixed: after
/// every optimizer step each pruned weight is multiplied by its mask, so it stays exactly 0 (the optimizer still sees its
/// gradient; the weight is reset after the step). <see cref="SparsityAt"/> gives the sparsity in force after any epoch.</para>
/// <para><b>Exact counts.</b> A tensor of n values pruned to sparsity s has exactly <c>k = ⌊s·n⌋</c> zeros (floor, the product
/// computed in double precision); <see cref="PruningScope.Global"/> prunes <c>⌊s·N⌋</c> of the N values of all prunable tensors.
/// The k values with the smallest |w| are pruned; ties are broken by position: the tensor earlier in the network (spec order),
/// then the lower row-major index, is pruned first. Weights pruned once stay pruned (they are 0, the smallest |w|, and the
/// schedule only rises).</para>
/// <para><b>What is prunable.</b> By default every weight matrix and convolution kernel of the network (a tensor of rank ≥ 2
/// named <c>weight</c> or <c>weight_*</c>: dense, convolution, attention projections, recurrent matrices), including the output
/// layer; never biases or normalisation parameters; embedding tables (Embedding, PeriodicEmbedding, FeatureTokenizer) only with
/// <see cref="IncludeEmbeddings"/>; never frozen layers (<see cref="TransferLearningOptions.FreezeLayers"/>).
/// <see cref="Layers"/> narrows the choice to layer paths.</para>
/// <para><b>Validation and early stopping.</b> While the schedule runs the network changes under the validation loss, so no
/// epoch before <see cref="EndEpoch"/> is kept as the best one or counts towards early stopping's patience: the model kept is
/// from <see cref="EndEpoch"/> on and has the final sparsity. <see cref="EndEpoch"/> must not exceed
/// <see cref="NeuralNetworkOptions.Epochs"/>; leave some epochs after it for the network to recover.</para>
/// <para><b>What it does not do.</b> The fitted model is a plain network whose pruned weights are 0: ONNX export, save/load and
/// scoring are unchanged. Unstructured sparsity alone makes nothing faster or smaller on ONNX Runtime (its kernels are dense and
/// the ONNX file stores every zero); only a compressed copy (the ML.NET zip, or gzip) gets smaller. Deterministic on the CPU for
/// a given seed; checkpoints hold the masks and the schedule's state, so a resumed run equals an uninterrupted one.</para>
/// </remarks>
public sealed record PruningOptions
{
    private readonly double _finalSparsity;
    private readonly double _initialSparsity;
    private readonly int _beginEpoch;
    private readonly int _endEpoch;
    private readonly int _frequency = 1;
    private readonly IReadOnlyList<string>? _layers;

    /// <summary>The target sparsity <c>s_f</c> ∈ [0, 1) reached at <see cref="EndEpoch"/>: the fraction of prunable weights that are 0. Required.</summary>
    public required double FinalSparsity
    {
        get => _finalSparsity;
        init => _finalSparsity = Sparsity(value, nameof(FinalSparsity));
    }

    /// <summary>The sparsity <c>s_i</c> ∈ [0, 1) of the schedule at <see cref="BeginEpoch"/>; at most <see cref="FinalSparsity"/>. Default 0 (as in Zhu &amp; Gupta).</summary>
    public double InitialSparsity
    {
        get => _initialSparsity;
        init => _initialSparsity = Sparsity(value, nameof(InitialSparsity));
    }

    /// <summary>Per tensor (default) or one global threshold (<see cref="PruningScope"/>).</summary>
    public PruningScope Scope
    {
        get;
        init => field = Enum.IsDefined(value) ? value
            : throw new ArgumentException($"PruningOptions: Scope {value} is not a PruningScope value; use PruningScope.PerLayer or PruningScope.Global.", nameof(Scope));
    } = PruningScope.PerLayer;

    /// <summary>The epoch <c>t0</c> ≥ 0 at whose end the first masks are computed (0: before the first epoch). Default 0.</summary>
    public int BeginEpoch
    {
        get => _beginEpoch;
        init => _beginEpoch = value >= 0 ? value
            : throw new ArgumentException($"PruningOptions: BeginEpoch must be ≥ 0 (0 prunes before the first epoch), got {value}.", nameof(BeginEpoch));
    }

    /// <summary>
    /// The epoch ≥ <see cref="BeginEpoch"/> at whose end the last masks are computed, at <see cref="FinalSparsity"/>; at most the run's
    /// <see cref="NeuralNetworkOptions.Epochs"/>. Default 0 (with <see cref="BeginEpoch"/> 0: one-shot pruning before training).
    /// </summary>
    public int EndEpoch
    {
        get => _endEpoch;
        init => _endEpoch = value >= 0 ? value
            : throw new ArgumentException($"PruningOptions: EndEpoch must be ≥ 0, got {value}.", nameof(EndEpoch));
    }

    /// <summary>Epochs <c>Δt</c> ≥ 1 between mask updates; <see cref="EndEpoch"/> − <see cref="BeginEpoch"/> must be a multiple of it. Default 1.</summary>
    public int Frequency
    {
        get => _frequency;
        init => _frequency = value >= 1 ? value
            : throw new ArgumentException($"PruningOptions: Frequency must be at least 1 epoch between mask updates, got {value}.", nameof(Frequency));
    }

    /// <summary>
    /// Layer paths or prefixes (as <see cref="TransferLearningOptions.FreezeLayers"/>: <c>"0"</c>, <c>"1.body"</c>, or a full weight
    /// name such as <c>"0.weight"</c>) whose prunable tensors are pruned; null (default) prunes all prunable tensors. Each prefix must
    /// cover at least one prunable tensor (the trainer checks this before training and lists them).
    /// </summary>
    public IReadOnlyList<string>? Layers
    {
        get => _layers;
        init
        {
            if (value is null)
            {
                _layers = null;
                return;
            }
            if (value.Count == 0)
                throw new ArgumentException("PruningOptions: Layers is empty, which would prune nothing; use null to prune every prunable tensor, or name layer paths such as \"0\".", nameof(Layers));
            if (value.FirstOrDefault(p => !IsPath(p)) is { } bad)
                throw new ArgumentException($"PruningOptions: Layers holds '{bad}', which is not a layer path; expected dot-separated names such as \"0\", \"1.body\" or \"0.weight\" (the weight names of NetworkModel.Weights.Arrays).", nameof(Layers));
            _layers = value.ToArray();
        }
    }

    /// <summary>Whether embedding tables (Embedding, PeriodicEmbedding, FeatureTokenizer layers) are prunable too. Default false.</summary>
    public bool IncludeEmbeddings { get; init; }

    /// <summary>
    /// The sparsity in force after epoch <paramref name="epoch"/> (its end-of-epoch update included; 0 is before the first epoch):
    /// 0 before <see cref="BeginEpoch"/>, the cubic ramp's value at the last update epoch up to <see cref="EndEpoch"/>, then
    /// <see cref="FinalSparsity"/>.
    /// </summary>
    /// <param name="epoch">An epoch ≥ 0.</param>
    public double SparsityAt(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        if (epoch < BeginEpoch)
            return 0;
        if (epoch >= EndEpoch)
            return FinalSparsity;
        var last = BeginEpoch + (epoch - BeginEpoch) / Frequency * Frequency; // the latest update epoch ≤ epoch
        var progress = (double)(last - BeginEpoch) / (EndEpoch - BeginEpoch);
        var remaining = 1 - progress;
        return FinalSparsity + (InitialSparsity - FinalSparsity) * remaining * remaining * remaining;
    }

    /// <summary>Whether the masks are recomputed at the end of <paramref name="epoch"/>.</summary>
    internal bool UpdatesAt(int epoch) => epoch >= BeginEpoch && epoch <= EndEpoch && (epoch - BeginEpoch) % Frequency == 0;

    /// <summary>
    /// Checks what no single property can: <see cref="BeginEpoch"/> ≤ <see cref="EndEpoch"/>, their distance a multiple of
    /// <see cref="Frequency"/>, and <see cref="InitialSparsity"/> ≤ <see cref="FinalSparsity"/>. Called when the options are set on
    /// <see cref="NeuralNetworkOptions.Pruning"/>; returns the options.
    /// </summary>
    internal PruningOptions Validated()
    {
        if (BeginEpoch > EndEpoch)
            throw new ArgumentException($"PruningOptions: BeginEpoch ({BeginEpoch}) is after EndEpoch ({EndEpoch}); expected BeginEpoch ≤ EndEpoch. Set EndEpoch = BeginEpoch for one-shot pruning.", nameof(BeginEpoch));
        if ((EndEpoch - BeginEpoch) % Frequency != 0)
            throw new ArgumentException($"PruningOptions: EndEpoch − BeginEpoch ({EndEpoch} − {BeginEpoch} = {EndEpoch - BeginEpoch}) is not a multiple of Frequency ({Frequency}), so the schedule would not update at EndEpoch. " +
                $"Set EndEpoch to {BeginEpoch + (EndEpoch - BeginEpoch + Frequency - 1) / Frequency * Frequency} or choose another Frequency.", nameof(Frequency));
        if (InitialSparsity > FinalSparsity)
            throw new ArgumentException($"PruningOptions: InitialSparsity ({InitialSparsity}) is above FinalSparsity ({FinalSparsity}); expected a rising schedule. Use InitialSparsity = 0 (the default).", nameof(InitialSparsity));
        return this;
    }

    /// <summary>A one-line summary, for logs and checkpoint refusals.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"Pruning(FinalSparsity={FinalSparsity:R}, InitialSparsity={InitialSparsity:R}, Scope={Scope}, BeginEpoch={BeginEpoch}, EndEpoch={EndEpoch}, Frequency={Frequency}, " +
        $"Layers={(Layers is null ? "all" : "[" + string.Join(", ", Layers) + "]")}, IncludeEmbeddings={IncludeEmbeddings})");

    private static double Sparsity(double value, string option) =>
        double.IsFinite(value) && value is >= 0 and < 1 ? value
            : throw new ArgumentException($"PruningOptions: {option} must be in [0, 1) (the fraction of prunable weights set to 0), got {value.ToString(CultureInfo.InvariantCulture)}. For example 0.8 keeps one weight in five.", option);

    private static bool IsPath(string? p) =>
        !string.IsNullOrEmpty(p) && p.Split('.').All(part => part.Length > 0 && part.All(c => char.IsLetterOrDigit(c) || c == '_'));
}
