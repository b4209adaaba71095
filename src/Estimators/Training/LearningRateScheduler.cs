using System.Globalization;

namespace DeepML;

/// <summary>
/// What a checkpoint records about the learning-rate schedule (absent for a constant rate, and in
/// every file older than format version 3).
/// </summary>
/// <param name="Schedule">The schedule as <see cref="LearningRateSchedule.ToString"/> wrote it; a resumed run must match it.</param>
/// <param name="Epochs">The run's planned epochs (cosine annealing's length depends on them).</param>
/// <param name="Rate">Reduce-on-plateau's current rate after warm-up (the base rate for other schedules).</param>
/// <param name="BestLoss">Reduce-on-plateau's best validation loss so far.</param>
/// <param name="EpochsWithoutImprovement">Reduce-on-plateau's count of epochs without improvement.</param>
/// <param name="CooldownLeft">Reduce-on-plateau's cooldown epochs still to run.</param>
internal sealed record ScheduleCheckpoint(string Schedule, int Epochs, double Rate, double BestLoss, int EpochsWithoutImprovement, int CooldownLeft);

/// <summary>
/// The learning-rate schedule's arithmetic and state, free of TorchSharp: the training loop asks it
/// for the rate before each step (<see cref="RateAt"/>) and tells it each epoch's validation loss
/// (<see cref="EndEpoch"/>). The formulas are those of <see cref="LearningRateSchedule"/>'s remarks.
/// </summary>
internal sealed class LearningRateScheduler
{
    private const string Option = nameof(NeuralNetworkOptions.LearningRateSchedule);
    private readonly LearningRateSchedule _schedule;
    private readonly double _base;
    private readonly int _epochs;

    // Reduce on plateau's state (a checkpoint saves exactly these).
    private double _plateauRate;
    private double _bestLoss = double.PositiveInfinity;
    private int _epochsWithoutImprovement;
    private int _cooldownLeft;

    /// <param name="schedule">The schedule.</param>
    /// <param name="baseRate">The base rate, <see cref="NeuralNetworkOptions.LearningRate"/>.</param>
    /// <param name="epochs">The planned epochs, <see cref="NeuralNetworkOptions.Epochs"/>.</param>
    public LearningRateScheduler(LearningRateSchedule schedule, double baseRate, int epochs)
    {
        _schedule = schedule;
        _base = baseRate;
        _epochs = epochs;
        _plateauRate = baseRate;
    }

    /// <summary>The rate for the step on batch <paramref name="batch"/> (0-based) of epoch <paramref name="epoch"/> (1-based), with <paramref name="batchesPerEpoch"/> batches per epoch.</summary>
    public double RateAt(int epoch, int batch, int batchesPerEpoch)
    {
        var warmUp = _schedule.WarmUpEpochs;
        var within = (double)batch / batchesPerEpoch; // the fraction of this epoch already done, in [0, 1)
        if (epoch <= warmUp)
        {
            var f = _schedule.WarmUpStartFactor;
            return _base * (f + (1 - f) * ((epoch - 1) + within) / warmUp);
        }
        var after = epoch - 1 - warmUp; // whole epochs since the warm-up ended
        return _schedule switch
        {
            ConstantLearningRate => _base,
            StepDecayLearningRate s => _base * Math.Pow(s.Gamma, after / s.StepEpochs),
            CosineLearningRate c => c.Minimum + (_base - c.Minimum) * (1 + Math.Cos(Math.PI * (after + within) / (_epochs - warmUp))) / 2,
            ReduceOnPlateauLearningRate => _plateauRate,
            _ => throw new InvalidOperationException($"LearningRateScheduler: no rule for {_schedule.GetType().Name}."),
        };
    }

    /// <summary>
    /// Reduce on plateau's bookkeeping after epoch <paramref name="epoch"/>; returns the new rate
    /// when it was reduced, else null (always null for the other schedules).
    /// </summary>
    public double? EndEpoch(int epoch, double? validationLoss)
    {
        if (_schedule is not ReduceOnPlateauLearningRate p)
            return null;
        var loss = validationLoss ?? throw new InvalidOperationException(
            "LearningRateScheduler: reduce on plateau needs a validation loss every epoch (CheckValidation should have refused this run).");
        if (loss < _bestLoss - p.MinDelta)
        {
            _bestLoss = loss;
            _epochsWithoutImprovement = 0;
        }
        else if (epoch > _schedule.WarmUpEpochs)
        {
            _epochsWithoutImprovement++; // a warm-up epoch's rate is still climbing: not a plateau
        }
        if (_cooldownLeft > 0)
        {
            _cooldownLeft--;
            _epochsWithoutImprovement = 0;
        }
        if (_epochsWithoutImprovement < p.Patience)
            return null;
        _epochsWithoutImprovement = 0;
        var reduced = Math.Max(_plateauRate * p.Factor, p.Minimum);
        if (reduced >= _plateauRate)
            return null; // already at the minimum
        _plateauRate = reduced;
        _cooldownLeft = p.Cooldown;
        return reduced;
    }

    /// <summary>The checkpoint's record of the schedule; null for a constant rate (as in checkpoints written before schedules existed).</summary>
    public ScheduleCheckpoint? Checkpoint() =>
        _schedule.IsConstant ? null : new(_schedule.ToString(), _epochs, _plateauRate, _bestLoss, _epochsWithoutImprovement, _cooldownLeft);

    /// <summary>Puts the state back where a checkpoint left it (the schedule itself was checked by <see cref="CheckResume"/>).</summary>
    public void Restore(ScheduleCheckpoint? saved)
    {
        if (saved is null)
            return;
        _plateauRate = saved.Rate;
        _bestLoss = saved.BestLoss;
        _epochsWithoutImprovement = saved.EpochsWithoutImprovement;
        _cooldownLeft = saved.CooldownLeft;
    }

    /// <summary>What the schedule requires of the other options; checked when the trainer is made.</summary>
    public static void CheckOptions(NeuralNetworkOptions o)
    {
        var s = o.LearningRateSchedule;
        if (s.WarmUpEpochs >= o.Epochs)
            throw new ArgumentException(
                $"NeuralNetworkOptions: LearningRateSchedule {s} warms up for {s.WarmUpEpochs} epochs, which must be fewer than Epochs ({o.Epochs}), " +
                "or the rate never reaches LearningRate. Shorten the warm-up or raise Epochs.", Option);
        var minimum = s switch
        {
            CosineLearningRate c => c.Minimum,
            ReduceOnPlateauLearningRate p => p.Minimum,
            _ => (double?)null,
        };
        if (minimum >= o.LearningRate)
            throw new ArgumentException(
                $"NeuralNetworkOptions: LearningRateSchedule {s} has Minimum {Text(minimum.Value)}, which must be below LearningRate ({Text(o.LearningRate)}), " +
                "the rate it decays from. Lower Minimum or raise LearningRate.", Option);
    }

    /// <summary>Reduce on plateau watches the validation loss: without validation data the run fails before reading any rows.</summary>
    public static void CheckValidation(NeuralNetworkOptions o, bool hasValidation)
    {
        if (o.LearningRateSchedule is ReduceOnPlateauLearningRate && !hasValidation)
            throw new ArgumentException(
                $"NeuralNetworkOptions: LearningRateSchedule {o.LearningRateSchedule} watches the validation loss, but this run has no validation data " +
                "(ValidationData is null and ValidationFraction is 0). Set ValidationFraction above 0 (for example 0.1), pass ValidationData, " +
                "or choose a schedule that needs no validation (Cosine, StepDecay).", Option);
    }

    /// <summary>
    /// Fails (with an <see cref="ArgumentException"/> naming <see cref="NeuralNetworkOptions.LearningRateSchedule"/>)
    /// unless the checkpoint at <paramref name="path"/> was written with the schedule this run has
    /// (and, for cosine annealing, the same Epochs).
    /// </summary>
    public static void CheckResume(ScheduleCheckpoint? saved, NeuralNetworkOptions o, string path)
    {
        var now = o.LearningRateSchedule;
        const string Restart = "or train from the start (without ResumeFromCheckpoint).";
        if (saved is null && now.IsConstant)
            return;
        if (saved is null)
            throw new ArgumentException(
                $"NeuralNetworkOptions: checkpoint '{path}' was written with a constant learning rate, but this run has LearningRateSchedule {now}. " +
                $"Resume with LearningRateSchedule.Constant() (the default), {Restart}", Option);
        if (now.IsConstant)
            throw new ArgumentException(
                $"NeuralNetworkOptions: checkpoint '{path}' was written with LearningRateSchedule {saved.Schedule}, but this run has a constant learning rate. " +
                $"Set the checkpoint's schedule to resume, {Restart}", Option);
        if (saved.Schedule != now.ToString())
            throw new ArgumentException(
                $"NeuralNetworkOptions: checkpoint '{path}' was written with LearningRateSchedule {saved.Schedule}, but this run has {now}. " +
                $"Resume with the checkpoint's schedule, {Restart}", Option);
        if (now is CosineLearningRate && saved.Epochs != o.Epochs)
            throw new ArgumentException(
                $"NeuralNetworkOptions: checkpoint '{path}' anneals its cosine schedule over Epochs = {saved.Epochs}, but this run has Epochs = {o.Epochs}, " +
                $"which would change the rates of the epochs already run. Resume with Epochs = {saved.Epochs}, {Restart}", Option);
    }

    private static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
