namespace DeepML.Fairness;

/// <summary>
/// Names of the disaggregated metrics. Rates follow Fairlearn's <c>_base_metrics.py</c> (weighted
/// confusion counts), with one deliberate difference: a rate whose denominator is zero (for example
/// the true positive rate of a group with no positives) is NaN, "undefined", where scikit-learn's
/// row-normalised confusion matrix silently gives 0.
/// </summary>
public static class FairnessMetricNames
{
    /// <summary>Number of rows (unweighted; bootstrap multiplicities count).</summary>
    public const string Count = "Count";
    /// <summary>Σw·1[ŷ=1] / Σw.</summary>
    public const string SelectionRate = "SelectionRate";
    /// <summary>(TP + TN) / all (weighted).</summary>
    public const string Accuracy = "Accuracy";
    /// <summary>TP / (TP + FN).</summary>
    public const string TruePositiveRate = "TruePositiveRate";
    /// <summary>FP / (FP + TN).</summary>
    public const string FalsePositiveRate = "FalsePositiveRate";
    /// <summary>TN / (TN + FP).</summary>
    public const string TrueNegativeRate = "TrueNegativeRate";
    /// <summary>FN / (FN + TP).</summary>
    public const string FalseNegativeRate = "FalseNegativeRate";
    /// <summary>TP / (TP + FP).</summary>
    public const string Precision = "Precision";
    /// <summary>TP / (TP + FN) (same value as the true positive rate).</summary>
    public const string Recall = "Recall";
    /// <summary>2TP / (2TP + FP + FN).</summary>
    public const string F1Score = "F1Score";
    /// <summary>Area under the ROC curve of the score column: P(s⁺ &gt; s⁻) + ½P(s⁺ = s⁻), weighted (scikit-learn's roc_auc_score).</summary>
    public const string Auc = "AreaUnderRocCurve";
    /// <summary>Σw|y − ŷ| / Σw.</summary>
    public const string MeanAbsoluteError = "MeanAbsoluteError";
    /// <summary>Σw(y − ŷ)² / Σw.</summary>
    public const string MeanSquaredError = "MeanSquaredError";
    /// <summary>√MSE.</summary>
    public const string RootMeanSquaredError = "RootMeanSquaredError";
    /// <summary>1 − Σw(y − ŷ)² / Σw(y − ȳ)²; NaN when the group's labels are constant.</summary>
    public const string RSquared = "RSquared";
    /// <summary>Σw·ŷ / Σw.</summary>
    public const string MeanPrediction = "MeanPrediction";
    /// <summary>Prefix of per-class recall in multiclass evaluation: <c>Recall(class)</c>.</summary>
    public const string ClassRecallPrefix = "Recall";
}
