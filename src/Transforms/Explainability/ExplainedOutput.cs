namespace DeepML.Explainability;

/// <summary>
/// Which model output an explainer explains: a numeric column of the model's output, and for a vector
/// column (a multiclass <c>Score</c>) which slot.
/// </summary>
/// <param name="ColumnName">The output column: a Single or Double scalar, or a known-size vector of Single with <paramref name="Slot"/>.</param>
/// <param name="Slot">For a vector column, the slot explained (a class index for multiclass scores); null for a scalar column.</param>
/// <remarks>
/// The scale matters: Shapley values add up on the scale they are computed on. A binary model's
/// <c>Score</c> is its raw margin (a logit for DeepML networks and calibrated linear models, the
/// boosted sum for FastTree and LightGBM); <c>Probability</c> is the calibrated probability, which
/// is not additive in the margin's attributions.
/// </remarks>
public sealed record ExplainedOutput(string ColumnName = "Score", int? Slot = null)
{
    /// <summary>The raw <c>Score</c> column (binary margin, regression value).</summary>
    public static ExplainedOutput Score { get; } = new();

    /// <summary>The binary classifier's <c>Probability</c> column.</summary>
    public static ExplainedOutput Probability { get; } = new("Probability");

    /// <summary>One class of a multiclass model: slot <paramref name="index"/> of its <c>Score</c> vector (the class probability for ML.NET and DeepML multiclass models).</summary>
    /// <param name="index">The class index (0-based, in key order).</param>
    public static ExplainedOutput Class(int index) => new("Score", index);

    /// <summary>How reports name it: <c>Score</c>, <c>Probability</c>, <c>Score[3]</c>.</summary>
    public override string ToString() => Slot is { } s ? $"{ColumnName}[{s}]" : ColumnName;
}
