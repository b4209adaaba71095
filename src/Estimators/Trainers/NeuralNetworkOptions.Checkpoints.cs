namespace DeepML;

// Checkpoints, resuming, and starting from a fitted model (transfer and continual learning).
public sealed partial record NeuralNetworkOptions
{
    /// <summary>
    /// When set, the complete training state (weights, optimizer moments, random state, early-stopping
    /// bookkeeping, the learning-rate schedule's state, with <see cref="AdversarialDebiasing"/> the adversary's weights, optimizer and
    /// groups, and with <see cref="Pruning"/> the masks and the schedule's last update) is written here after every epoch, atomically (temporary file, then rename).
    /// </summary>
    public string? CheckpointPath { get; init => field = value is null || !string.IsNullOrWhiteSpace(value) ? value : throw new ArgumentException("NeuralNetworkOptions: CheckpointPath must be a file path or null.", nameof(CheckpointPath)); }

    /// <summary>
    /// Continue from a checkpoint written by <see cref="CheckpointPath"/>: training resumes after the
    /// checkpoint's epoch with its seed and state (on the CPU, the result equals an uninterrupted
    /// run's). The task (trainer), feature and class counts, the network, loss, label and step options
    /// (a refusal names each that differs, with both values), <see cref="LearningRateSchedule"/> and
    /// <see cref="AdversarialDebiasing"/> options must match the checkpoint's; the data may differ (continued training on new rows), except that with debiasing
    /// it may hold no sensitive group the checkpoint does not know.
    /// </summary>
    public string? ResumeFromCheckpoint { get; init => field = value is null || !string.IsNullOrWhiteSpace(value) ? value : throw new ArgumentException("NeuralNetworkOptions: ResumeFromCheckpoint must be a file path or null.", nameof(ResumeFromCheckpoint)); }

    /// <summary>
    /// Transfer and continual learning (<see cref="TransferLearningOptions"/>): start from a fitted model's weights,
    /// freeze layers by path, replace the output layer, per-layer learning-rate multipliers; null (default) trains from a fresh initialisation.
    /// </summary>
    public TransferLearningOptions? Transfer { get; init; }
}
