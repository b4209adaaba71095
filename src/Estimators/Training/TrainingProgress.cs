namespace DeepML;

/// <summary>One epoch's report from a DeepML trainer, given to <see cref="NeuralNetworkOptions.Progress"/>.</summary>
/// <param name="Epoch">The epoch just finished, 1-based.</param>
/// <param name="Epochs">The most epochs this run will take.</param>
/// <param name="TrainingLoss">Mean (weighted) training loss over the epoch's batches.</param>
/// <param name="ValidationLoss">Validation loss after the epoch, or null without validation data.</param>
/// <param name="ValidationMetricName">"AUC" (binary), "Accuracy" (multiclass) or "RMSE" (regression).</param>
/// <param name="ValidationMetric">The validation metric after the epoch, or null without validation data.</param>
/// <param name="BestEpoch">The epoch with the lowest validation loss so far (or this epoch without validation).</param>
/// <param name="Elapsed">Time since training started.</param>
/// <param name="EstimatedRemaining">Time left if all remaining epochs run, from the mean epoch time.</param>
/// <param name="StoppedEarly">True on the last report when early stopping ended training.</param>
/// <param name="LearningRate">
/// The rate of the epoch's last optimizer step (see <see cref="NeuralNetworkOptions.LearningRateSchedule"/>);
/// a reduction on plateau decided after the epoch shows in the next epoch's report.
/// </param>
public sealed record TrainingProgress(
    int Epoch,
    int Epochs,
    double TrainingLoss,
    double? ValidationLoss,
    string ValidationMetricName,
    double? ValidationMetric,
    int BestEpoch,
    TimeSpan Elapsed,
    TimeSpan EstimatedRemaining,
    bool StoppedEarly,
    double LearningRate = double.NaN)
{
    /// <summary>A one-line summary for logs.</summary>
    public override string ToString()
    {
        var validation = ValidationLoss is { } vl
            ? $", validation loss {vl:F4}, {ValidationMetricName} {ValidationMetric:F4}"
            : "";
        var stop = StoppedEarly ? $" — stopped early, best epoch {BestEpoch}" : "";
        var rate = double.IsNaN(LearningRate) ? "" : $", learning rate {LearningRate:G4}";
        return $"epoch {Epoch}/{Epochs}: training loss {TrainingLoss:F4}{rate}{validation}, {Elapsed.TotalSeconds:F1}s elapsed, ~{EstimatedRemaining.TotalSeconds:F0}s left{stop}";
    }
}
