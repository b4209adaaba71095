using DeepML.Cli.Data;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML.Cli.Training;

/// <summary>A model's metrics on one split, from ML.NET's evaluators, plus what the report draws.</summary>
/// <param name="Metrics">name → value, in report order; the task's main metric first.</param>
internal sealed record Evaluation(IReadOnlyList<KeyValuePair<string, double>> Metrics)
{
    /// <summary>Binary: (label, probability) per row, for ROC, PR and calibration curves.</summary>
    public IReadOnlyList<(bool Label, float Probability)> Binary { get; init; } = [];

    /// <summary>Classification: the confusion matrix, rows = true class, columns = predicted.</summary>
    public double[][] Confusion { get; init; } = [];

    /// <summary>Classification: the class names in matrix order.</summary>
    public IReadOnlyList<string> Classes { get; init; } = [];

    /// <summary>Regression: (actual, predicted) per row.</summary>
    public IReadOnlyList<(float Actual, float Predicted)> Regression { get; init; } = [];

    public double this[string name] => Metrics.First(m => m.Key == name).Value;
}

/// <summary>Evaluates scored data with ML.NET's evaluators for the task.</summary>
internal static class TaskMetrics
{
    /// <summary>The task's main metric (higher is better): AUC, macro accuracy or R².</summary>
    public static double MainMetric(MLContext ml, TaskKind task, IDataView scored) => task switch
    {
        TaskKind.Binary => ml.BinaryClassification.Evaluate(scored, LabelPreparation.Column).AreaUnderRocCurve,
        TaskKind.Multiclass => ml.MulticlassClassification.Evaluate(scored, LabelPreparation.Column).MacroAccuracy,
        _ => ml.Regression.Evaluate(scored, LabelPreparation.Column).RSquared,
    };

    public static Evaluation Evaluate(MLContext ml, TaskDescription task, IDataView scored)
    {
        switch (task.Task)
        {
            case TaskKind.Binary:
            {
                var m = ml.BinaryClassification.Evaluate(scored, LabelPreparation.Column);
                var labels = scored.GetColumn<bool>(LabelPreparation.Column).ToArray();
                var probabilities = scored.GetColumn<float>("Probability").ToArray();
                var c = m.ConfusionMatrix;
                return new Evaluation(
                [
                    new("auc", m.AreaUnderRocCurve), new("accuracy", m.Accuracy), new("f1", m.F1Score),
                    new("auprc", m.AreaUnderPrecisionRecallCurve), new("log_loss", m.LogLoss),
                    new("positive_precision", m.PositivePrecision), new("positive_recall", m.PositiveRecall),
                ])
                {
                    Binary = [.. labels.Zip(probabilities)],
                    // ML.NET's matrix puts the positive class first; the report shows negative, positive.
                    Confusion = [[c.Counts[1][1], c.Counts[1][0]], [c.Counts[0][1], c.Counts[0][0]]],
                    Classes = task.Classes,
                };
            }
            case TaskKind.Multiclass:
            {
                var m = ml.MulticlassClassification.Evaluate(scored, LabelPreparation.Column);
                return new Evaluation(
                [
                    new("macro_accuracy", m.MacroAccuracy), new("micro_accuracy", m.MicroAccuracy),
                    new("log_loss", m.LogLoss), new("log_loss_reduction", m.LogLossReduction),
                ])
                {
                    Confusion = [.. m.ConfusionMatrix.Counts.Select(r => r.ToArray())],
                    Classes = task.Classes,
                };
            }
            default:
            {
                var m = ml.Regression.Evaluate(scored, LabelPreparation.Column);
                var actual = scored.GetColumn<float>(LabelPreparation.Column).ToArray();
                var predicted = scored.GetColumn<float>("Score").ToArray();
                return new Evaluation(
                [
                    new("r_squared", m.RSquared), new("rmse", m.RootMeanSquaredError),
                    new("mae", m.MeanAbsoluteError), new("mse", m.MeanSquaredError),
                ])
                {
                    Regression = [.. actual.Zip(predicted)],
                };
            }
        }
    }
}
