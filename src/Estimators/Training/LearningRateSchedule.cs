using System.Globalization;

namespace DeepML;

/// <summary>
/// How the learning rate changes during training; set it as
/// <see cref="NeuralNetworkOptions.LearningRateSchedule"/>. Made by the factory methods
/// (<see cref="Constant"/>, <see cref="StepDecay"/>, <see cref="Cosine"/>, <see cref="ReduceOnPlateau"/>),
/// optionally preceded by a linear warm-up (<see cref="WithWarmUp"/>). Immutable: every value is
/// validated when it is set and a bad one throws an <see cref="ArgumentException"/> naming it.
/// </summary>
/// <remarks>
/// <para><b>Clock.</b> The base rate is <see cref="NeuralNetworkOptions.LearningRate"/>. The rate is
/// recomputed before every optimizer step from the position in the run, measured in epochs: before
/// the step on batch <c>b</c> (0-based) of epoch <c>e</c> (1-based), with <c>B</c> batches per epoch,
/// <c>t = (e − 1) + b / B</c>.</para>
/// <para><b>Warm-up</b> (<see cref="WarmUpEpochs"/> = W, <see cref="WarmUpStartFactor"/> = f), per
/// step: while <c>t &lt; W</c> the rate is <c>base·(f + (1 − f)·t / W)</c>, from <c>f·base</c> on the
/// first step up towards <c>base</c>. The schedule proper starts when the warm-up ends: its own clock
/// is <c>s = t − W</c>, so it behaves as if the run began after the warm-up.</para>
/// <para><b>Step decay</b> (<see cref="StepDecayLearningRate"/>), per epoch:
/// <c>base·γ^⌊(e − 1 − W) / S⌋</c>. <b>Cosine annealing</b> (<see cref="CosineLearningRate"/>;
/// Loshchilov &amp; Hutter 2017, SGDR without restarts), per step:
/// <c>min + (base − min)·(1 + cos(π·s / T)) / 2</c> with <c>T = Epochs − W</c>, so the rate reaches
/// the minimum as the last planned epoch ends. <b>Reduce on plateau</b>
/// (<see cref="ReduceOnPlateauLearningRate"/>), per epoch: after each epoch, watches the validation
/// loss (what early stopping watches) and multiplies the rate by a factor when it has not improved
/// for a number of epochs.</para>
/// <para>The schedule drives the network's optimizer only: with
/// <see cref="NeuralNetworkOptions.AdversarialDebiasing"/>, the adversary keeps its constant
/// <see cref="AdversarialDebiasingOptions.AdversaryLearningRate"/>. Checkpoints hold the schedule
/// and its state; a resumed run must use the same schedule (and, with cosine annealing, the same
/// <see cref="NeuralNetworkOptions.Epochs"/>), and then ends bit-identical to an uninterrupted run
/// on the CPU. Each epoch's rate is reported in <see cref="TrainingProgress.LearningRate"/>.</para>
/// </remarks>
public abstract record LearningRateSchedule
{
    private readonly int _warmUpEpochs;
    private readonly double _warmUpStartFactor = 0.1;

    private protected LearningRateSchedule()
    {
    }

    /// <summary>Epochs of linear warm-up before the schedule proper; 0 (default) is none. Must be fewer than <see cref="NeuralNetworkOptions.Epochs"/>.</summary>
    public int WarmUpEpochs
    {
        get => _warmUpEpochs;
        init => _warmUpEpochs = Check(value, value >= 0, nameof(WarmUpEpochs), "≥ 0 (0 = no warm-up)", "Pass the number of epochs the rate takes to climb to LearningRate.");
    }

    /// <summary>The warm-up's first rate as a fraction of <see cref="NeuralNetworkOptions.LearningRate"/>, in (0, 1). Default 0.1.</summary>
    public double WarmUpStartFactor
    {
        get => _warmUpStartFactor;
        init => _warmUpStartFactor = Check(value, value > 0 && value < 1, nameof(WarmUpStartFactor), "in (0, 1)", "Use for example 0.1 to start at a tenth of LearningRate.");
    }

    /// <summary>A constant rate, <see cref="NeuralNetworkOptions.LearningRate"/> throughout (the default).</summary>
    public static ConstantLearningRate Constant() => new();

    /// <summary>Multiplies the rate by <paramref name="gamma"/> every <paramref name="stepEpochs"/> epochs (PyTorch's <c>StepLR</c> stepped per epoch).</summary>
    /// <param name="stepEpochs">Epochs between two decays; at least 1.</param>
    /// <param name="gamma">The factor, in (0, 1). Default 0.1.</param>
    public static StepDecayLearningRate StepDecay(int stepEpochs, double gamma = 0.1) => new() { StepEpochs = stepEpochs, Gamma = gamma };

    /// <summary>Cosine annealing from <see cref="NeuralNetworkOptions.LearningRate"/> to <paramref name="minimum"/> over the run, updated every step.</summary>
    /// <param name="minimum">The rate at the end of the run; finite, ≥ 0 and below LearningRate. Default 0.</param>
    public static CosineLearningRate Cosine(double minimum = 0) => new() { Minimum = minimum };

    /// <summary>
    /// Multiplies the rate by <paramref name="factor"/> when the validation loss has not improved by
    /// more than <paramref name="minDelta"/> for <paramref name="patience"/> epochs (Keras's and
    /// PyTorch's <c>ReduceLROnPlateau</c>, absolute threshold). Needs validation data.
    /// </summary>
    /// <param name="factor">The factor, in (0, 1). Default 0.1.</param>
    /// <param name="patience">Epochs without improvement before a reduction; at least 1. Default 10.</param>
    /// <param name="minDelta">The smallest validation-loss decrease that counts as an improvement; ≥ 0. Default 0.</param>
    /// <param name="cooldown">Epochs after a reduction that do not count towards the next one; ≥ 0. Default 0.</param>
    /// <param name="minimum">The rate is never reduced below this; finite, ≥ 0 and below LearningRate. Default 0.</param>
    public static ReduceOnPlateauLearningRate ReduceOnPlateau(double factor = 0.1, int patience = 10, double minDelta = 0, int cooldown = 0, double minimum = 0) =>
        new() { Factor = factor, Patience = patience, MinDelta = minDelta, Cooldown = cooldown, Minimum = minimum };

    /// <summary>This schedule after a linear warm-up of <paramref name="epochs"/> epochs starting at <paramref name="startFactor"/> × LearningRate.</summary>
    /// <param name="epochs">Warm-up epochs; ≥ 0 and fewer than <see cref="NeuralNetworkOptions.Epochs"/>.</param>
    /// <param name="startFactor">The first step's rate as a fraction of LearningRate, in (0, 1). Default 0.1.</param>
    public LearningRateSchedule WithWarmUp(int epochs, double startFactor = 0.1) => this with { WarmUpEpochs = epochs, WarmUpStartFactor = startFactor };

    /// <summary>True for a constant rate without warm-up: nothing changes during the run.</summary>
    internal bool IsConstant => this is ConstantLearningRate && WarmUpEpochs == 0;

    /// <summary>The schedule's kind, as its factory method is named.</summary>
    private protected abstract string Kind { get; }

    /// <summary>The schedule's own values by name, as invariant text.</summary>
    private protected abstract IEnumerable<(string Name, string Value)> Values();

    /// <summary>
    /// The schedule as invariant text, e.g. <c>Cosine(Minimum=1E-05, WarmUpEpochs=2, WarmUpStartFactor=0.1)</c>;
    /// checkpoints record it and a resumed run must match it.
    /// </summary>
    public sealed override string ToString()
    {
        var values = Values().ToList();
        if (WarmUpEpochs > 0)
        {
            values.Add((nameof(WarmUpEpochs), Text(WarmUpEpochs)));
            values.Add((nameof(WarmUpStartFactor), Text(WarmUpStartFactor)));
        }
        return $"{Kind}({string.Join(", ", values.Select(v => $"{v.Name}={v.Value}"))})";
    }

    /// <summary>Invariant round-trip text of a number.</summary>
    private protected static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private protected static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Returns <paramref name="value"/> when <paramref name="ok"/>, else throws an <see cref="ArgumentException"/> naming the option, the expectation, the value and the fix.</summary>
    private protected static T Check<T>(T value, bool ok, string option, string expected, string fix) where T : IFormattable =>
        ok ? value : throw new ArgumentException(
            $"LearningRateSchedule: {option} must be {expected}, got {value.ToString(null, CultureInfo.InvariantCulture)}. {fix}", option);
}

/// <summary>A constant learning rate (after the optional warm-up). Made by <see cref="LearningRateSchedule.Constant"/>.</summary>
public sealed record ConstantLearningRate : LearningRateSchedule
{
    internal ConstantLearningRate()
    {
    }

    private protected override string Kind => "Constant";

    private protected override IEnumerable<(string Name, string Value)> Values() => [];
}

/// <summary>Step decay: the rate is multiplied by <see cref="Gamma"/> every <see cref="StepEpochs"/> epochs. Made by <see cref="LearningRateSchedule.StepDecay"/>.</summary>
public sealed record StepDecayLearningRate : LearningRateSchedule
{
    private readonly int _stepEpochs = 10;
    private readonly double _gamma = 0.1;

    internal StepDecayLearningRate()
    {
    }

    /// <summary>Epochs between two decays; at least 1.</summary>
    public int StepEpochs
    {
        get => _stepEpochs;
        init => _stepEpochs = Check(value, value >= 1, nameof(StepEpochs), "at least 1", "Pass how many epochs each rate lasts.");
    }

    /// <summary>The decay factor, in (0, 1).</summary>
    public double Gamma
    {
        get => _gamma;
        init => _gamma = Check(value, value > 0 && value < 1, nameof(Gamma), "in (0, 1)", "Use for example 0.5 to halve the rate; for a constant rate use LearningRateSchedule.Constant().");
    }

    private protected override string Kind => "StepDecay";

    private protected override IEnumerable<(string Name, string Value)> Values() =>
        [(nameof(StepEpochs), Text(StepEpochs)), (nameof(Gamma), Text(Gamma))];
}

/// <summary>Cosine annealing to <see cref="Minimum"/> over the run, without restarts. Made by <see cref="LearningRateSchedule.Cosine"/>.</summary>
public sealed record CosineLearningRate : LearningRateSchedule
{
    private readonly double _minimum;

    internal CosineLearningRate()
    {
    }

    /// <summary>The rate at the end of the run; finite, ≥ 0, and below <see cref="NeuralNetworkOptions.LearningRate"/>.</summary>
    public double Minimum
    {
        get => _minimum;
        init => _minimum = Check(value, double.IsFinite(value) && value >= 0, nameof(Minimum), "a finite value ≥ 0", "Use 0 or a small rate such as 1e-5.");
    }

    private protected override string Kind => "Cosine";

    private protected override IEnumerable<(string Name, string Value)> Values() => [(nameof(Minimum), Text(Minimum))];
}

/// <summary>
/// Reduce on plateau: after each epoch, when the validation loss has not fallen below the best so
/// far minus <see cref="MinDelta"/> for <see cref="Patience"/> epochs, the rate becomes
/// <c>max(rate·Factor, Minimum)</c>; the <see cref="Cooldown"/> epochs after a reduction do not count.
/// Warm-up epochs update the best loss but never count as epochs without improvement. Needs
/// validation data (<see cref="NeuralNetworkOptions.ValidationData"/> or
/// <see cref="NeuralNetworkOptions.ValidationFraction"/> &gt; 0). Made by <see cref="LearningRateSchedule.ReduceOnPlateau"/>.
/// </summary>
public sealed record ReduceOnPlateauLearningRate : LearningRateSchedule
{
    private readonly double _factor = 0.1;
    private readonly int _patience = 10;
    private readonly double _minDelta;
    private readonly int _cooldown;
    private readonly double _minimum;

    internal ReduceOnPlateauLearningRate()
    {
    }

    /// <summary>The factor applied at each reduction, in (0, 1).</summary>
    public double Factor
    {
        get => _factor;
        init => _factor = Check(value, value > 0 && value < 1, nameof(Factor), "in (0, 1)", "Use for example 0.1 or 0.5.");
    }

    /// <summary>Epochs without improvement that trigger a reduction; at least 1.</summary>
    public int Patience
    {
        get => _patience;
        init => _patience = Check(value, value >= 1, nameof(Patience), "at least 1", "Pass how many epochs without improvement to wait before reducing the rate.");
    }

    /// <summary>The smallest validation-loss decrease that counts as an improvement; finite and ≥ 0.</summary>
    public double MinDelta
    {
        get => _minDelta;
        init => _minDelta = Check(value, double.IsFinite(value) && value >= 0, nameof(MinDelta), "a finite value ≥ 0", "Use 0 to count any decrease.");
    }

    /// <summary>Epochs after a reduction that do not count towards the next one; ≥ 0.</summary>
    public int Cooldown
    {
        get => _cooldown;
        init => _cooldown = Check(value, value >= 0, nameof(Cooldown), "≥ 0 (0 = none)", "Pass 0 to start counting again right after a reduction.");
    }

    /// <summary>The lowest rate a reduction goes to; finite, ≥ 0, and below <see cref="NeuralNetworkOptions.LearningRate"/>.</summary>
    public double Minimum
    {
        get => _minimum;
        init => _minimum = Check(value, double.IsFinite(value) && value >= 0, nameof(Minimum), "a finite value ≥ 0", "Use 0 or a small rate such as 1e-6.");
    }

    private protected override string Kind => "ReduceOnPlateau";

    private protected override IEnumerable<(string Name, string Value)> Values() =>
    [
        (nameof(Factor), Text(Factor)), (nameof(Patience), Text(Patience)), (nameof(MinDelta), Text(MinDelta)),
        (nameof(Cooldown), Text(Cooldown)), (nameof(Minimum), Text(Minimum)),
    ];
}
