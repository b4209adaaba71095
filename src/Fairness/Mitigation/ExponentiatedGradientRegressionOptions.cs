namespace DeepML.Fairness;

/// <summary>The per-row loss of a bounded-group-loss constraint (Fairlearn's loss classes).</summary>
public enum GroupLoss
{
    /// <summary>Fairlearn <c>SquareLoss(min_val, max_val)</c>: (clip(y) − clip(ŷ))², label and prediction clipped into the label range.</summary>
    Square,
    /// <summary>Fairlearn <c>AbsoluteLoss(min_val, max_val)</c>: |clip(y) − clip(ŷ)|.</summary>
    Absolute,
}

/// <summary>Options of <see cref="ExponentiatedGradientRegressionEstimator"/>. Immutable; validated when set.</summary>
public sealed class ExponentiatedGradientRegressionOptions
{
    private const string Type = nameof(ExponentiatedGradientRegressionOptions);
    private readonly IReadOnlyList<string> _sensitive = [];
    private readonly string _label = "Label", _features = "Features";
    private readonly double _upperBound, _eps = 0.01, _eta0 = 2.0;
    private readonly double? _nu, _min, _max;
    private readonly int _maxIterations = 50;
    private readonly GroupLoss _loss = GroupLoss.Square;

    /// <summary>The regression label column (Single or Double).</summary>
    public string LabelColumnName { get => _label; init => _label = Name(value, nameof(LabelColumnName)); }

    /// <summary>The feature vector column the trainer reads (known-size vector of Single).</summary>
    public string FeatureColumnName { get => _features; init => _features = Name(value, nameof(FeatureColumnName)); }

    /// <summary>The sensitive columns (several give intersectional groups). Needed at fit time only.</summary>
    public IReadOnlyList<string> SensitiveColumnNames
    {
        get => _sensitive;
        init => _sensitive = value is { Count: > 0 } && value.All(v => !string.IsNullOrWhiteSpace(v)) ? value.ToArray()
            : throw new ArgumentException($"{Type}.{nameof(SensitiveColumnNames)}: {FairnessErrors.NoSensitiveColumns}", nameof(SensitiveColumnNames));
    }

    /// <summary>The loss whose group means are bounded, and whose overall mean is the objective. Default <see cref="GroupLoss.Square"/>.</summary>
    public GroupLoss Loss
    {
        get => _loss;
        init => _loss = Enum.IsDefined(value) ? value
            : throw new ArgumentException($"{Type}.{nameof(Loss)}: {(int)value} is not a GroupLoss; expected one of {string.Join(", ", Enum.GetNames<GroupLoss>())}.", nameof(Loss));
    }

    /// <summary>
    /// ζ, the bound on every group's mean loss (Fairlearn's <c>upper_bound</c>), in the loss's units:
    /// squared label units for <see cref="GroupLoss.Square"/>, label units for <see cref="GroupLoss.Absolute"/>.
    /// </summary>
    public required double UpperBound
    {
        get => _upperBound;
        init => _upperBound = value >= 0 && double.IsFinite(value) ? value
            : throw new ArgumentException($"{Type}.{nameof(UpperBound)}: {value} is not a finite number ≥ 0; expected a bound on the group mean loss, between the best achievable and the unconstrained worst-group loss.", nameof(UpperBound));
    }

    /// <summary>The lower end of the label range the loss clips to (Fairlearn's <c>min_val</c>); null takes the smallest training label.</summary>
    public double? LabelMinimum
    {
        get => _min;
        init => _min = Range(value, nameof(LabelMinimum), value, _max);
    }

    /// <summary>The upper end of the label range the loss clips to (Fairlearn's <c>max_val</c>); null takes the largest training label.</summary>
    public double? LabelMaximum
    {
        get => _max;
        init => _max = Range(value, nameof(LabelMaximum), _min, value);
    }

    /// <summary>Fairlearn's <c>eps</c>: the multipliers' L1 bound is 1/eps. Default 0.01.</summary>
    public double Eps
    {
        get => _eps;
        init => _eps = value > 0 && double.IsFinite(value) ? value : throw new ArgumentException($"{Type}.{nameof(Eps)}: {value} is not positive; expected for example 0.01.", nameof(Eps));
    }

    /// <summary>Maximum number of iterations (each fits the trainer once, plus up to four fits for the duality gap). Default 50.</summary>
    public int MaxIterations
    {
        get => _maxIterations;
        init => _maxIterations = value >= 1 ? value : throw new ArgumentException($"{Type}.{nameof(MaxIterations)}: {value} is less than 1; expected for example 50.", nameof(MaxIterations));
    }

    /// <summary>Convergence threshold on the duality gap; null derives it from the first predictor as Fairlearn does (0.5·std|h(x) − y|/√n).</summary>
    public double? Nu
    {
        get => _nu;
        init => _nu = value is null || value > 0 ? value : throw new ArgumentException($"{Type}.{nameof(Nu)}: {value} is not positive; expected null or a positive number.", nameof(Nu));
    }

    /// <summary>Initial step size multiplier (Fairlearn's <c>eta0</c>, default 2).</summary>
    public double Eta0
    {
        get => _eta0;
        init => _eta0 = value > 0 && double.IsFinite(value) ? value : throw new ArgumentException($"{Type}.{nameof(Eta0)}: {value} is not positive; expected for example 2.", nameof(Eta0));
    }

    /// <summary>Also solve the linear program over the predictors found so far each iteration (Fairlearn's <c>run_linprog_step</c>, default true).</summary>
    public bool RunLinearProgramStep { get; init; } = true;

    /// <summary>Receives the finished iteration count.</summary>
    public IProgress<int>? Progress { get; init; }

    /// <summary>Stops fitting between oracle calls.</summary>
    public CancellationToken CancellationToken { get; init; }

    private static double? Range(double? value, string option, double? min, double? max)
    {
        if (value is { } v && !double.IsFinite(v))
            throw new ArgumentException($"{Type}.{option}: {v} is not finite; expected null (take it from the training labels) or a finite label value.", option);
        if (min is { } lo && max is { } hi && !(lo < hi))
            throw new ArgumentException($"{Type}.{option}: the label range [{lo}, {hi}] is empty; expected LabelMinimum < LabelMaximum.", option);
        return value;
    }

    private static string Name(string value, string option) => !string.IsNullOrWhiteSpace(value) ? value
        : throw new ArgumentException($"{Type}.{option}: the column name is empty; expected a column name.", option);
}
