namespace DeepML;

// Magnitude pruning: weights set to exactly 0 on a gradual schedule during training.
public sealed partial record NeuralNetworkOptions
{
    /// <summary>
    /// Unstructured magnitude pruning on Zhu &amp; Gupta's gradual schedule (<see cref="PruningOptions"/>); null (default) prunes nothing.
    /// The schedule is checked as a whole when set (BeginEpoch ≤ EndEpoch, a whole number of updates, a rising sparsity), and
    /// against <see cref="Epochs"/> when the trainer is made. The fitted model is a plain network whose pruned weights are 0; with
    /// validation, no epoch before <see cref="PruningOptions.EndEpoch"/> is kept as the best. Checkpoints hold the masks.
    /// </summary>
    public PruningOptions? Pruning { get; init => field = value?.Validated(); }
}
