namespace DeepML.Fairness;

/// <summary>
/// The constant parts of DeepML.Fairness's error messages. Tests assert them word for word (as
/// Fairlearn's tests do with <c>_metric_frame.py</c>'s constants), so change them with care.
/// </summary>
public static class FairnessErrors
{
    /// <summary>A sensitive column holds one group only, so nothing can be compared.</summary>
    public const string SingleGroup = "holds a single group; fairness compares at least two groups. Pass a column with two or more values, or check that the data was not filtered to one group.";

    /// <summary>The data view has no rows.</summary>
    public const string NoRows = "the data has no rows; group metrics need at least one row. Check the filter or split that produced the data.";

    /// <summary>An example weight is negative, NaN or infinite.</summary>
    public const string BadWeight = "example weights must be finite and non-negative. Drop or repair the offending rows, or leave exampleWeightColumnName null.";

    /// <summary>A binary label or prediction is neither 0/1, -1/1 nor Boolean.</summary>
    public const string BadBinaryValue = "binary labels and predictions must be Boolean, or numbers in {0, 1} or {-1, 1}. Map the column to Boolean first (for example with ml.Transforms.Expression).";

    /// <summary>A column is named both as a sensitive and as a control column (follows the column's name).</summary>
    public const string ControlIsSensitive = "is both a sensitive and a control column; a column either defines the groups being compared or the strata they are compared within. Remove it from ControlColumnNames or from SensitiveColumnNames.";

    /// <summary>No sensitive column was named.</summary>
    public const string NoSensitiveColumns = "at least one sensitive column is required. Name the column(s) holding the groups, for example new[] { \"Sex\" }.";

    /// <summary>ThresholdOptimizer: an objective other than accuracy or balanced accuracy with equalized odds (follows the objective's name).</summary>
    public const string ObjectiveNotForEqualizedOdds = "cannot be combined with Constraint EqualizedOdds; as in Fairlearn, equalized odds is optimised for Accuracy or BalancedAccuracy only. " +
        "Choose Objective Accuracy or BalancedAccuracy, or keep the objective with a single-rate Constraint (DemographicParity, EqualOpportunity, " +
        "FalsePositiveRateParity, TrueNegativeRateParity or FalseNegativeRateParity).";

    /// <summary>ThresholdOptimizer: a tolerance with equalized odds (follows the tolerance's value).</summary>
    public const string ToleranceNotForEqualizedOdds = "cannot be combined with Constraint EqualizedOdds; as in Fairlearn, equalized odds has no relaxed form " +
        "(its true and false positive rates are equalised exactly). Leave Tolerance null for equalized odds, or keep the tolerance with a single-rate " +
        "Constraint (DemographicParity, EqualOpportunity, FalsePositiveRateParity, TrueNegativeRateParity or FalseNegativeRateParity).";

    /// <summary>A regression label or prediction is NaN or infinite.</summary>
    public const string NonFiniteValue = "regression labels and predictions must be finite. Drop the rows with missing values first (ml.Data.FilterRowsByMissingValues).";
}
