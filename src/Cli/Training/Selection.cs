using DeepML.Cli.Data;
using Microsoft.ML;

namespace DeepML.Cli.Training;

/// <summary>
/// How <see cref="ModelSearch"/> scores a candidate: on a held-out model-selection split (large data),
/// or by k-fold cross-validation (small data, where one split's noise would pick the luckiest of many
/// trials), then how the chosen candidate's final model is trained.
/// </summary>
internal abstract class Selection
{
    /// <summary>Below this many rows (training + model selection), candidates are cross-validated.</summary>
    public const int CrossValidationRows = 5_000;

    /// <summary>Folds when cross-validating.</summary>
    public const int Folds = 5;

    /// <summary>One line for the report and the console.</summary>
    public abstract string Description { get; }

    /// <summary>Rows the final model is trained on, and rows held for selection (0 when cross-validating).</summary>
    public abstract (long Train, long Validation) Rows { get; }

    /// <summary>The main metric of <paramref name="estimator"/>, and the model the scoring trained (held-out selection), if any.</summary>
    public abstract (double Metric, ITransformer? Model) Score(IEstimator<ITransformer> estimator);

    /// <summary>The final model of a chosen candidate: refitted on every training row (the selection rows too), as Model Builder does.</summary>
    public abstract ITransformer Final(IEstimator<ITransformer> estimator, ITransformer? scored);

    /// <summary>Cross-validation below <paramref name="crossValidationRows"/> rows (default <see cref="CrossValidationRows"/>; 0 never), else an 80 / 20 split, seeded.</summary>
    public static Selection For(MLContext ml, TaskDescription task, IDataView data, int seed, int crossValidationRows = CrossValidationRows)
    {
        // One in-memory copy: the holdout's two parts are filtered views of it, not copies of their own.
        var cached = ml.Data.Cache(data);
        var rows = LabelPreparation.Count(cached);
        if (rows < crossValidationRows)
            return new CrossValidation(ml, task.Task, cached, rows, seed);
        var split = ml.Data.TrainTestSplit(cached, 0.2, seed: seed + 1);
        return new Holdout(ml, task.Task, cached, split.TrainSet, split.TestSet, LabelPreparation.Count(split.TrainSet), LabelPreparation.Count(split.TestSet));
    }

    private sealed class Holdout(MLContext ml, TaskKind task, IDataView all, IDataView train, IDataView validation, long trainRows, long validationRows) : Selection
    {
        public override string Description => $"validation on a held-out 20 % of the training rows ({validationRows:N0} rows), candidates trained on the other {trainRows:N0}; the chosen model refitted on all {trainRows + validationRows:N0}";

        public override (long Train, long Validation) Rows => (trainRows, validationRows);

        public override (double Metric, ITransformer? Model) Score(IEstimator<ITransformer> estimator)
        {
            var model = estimator.Fit(train);
            return (TaskMetrics.MainMetric(ml, task, model.Transform(validation)), model);
        }

        public override ITransformer Final(IEstimator<ITransformer> estimator, ITransformer? scored) => estimator.Fit(all);
    }

    private sealed class CrossValidation(MLContext ml, TaskKind task, IDataView data, long rows, int seed) : Selection
    {
        public override string Description => $"{Folds}-fold cross-validation over {rows:N0} training rows; the chosen model refitted on all of them";

        public override (long Train, long Validation) Rows => (rows, 0);

        public override (double Metric, ITransformer? Model) Score(IEstimator<ITransformer> estimator)
        {
            const string label = LabelPreparation.Column;
            var metric = task switch
            {
                TaskKind.Binary => ml.BinaryClassification.CrossValidate(data, estimator, Folds, label, seed: seed).Average(f => f.Metrics.AreaUnderRocCurve),
                TaskKind.Multiclass => ml.MulticlassClassification.CrossValidate(data, estimator, Folds, label, seed: seed).Average(f => f.Metrics.MacroAccuracy),
                _ => ml.Regression.CrossValidate(data, estimator, Folds, label, seed: seed).Average(f => f.Metrics.RSquared),
            };
            return (metric, null);
        }

        public override ITransformer Final(IEstimator<ITransformer> estimator, ITransformer? scored) => estimator.Fit(data);
    }
}
