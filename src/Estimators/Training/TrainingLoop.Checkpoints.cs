using TorchSharp;
using static TorchSharp.torch;

namespace DeepML;

internal sealed partial class TrainingLoop
{
    /// <summary>
    /// What must match between a checkpoint and the run that resumes it: the network, the data
    /// width, and every option that changes the arithmetic of a step. A constant learning rate adds
    /// nothing (so checkpoints written before schedules existed still match); any other schedule
    /// adds itself, and cosine annealing also the epochs it anneals over.
    /// </summary>
    public static string Fingerprint(NetworkSpec spec, NeuralNetworkOptions o)
    {
        var schedule = o.LearningRateSchedule;
        string[] scheduleParts = schedule.IsConstant ? []
            : schedule is CosineLearningRate ? [$"schedule={schedule}", $"epochs={o.Epochs}"]
            : [$"schedule={schedule}"];
        return string.Join("|", [spec.ToString(), $"batch={o.BatchSize}", $"opt={o.Optimizer}", $"lr={o.LearningRate:R}",
            $"wd={o.WeightDecay:R}", $"mom={o.Momentum:R}", $"l1={o.L1Regularization:R}", $"clip={o.GradientClipNorm:R}", $"loss={o.Loss}",
            $"huber={o.HuberDelta:R}", $"init={o.Initializer}", .. scheduleParts]);
    }

    private void SaveCheckpoint(string path, int seed, ParameterOptimizer optimizer, LearningRateScheduler schedule, TimeSpan elapsed)
    {
        using var rng = get_rng_state();
        var tensors = new Dictionary<string, Tensor>();
        foreach (var (name, tensor) in _network.state_dict())
            tensors["model/" + name] = tensor;
        for (var i = 0; i < optimizer.FirstMoments.Count; i++)
            tensors[$"first/{i}"] = optimizer.FirstMoments[i];
        for (var i = 0; i < optimizer.SecondMoments.Count; i++)
            tensors[$"second/{i}"] = optimizer.SecondMoments[i];
        if (_best is not null)
        {
            foreach (var (name, tensor) in _best)
                tensors["best/" + name] = tensor;
        }
        tensors["rng"] = rng;
        var extensions = _extensions.Save(tensors);
        CheckpointFile.Save(path, new CheckpointState
        {
            Extensions = extensions, Schedule = schedule.Checkpoint(),
            Epoch = _epoch, Seed = seed, Fingerprint = Fingerprint(_spec, _options), OptimizerSteps = optimizer.Steps,
            BestLoss = _bestLoss, BestEpoch = _bestEpoch, EpochsWithoutImprovement = _epochsWithoutImprovement,
            Stopped = _stopped, History = _history.ToArray(), Tensors = tensors,
            Settings = Settings, LabelScale = LabelScale, Elapsed = elapsed,
        });
    }

    /// <summary>
    /// Puts the run back where the checkpoint left it. The schedule was checked before the data was
    /// read (<see cref="LearningRateScheduler.CheckResume"/>), so only its state is restored here; each
    /// training add-on gets its part back (<see cref="TrainingExtensions.Restore"/>, which refuses parts no add-on claims).
    /// </summary>
    private void Restore(CheckpointState state, ParameterOptimizer optimizer, LearningRateScheduler schedule)
    {
        using (no_grad())
        {
            foreach (var (name, tensor) in _network.state_dict())
                tensor.copy_(Required(state, "model/" + name));
            for (var i = 0; i < optimizer.FirstMoments.Count; i++)
                optimizer.FirstMoments[i].copy_(Required(state, $"first/{i}"));
            for (var i = 0; i < optimizer.SecondMoments.Count; i++)
                optimizer.SecondMoments[i].copy_(Required(state, $"second/{i}"));
        }
        optimizer.RestoreSteps(state.OptimizerSteps);
        _extensions.Restore(state.Extensions, state.Tensors, _options.ResumeFromCheckpoint ?? "(in memory)");
        var best = state.Tensors.Where(kv => kv.Key.StartsWith("best/", StringComparison.Ordinal)).ToArray();
        if (best.Length > 0)
            _best = best.ToDictionary(kv => kv.Key["best/".Length..], kv => kv.Value.to(_device).DetachFromDisposeScope());
        schedule.Restore(state.Schedule);
        set_rng_state(Required(state, "rng"));
        _epoch = state.Epoch;
        _bestLoss = state.BestLoss;
        _bestEpoch = state.BestEpoch;
        _epochsWithoutImprovement = state.EpochsWithoutImprovement;
        _stopped = state.Stopped;
        // Without schedule state the run was at a constant rate, LearningRate (the fingerprint matched), which older files did not record.
        _history.AddRange(state.Schedule is null ? state.History.Select(h => h with { LearningRate = _options.LearningRate }) : state.History);
        _log($"resumed from a checkpoint after epoch {state.Epoch} (best epoch {state.BestEpoch}).");
    }

    private static Tensor Required(CheckpointState state, string name) =>
        state.Tensors.TryGetValue(name, out var t) ? t
            : throw new InvalidDataException($"DeepML checkpoint: tensor '{name}' is missing; the checkpoint does not belong to this network.");
}
