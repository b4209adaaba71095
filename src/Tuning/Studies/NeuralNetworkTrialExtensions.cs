namespace DeepML.Tuning;

/// <summary>Connects a <see cref="Trial"/> to DeepML's trainers: per-epoch validation metrics in, cancellation out.</summary>
public static class NeuralNetworkTrialExtensions
{
    /// <summary>
    /// The options with their <see cref="NeuralNetworkOptions.Progress"/> reporting each epoch's validation metric to
    /// <paramref name="trial"/> (step = epoch; AUC for binary, accuracy for multiclass, RMSE for regression: make the
    /// study's direction match) and their <see cref="NeuralNetworkOptions.CancellationToken"/> the trial's, so a pruned
    /// trial stops training within one batch and the study records it as pruned with its last value. A progress the
    /// options already had still receives every report. Needs validation data (ValidationFraction &gt; 0 or
    /// ValidationData), or training fails at the first epoch with a message saying so.
    /// </summary>
    public static NeuralNetworkOptions ForTrial(this NeuralNetworkOptions options, Trial trial)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(trial);
        var previous = options.Progress;
        return options with
        {
            Progress = new TrialProgress(trial, previous),
            CancellationToken = options.CancellationToken.CanBeCanceled
                ? CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken, trial.CancellationToken).Token
                : trial.CancellationToken,
        };
    }

    private sealed class TrialProgress(Trial trial, IProgress<TrainingProgress>? previous) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            previous?.Report(value);
            var metric = value.ValidationMetric
                ?? throw new InvalidOperationException($"Trial {trial.Number}: epoch {value.Epoch} has no validation metric to report; expected validation data. Set ValidationFraction > 0 or ValidationData in the NeuralNetworkOptions.");
            trial.Report(value.Epoch, metric);
        }
    }
}
