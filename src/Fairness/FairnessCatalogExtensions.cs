using Microsoft.ML;

namespace DeepML.Fairness;

/// <summary>Fairness metrics, measures and mitigation on <c>ml.DeepML().Fairness</c>.</summary>
public static partial class FairnessCatalogExtensions
{
    /// <summary>
    /// Disaggregated metrics of a scored data set: overall, by group (every combination of the
    /// sensitive columns), group min/max, differences and ratios, the fairness measures, and bootstrap
    /// intervals when <see cref="GroupMetricsOptions.BootstrapResamples"/> is positive. With
    /// <see cref="GroupMetricsOptions.ControlColumnNames"/>, all of it again within each control value
    /// (<see cref="GroupMetrics.ByControl"/>).
    /// </summary>
    /// <param name="catalog">The fairness catalog.</param>
    /// <param name="data">Scored data (the output of <c>model.Transform</c>) with the label and sensitive columns.</param>
    /// <param name="options">Columns, task, resamples and measure settings.</param>
    /// <remarks>Reads the needed columns once; deterministic for a given seed (bootstrap in parallel, one generator per resample).</remarks>
    public static GroupMetrics Evaluate(this DeepMLCatalog.FairnessCatalog catalog, IDataView data, GroupMetricsOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return GroupMetricsEvaluator.Evaluate(catalog.Context, data, options);
    }

    /// <summary>Scores <paramref name="data"/> with <paramref name="model"/> (lazily) and evaluates the result.</summary>
    /// <param name="catalog">The fairness catalog.</param>
    /// <param name="model">Any fitted ML.NET model or pipeline.</param>
    /// <param name="data">Unscored data with the label and sensitive columns.</param>
    /// <param name="options">Columns, task, resamples and measure settings.</param>
    public static GroupMetrics Evaluate(this DeepMLCatalog.FairnessCatalog catalog, ITransformer model, IDataView data, GroupMetricsOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        return catalog.Evaluate(model.Transform(data), options);
    }

    /// <summary>
    /// Binary classification metrics by group (selection rate, TPR, FPR, TNR, FNR, accuracy, precision,
    /// recall, F1, AUC) and the fairness measures (demographic parity, equalized odds, ...).
    /// </summary>
    /// <param name="catalog">The fairness catalog.</param>
    /// <param name="data">Scored data.</param>
    /// <param name="sensitiveColumnNames">One or more sensitive columns; several give intersectional groups.</param>
    /// <param name="labelColumnName">The label column (Boolean or 0/1).</param>
    /// <param name="predictedLabelColumnName">The predicted label column (Boolean or 0/1).</param>
    /// <param name="scoreColumnName">The score column for the AUC, or null for none.</param>
    /// <param name="exampleWeightColumnName">Optional example weights.</param>
    /// <param name="bootstrapResamples">Bootstrap resamples for 95% intervals (0: none).</param>
    public static GroupMetrics EvaluateBinaryClassification(this DeepMLCatalog.FairnessCatalog catalog, IDataView data,
        IReadOnlyList<string> sensitiveColumnNames, string labelColumnName = "Label", string predictedLabelColumnName = "PredictedLabel",
        string? scoreColumnName = "Score", string? exampleWeightColumnName = null, int bootstrapResamples = 0) =>
        catalog.Evaluate(data, new GroupMetricsOptions
        {
            Task = PredictionKind.BinaryClassification, SensitiveColumnNames = sensitiveColumnNames, LabelColumnName = labelColumnName,
            PredictedLabelColumnName = predictedLabelColumnName, ScoreColumnName = scoreColumnName,
            ExampleWeightColumnName = exampleWeightColumnName, BootstrapResamples = bootstrapResamples,
        });

    /// <summary>Regression metrics by group: MAE, MSE, RMSE, R², mean prediction.</summary>
    /// <param name="catalog">The fairness catalog.</param>
    /// <param name="data">Scored data.</param>
    /// <param name="sensitiveColumnNames">One or more sensitive columns.</param>
    /// <param name="labelColumnName">The real label column.</param>
    /// <param name="scoreColumnName">The prediction column.</param>
    /// <param name="exampleWeightColumnName">Optional example weights.</param>
    /// <param name="bootstrapResamples">Bootstrap resamples for 95% intervals (0: none).</param>
    public static GroupMetrics EvaluateRegression(this DeepMLCatalog.FairnessCatalog catalog, IDataView data,
        IReadOnlyList<string> sensitiveColumnNames, string labelColumnName = "Label", string scoreColumnName = "Score",
        string? exampleWeightColumnName = null, int bootstrapResamples = 0) =>
        catalog.Evaluate(data, new GroupMetricsOptions
        {
            Task = PredictionKind.Regression, SensitiveColumnNames = sensitiveColumnNames, LabelColumnName = labelColumnName,
            ScoreColumnName = scoreColumnName, ExampleWeightColumnName = exampleWeightColumnName, BootstrapResamples = bootstrapResamples,
        });

    /// <summary>Multiclass metrics by group: accuracy and the recall of each class.</summary>
    /// <param name="catalog">The fairness catalog.</param>
    /// <param name="data">Scored data.</param>
    /// <param name="sensitiveColumnNames">One or more sensitive columns.</param>
    /// <param name="labelColumnName">The class label column (key, text or number).</param>
    /// <param name="predictedLabelColumnName">The predicted class column.</param>
    /// <param name="exampleWeightColumnName">Optional example weights.</param>
    /// <param name="bootstrapResamples">Bootstrap resamples for 95% intervals (0: none).</param>
    public static GroupMetrics EvaluateMulticlassClassification(this DeepMLCatalog.FairnessCatalog catalog, IDataView data,
        IReadOnlyList<string> sensitiveColumnNames, string labelColumnName = "Label", string predictedLabelColumnName = "PredictedLabel",
        string? exampleWeightColumnName = null, int bootstrapResamples = 0) =>
        catalog.Evaluate(data, new GroupMetricsOptions
        {
            Task = PredictionKind.MulticlassClassification, SensitiveColumnNames = sensitiveColumnNames, LabelColumnName = labelColumnName,
            PredictedLabelColumnName = predictedLabelColumnName, ScoreColumnName = null,
            ExampleWeightColumnName = exampleWeightColumnName, BootstrapResamples = bootstrapResamples,
        });
}
