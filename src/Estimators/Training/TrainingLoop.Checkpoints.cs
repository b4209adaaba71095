using TorchSharp;
using static TorchSharp.torch;

namespace DeepML;

internal sealed partial class TrainingLoop
{
    /// <summary>
    /// What must match between a checkpoint and the run that resumes it: the network, the data
    /// width, and every option that changes the arithmetic of a step.
    /// </summary>
    public static string Fingerprint(NetworkSpec spec, NeuralNetworkOptions o) =>
        string.Join("|", spec.ToString(), $"batch={o.BatchSize}", $"opt={o.Optimizer}", $"lr={o.LearningRate:R}",
            $"wd={o.WeightDecay:R}", $"mom={o.Momentum:R}", $"l1={o.L1Regularization:R}", $"clip={o.GradientClipNorm:R}", $"loss={o.Loss}",
            $"huber={o.HuberDelta:R}", $"init={o.Initializer}");

    private void SaveCheckpoint(string path, int seed, ParameterOptimizer optimizer)
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
        CheckpointFile.Save(path, new CheckpointState
        {
            Epoch = _epoch, Seed = seed, Fingerprint = Fingerprint(_spec, _options), OptimizerSteps = optimizer.Steps,
            BestLoss = _bestLoss, BestEpoch = _bestEpoch, EpochsWithoutImprovement = _epochsWithoutImprovement,
            Stopped = _stopped, History = _history.ToArray(), Tensors = tensors,
        });
    }

    private void Restore(CheckpointState state, ParameterOptimizer optimizer)
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
        var best = state.Tensors.Where(kv => kv.Key.StartsWith("best/", StringComparison.Ordinal)).ToArray();
        if (best.Length > 0)
            _best = best.ToDictionary(kv => kv.Key["best/".Length..], kv => kv.Value.to(_device).DetachFromDisposeScope());
        set_rng_state(Required(state, "rng"));
        _epoch = state.Epoch;
        _bestLoss = state.BestLoss;
        _bestEpoch = state.BestEpoch;
        _epochsWithoutImprovement = state.EpochsWithoutImprovement;
        _stopped = state.Stopped;
        _history.AddRange(state.History);
        _log($"resumed from a checkpoint after epoch {state.Epoch} (best epoch {state.BestEpoch}).");
    }

    private static Tensor Required(CheckpointState state, string name) =>
        state.Tensors.TryGetValue(name, out var t) ? t
            : throw new InvalidDataException($"DeepML checkpoint: tensor '{name}' is missing; the checkpoint does not belong to this network.");
}
