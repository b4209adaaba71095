using System.Text.Json.Serialization;
using Microsoft.ML;

namespace DeepML.Cli.Training;

/// <summary>How a trial ended.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TrialState>))]
internal enum TrialState
{
    /// <summary>Trained and scored on the validation split.</summary>
    Completed,

    /// <summary>Stopped because the time budget ran out; no model.</summary>
    OutOfTime,

    /// <summary>Stopped by the tuning study's pruner (ASHA): its early epochs trailed the other trials'.</summary>
    Pruned,

    /// <summary>Training failed; <see cref="TrialResult.Error"/> says why.</summary>
    Failed,
}

/// <summary>One epoch of a network trial's learning curve.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="TrainingLoss">Mean training loss.</param>
/// <param name="ValidationLoss">Loss on the trainer's early-stopping split, if any.</param>
/// <param name="ValidationMetric">The trainer's metric on that split (AUC, accuracy or RMSE), if any.</param>
internal sealed record CurvePoint(int Epoch, double TrainingLoss, double? ValidationLoss, double? ValidationMetric);

/// <summary>One candidate model tried by <see cref="ModelSearch"/>.</summary>
/// <param name="Number">1-based, in the order run.</param>
/// <param name="Family">FastTree, LightGBM or DeepML.</param>
/// <param name="Description">The settings, one line.</param>
/// <param name="State">How it ended.</param>
/// <param name="ValidationMetric">The task's main metric on the validation split (NaN unless completed).</param>
/// <param name="Seconds">Training time.</param>
internal sealed record TrialResult(int Number, string Family, string Description, TrialState State, double ValidationMetric, double Seconds)
{
    /// <summary>Per-epoch curve (networks only).</summary>
    public IReadOnlyList<CurvePoint> Curve { get; init; } = [];

    /// <summary>Why it failed.</summary>
    public string? Error { get; init; }

    /// <summary>The default FastTree, the baseline the report compares against.</summary>
    public bool IsBaseline { get; init; }
}

/// <summary>A scored candidate: its trial record, the candidate, and the fitted featurisation + trainer.</summary>
/// <param name="Trial">The record.</param>
/// <param name="Model">Featurisation and trainer (scores give ML.NET's columns; multiclass: PredictedLabel is a key);
/// after the search, the final model refitted on every training row (during it, the held-out scoring's model or null).</param>
/// <param name="Candidate">What was tried, to train its final model.</param>
internal sealed record TrainedModel(TrialResult Trial, ITransformer? Model, Candidate Candidate)
{
    /// <summary>The final model (after the search).</summary>
    public ITransformer Fitted => Model ?? throw new InvalidOperationException($"trial {Trial.Number} has no final model yet.");
}
