namespace DeepML.Fairness;

/// <summary>The constraint an <see cref="ExponentiatedGradientEstimator"/> enforces (Fairlearn's moments).</summary>
public enum ReductionConstraint
{
    /// <summary>Fairlearn <c>DemographicParity</c>: E[h | A=a] − E[h] within ±ε for every group.</summary>
    DemographicParity,
    /// <summary>Fairlearn <c>EqualizedOdds</c>: the same for the rows with Y=0 and those with Y=1 separately.</summary>
    EqualizedOdds,
    /// <summary>Fairlearn <c>TruePositiveRateParity</c>: rows with Y=1 only.</summary>
    TruePositiveRateParity,
    /// <summary>Fairlearn <c>FalsePositiveRateParity</c>: rows with Y=0 only.</summary>
    FalsePositiveRateParity,
    /// <summary>
    /// Fairlearn <c>ErrorRateParity</c>: P[h(x) ≠ y | A=a] − P[h(x) ≠ y] within ±ε for every group
    /// (utility 1[h(x) ≠ y] over all rows). A large utility is a bad outcome here, so the mixture
    /// may raise the error of the groups the trainer serves best.
    /// </summary>
    ErrorRateParity,
}

/// <summary>Options of <see cref="ExponentiatedGradientEstimator"/>. Immutable; validated when set.</summary>
public sealed class ExponentiatedGradientOptions
{
    private readonly IReadOnlyList<string> _sensitive = [];
    private readonly string _label = "Label", _features = "Features";
    private readonly double _bound = 0.01, _eps = 0.01, _eta0 = 2.0;
    private readonly double? _nu;
    private readonly int _maxIterations = 50;
    private readonly ReductionConstraint _constraint = ReductionConstraint.DemographicParity;

    /// <summary>The binary label column (Boolean or 0/1).</summary>
    public string LabelColumnName { get => _label; init => _label = Name(value, nameof(LabelColumnName)); }

    /// <summary>The feature vector column the trainer reads (known-size vector of Single).</summary>
    public string FeatureColumnName { get => _features; init => _features = Name(value, nameof(FeatureColumnName)); }

    /// <summary>The sensitive columns (several give intersectional groups). Needed at fit time only.</summary>
    public IReadOnlyList<string> SensitiveColumnNames
    {
        get => _sensitive;
        init => _sensitive = value is { Count: > 0 } && value.All(v => !string.IsNullOrWhiteSpace(v)) ? value.ToArray()
            : throw new ArgumentException($"ExponentiatedGradientOptions.{nameof(SensitiveColumnNames)}: {FairnessErrors.NoSensitiveColumns}", nameof(SensitiveColumnNames));
    }

    /// <summary>The constraint. Default demographic parity.</summary>
    public ReductionConstraint Constraint
    {
        get => _constraint;
        init => _constraint = Enum.IsDefined(value) ? value
            : throw new ArgumentException($"ExponentiatedGradientOptions.{nameof(Constraint)}: {(int)value} is not a ReductionConstraint; expected one of {string.Join(", ", Enum.GetNames<ReductionConstraint>())}.", nameof(Constraint));
    }

    /// <summary>
    /// The moment's bound ε on each group's deviation from overall (Fairlearn's <c>difference_bound</c>,
    /// default 0.01): of the selection rate, of the rate in the label event, or of the error rate.
    /// </summary>
    public double DifferenceBound
    {
        get => _bound;
        init => _bound = value is >= 0 and < 1 ? value : throw new ArgumentException($"ExponentiatedGradientOptions.{nameof(DifferenceBound)}: {value} is outside [0, 1); expected a small rate such as 0.01.", nameof(DifferenceBound));
    }

    /// <summary>Fairlearn's <c>eps</c>: the multipliers' L1 bound is 1/eps. Default 0.01.</summary>
    public double Eps
    {
        get => _eps;
        init => _eps = value > 0 && double.IsFinite(value) ? value : throw new ArgumentException($"ExponentiatedGradientOptions.{nameof(Eps)}: {value} is not positive; expected for example 0.01.", nameof(Eps));
    }

    /// <summary>Maximum number of iterations (each fits the trainer once, plus up to four fits for the duality gap). Default 50.</summary>
    public int MaxIterations
    {
        get => _maxIterations;
        init => _maxIterations = value >= 1 ? value : throw new ArgumentException($"ExponentiatedGradientOptions.{nameof(MaxIterations)}: {value} is less than 1; expected for example 50.", nameof(MaxIterations));
    }

    /// <summary>Convergence threshold on the duality gap; null derives it from the first predictor as Fairlearn does.</summary>
    public double? Nu
    {
        get => _nu;
        init => _nu = value is null || value > 0 ? value : throw new ArgumentException($"ExponentiatedGradientOptions.{nameof(Nu)}: {value} is not positive; expected null or a positive number.", nameof(Nu));
    }

    /// <summary>Initial step size multiplier (Fairlearn's <c>eta0</c>, default 2).</summary>
    public double Eta0
    {
        get => _eta0;
        init => _eta0 = value > 0 && double.IsFinite(value) ? value : throw new ArgumentException($"ExponentiatedGradientOptions.{nameof(Eta0)}: {value} is not positive; expected for example 2.", nameof(Eta0));
    }

    /// <summary>Also solve the linear program over the predictors found so far each iteration and keep its mixture when its gap is smaller (Fairlearn's <c>run_linprog_step</c>, default true).</summary>
    public bool RunLinearProgramStep { get; init; } = true;

    /// <summary>Seed of the randomised predictions; null derives it from the MLContext.</summary>
    public int? Seed { get; init; }

    /// <summary>Receives the finished iteration count.</summary>
    public IProgress<int>? Progress { get; init; }

    /// <summary>Stops fitting between oracle calls.</summary>
    public CancellationToken CancellationToken { get; init; }

    private static string Name(string value, string option) => !string.IsNullOrWhiteSpace(value) ? value
        : throw new ArgumentException($"ExponentiatedGradientOptions.{option}: the column name is empty; expected a column name.", option);
}
