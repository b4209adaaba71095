using System.Globalization;

namespace DeepML.Fairness;

/// <summary>
/// The parity a <see cref="ThresholdOptimizerEstimator"/> enforces. Every constraint but
/// <see cref="EqualizedOdds"/> fixes one rate per group at a common value x (the x axis of the
/// per-group tradeoff curves); the transformer reports x as <see cref="ThresholdOptimizerTransformer.ConstraintValue"/>.
/// With <see cref="ThresholdOptimizerOptions.Tolerance"/> the groups' values may differ by up to the tolerance
/// (<see cref="ThresholdOptimizerTransformer.ConstraintValues"/>).
/// </summary>
public enum ThresholdConstraint
{
    /// <summary>Equal selection rates (Fairlearn <c>demographic_parity</c>, also <c>selection_rate_parity</c>); x = selection rate.</summary>
    DemographicParity,
    /// <summary>Equal true positive rates (Fairlearn <c>true_positive_rate_parity</c>, "equal opportunity"); x = TPR.</summary>
    EqualOpportunity,
    /// <summary>Equal false positive rates (Fairlearn <c>false_positive_rate_parity</c>); x = FPR.</summary>
    FalsePositiveRateParity,
    /// <summary>Equal true and false positive rates (Fairlearn <c>equalized_odds</c>); x = FPR, and the TPR is equalised too.</summary>
    EqualizedOdds,
    /// <summary>
    /// Equal true negative rates (Fairlearn <c>true_negative_rate_parity</c>); x = TNR. Since TNR = 1 − FPR in
    /// every group, this is <see cref="FalsePositiveRateParity"/> under another name: the same rules (ties between
    /// equally good points go to the fewest selections on either axis), with the common TNR reported instead of the FPR.
    /// </summary>
    TrueNegativeRateParity,
    /// <summary>
    /// Equal false negative rates (Fairlearn <c>false_negative_rate_parity</c>); x = FNR. Since FNR = 1 − TPR in
    /// every group, this is <see cref="EqualOpportunity"/> under another name: the same rules (ties between equally
    /// good points go to the fewest selections on either axis), with the common FNR reported instead of the TPR.
    /// </summary>
    FalseNegativeRateParity,
}

/// <summary>
/// What a <see cref="ThresholdOptimizerEstimator"/> maximises subject to its constraint (Fairlearn's
/// <c>objective</c>). With a single-rate constraint the quantity maximised is, as in Fairlearn,
/// Σ_a P(A = a)·metric_a: the group-size-weighted mean of each group's metric. For accuracy and the
/// selection rate that is the pooled metric; for the TPR, the TNR and balanced accuracy it is not (the
/// pooled TPR weights groups by their positives instead). With <see cref="ThresholdConstraint.EqualizedOdds"/>
/// the metric is computed on the pooled counts at the common (FPR, TPR), Fairlearn's rule, and only
/// <see cref="Accuracy"/> and <see cref="BalancedAccuracy"/> are allowed.
/// </summary>
public enum ThresholdObjective
{
    /// <summary>Accuracy (Fairlearn <c>accuracy_score</c>), the default.</summary>
    Accuracy,
    /// <summary>Balanced accuracy, (TPR + TNR) / 2 (Fairlearn <c>balanced_accuracy_score</c>).</summary>
    BalancedAccuracy,
    /// <summary>Selection rate, the share predicted positive (Fairlearn <c>selection_rate</c>). Not with equalized odds.</summary>
    SelectionRate,
    /// <summary>True positive rate (Fairlearn <c>true_positive_rate</c>). Not with equalized odds.</summary>
    TruePositiveRate,
    /// <summary>True negative rate (Fairlearn <c>true_negative_rate</c>). Not with equalized odds.</summary>
    TrueNegativeRate,
}

/// <summary>Options of <see cref="ThresholdOptimizerEstimator"/>. Immutable; validated when set.</summary>
public sealed class ThresholdOptimizerOptions
{
    private readonly IReadOnlyList<string> _sensitive = [];
    private readonly int _grid = 1000;
    private readonly ThresholdConstraint _constraint = ThresholdConstraint.DemographicParity;
    private readonly ThresholdObjective _objective = ThresholdObjective.Accuracy;
    private readonly double? _tolerance;
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

    /// <summary>
    /// The parity to enforce. Default demographic parity. <see cref="ThresholdConstraint.EqualizedOdds"/> rejects an
    /// <see cref="Objective"/> other than accuracy or balanced accuracy, and any <see cref="Tolerance"/>, whichever
    /// of the two is set first.
    /// </summary>
    public ThresholdConstraint Constraint
    {
        get => _constraint;
        init
        {
            if (!Enum.IsDefined(value))
                throw new ArgumentException($"ThresholdOptimizerOptions.{nameof(Constraint)}: {(int)value} is not a ThresholdConstraint; expected one of {string.Join(", ", Enum.GetNames<ThresholdConstraint>())}.", nameof(Constraint));
            CheckCombination(value, _objective, nameof(Constraint));
            CheckTolerance(value, _tolerance, nameof(Constraint));
            _constraint = value;
        }
    }

    /// <summary>
    /// What to maximise subject to <see cref="Constraint"/> (Fairlearn's <c>objective</c>). Default
    /// <see cref="ThresholdObjective.Accuracy"/>. <see cref="ThresholdObjective.SelectionRate"/>,
    /// <see cref="ThresholdObjective.TruePositiveRate"/> and <see cref="ThresholdObjective.TrueNegativeRate"/> are
    /// not allowed with equalized odds (as in Fairlearn).
    /// </summary>
    public ThresholdObjective Objective
    {
        get => _objective;
        init
        {
            if (!Enum.IsDefined(value))
                throw new ArgumentException($"ThresholdOptimizerOptions.{nameof(Objective)}: {(int)value} is not a ThresholdObjective; expected one of {string.Join(", ", Enum.GetNames<ThresholdObjective>())}.", nameof(Objective));
            CheckCombination(_constraint, value, nameof(Objective));
            _objective = value;
        }
    }

    /// <summary>
    /// Relaxed parity (Fairlearn's <c>tol</c>): null, the default, enforces exact parity, one common value of the
    /// constrained rate for every group. A number t in [0, 1) lets each group a sit at its own value x_a of the rate,
    /// provided max_a x_a − min_a x_a ≤ t on the training data (in expectation over the randomised predictions), and
    /// maximises <see cref="Objective"/> under that looser constraint; the transformer reports the values
    /// (<see cref="ThresholdOptimizerTransformer.ConstraintValues"/>) and their spread. Solved exactly, not on
    /// Fairlearn's grid. A tolerance of 0 gives the same rules as null. Not allowed with
    /// <see cref="ThresholdConstraint.EqualizedOdds"/> (as in Fairlearn), whichever of the two is set first.
    /// </summary>
    public double? Tolerance
    {
        get => _tolerance;
        init
        {
            if (value is { } t && !(double.IsFinite(t) && t >= 0 && t < 1))
                throw new ArgumentException($"ThresholdOptimizerOptions.{nameof(Tolerance)}: {Text(t)} is not a valid tolerance; expected a finite number " +
                    "in [0, 1), the largest allowed gap between the groups' constrained rates (for example 0.05), or null for exact parity.", nameof(Tolerance));
            CheckTolerance(_constraint, value, nameof(Tolerance));
            _tolerance = value;
        }
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

    // Initialisers run in order, so the second of Constraint and Objective (or of Constraint and Tolerance) to be set sees the first.
    private static void CheckCombination(ThresholdConstraint constraint, ThresholdObjective objective, string option)
    {
        if (constraint == ThresholdConstraint.EqualizedOdds && objective is not (ThresholdObjective.Accuracy or ThresholdObjective.BalancedAccuracy))
            throw new ArgumentException($"ThresholdOptimizerOptions.{nameof(Objective)}: {objective} {FairnessErrors.ObjectiveNotForEqualizedOdds}", option);
    }

    private static void CheckTolerance(ThresholdConstraint constraint, double? tolerance, string option)
    {
        if (constraint == ThresholdConstraint.EqualizedOdds && tolerance is { } t)
            throw new ArgumentException($"ThresholdOptimizerOptions.{nameof(Tolerance)}: {Text(t)} {FairnessErrors.ToleranceNotForEqualizedOdds}", option);
    }

    private static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Name(string value, string option) => !string.IsNullOrWhiteSpace(value) ? value
        : throw new ArgumentException($"ThresholdOptimizerOptions.{option}: the column name is empty; expected a column name.", option);
}
