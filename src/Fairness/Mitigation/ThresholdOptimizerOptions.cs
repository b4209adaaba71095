namespace DeepML.Fairness;

/// <summary>The parity a <see cref="ThresholdOptimizerEstimator"/> enforces.</summary>
public enum ThresholdConstraint
{
    /// <summary>Equal selection rates (Fairlearn <c>demographic_parity</c>).</summary>
    DemographicParity,
    /// <summary>Equal true positive rates (Fairlearn <c>true_positive_rate_parity</c>, "equal opportunity").</summary>
    EqualOpportunity,
    /// <summary>Equal false positive rates (Fairlearn <c>false_positive_rate_parity</c>).</summary>
    FalsePositiveRateParity,
    /// <summary>Equal true and false positive rates (Fairlearn <c>equalized_odds</c>).</summary>
    EqualizedOdds,
}

/// <summary>Options of <see cref="ThresholdOptimizerEstimator"/>. Immutable; validated when set.</summary>
public sealed class ThresholdOptimizerOptions
{
    private readonly IReadOnlyList<string> _sensitive = [];
    private readonly int _grid = 1000;
    private readonly ThresholdConstraint _constraint = ThresholdConstraint.DemographicParity;
    private readonly string _label = "Label", _score = "Score", _probability = "Probability", _predicted = "PredictedLabel";

    /// <summary>The binary label column (Boolean or 0/1).</summary>
    public string LabelColumnName { get => _label; init => _label = Name(value, nameof(LabelColumnName)); }

    /// <summary>The classifier's score column (any monotone score: Score or Probability).</summary>
    public string ScoreColumnName { get => _score; init => _score = Name(value, nameof(ScoreColumnName)); }

    /// <summary>The sensitive columns; needed at prediction time too. Several columns give intersectional groups.</summary>
    public IReadOnlyList<string> SensitiveColumnNames
    {
        get => _sensitive;
        init => _sensitive = value is { Count: > 0 } && value.All(v => !string.IsNullOrWhiteSpace(v)) ? value.ToArray()
            : throw new ArgumentException($"ThresholdOptimizerOptions.{nameof(SensitiveColumnNames)}: {FairnessErrors.NoSensitiveColumns}", nameof(SensitiveColumnNames));
    }

    /// <summary>The parity to enforce. Default demographic parity.</summary>
    public ThresholdConstraint Constraint
    {
        get => _constraint;
        init => _constraint = Enum.IsDefined(value) ? value
            : throw new ArgumentException($"ThresholdOptimizerOptions.{nameof(Constraint)}: {(int)value} is not a ThresholdConstraint; expected one of {string.Join(", ", Enum.GetNames<ThresholdConstraint>())}.", nameof(Constraint));
    }

    /// <summary>Grid points on [0, 1] for equalized odds (Fairlearn's <c>grid_size</c>, default 1000); the other constraints are solved exactly.</summary>
    public int GridSize
    {
        get => _grid;
        init => _grid = value >= 10 ? value : throw new ArgumentException($"ThresholdOptimizerOptions.{nameof(GridSize)}: {value} is too small; expected at least 10 (default 1000).", nameof(GridSize));
    }

    /// <summary>Seed of the randomised prediction; null derives it from the MLContext.</summary>
    public int? Seed { get; init; }

    /// <summary>Output column: the probability of a positive prediction, P(ŷ = 1 | score, group). Default <c>Probability</c>.</summary>
    public string ProbabilityColumnName { get => _probability; init => _probability = Name(value, nameof(ProbabilityColumnName)); }

    /// <summary>Output column: the randomised Boolean prediction. Default <c>PredictedLabel</c>.</summary>
    public string PredictedLabelColumnName { get => _predicted; init => _predicted = Name(value, nameof(PredictedLabelColumnName)); }

    private static string Name(string value, string option) => !string.IsNullOrWhiteSpace(value) ? value
        : throw new ArgumentException($"ThresholdOptimizerOptions.{option}: the column name is empty; expected a column name.", option);
}
