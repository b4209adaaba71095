using Microsoft.ML.Data;

namespace DeepML.Fairness;

/// <summary>
/// The column types the fairness components accept for labels, predictions, scores and weights. The
/// checks themselves and their messages are DeepML's shared <see cref="ColumnChecks"/>.
/// </summary>
internal static class FairnessColumnTypes
{
    /// <summary>True for a scalar Single or Double column.</summary>
    public static bool IsRealScalar(DataViewType type) => type == NumberDataViewType.Single || type == NumberDataViewType.Double;

    /// <summary>True for the scalar types a binary label or prediction may have.</summary>
    public static bool IsBinaryLike(DataViewType type) =>
        type == BooleanDataViewType.Instance || type == NumberDataViewType.Single || type == NumberDataViewType.Double
        || type == NumberDataViewType.Int32 || type == NumberDataViewType.Int64;
}
