namespace DeepML.Fairness;

/// <summary>
/// Options of <see cref="GroupMetrics"/> evaluation. Immutable; each property is validated when it is
/// set, and an invalid value throws an <see cref="ArgumentException"/> naming the option.
/// </summary>
public sealed class GroupMetricsOptions
{
    private readonly IReadOnlyList<string> _sensitive = [];
    private readonly IReadOnlyList<string> _control = [];
    private readonly int _resamples;
    private readonly double _level = 0.95;
    private readonly double _alpha = 2;
    private readonly double _concentration = 1;
    private readonly string _label = "Label";
    private readonly double _threshold;

    /// <summary>
    /// The task of the model whose scored data is evaluated; decides which metrics are computed. Default binary
    /// classification (binary labels and predicted labels, plus an optional score for the AUC); regression: real
    /// labels and a real prediction (the score column); multiclass: class labels and predicted class labels
    /// (keys or numbers).
    /// </summary>
    public PredictionKind Task { get; init; } = PredictionKind.BinaryClassification;

    /// <summary>The label column (Boolean or 0/1 for binary; real for regression; key or number for multiclass).</summary>
    public string LabelColumnName { get => _label; init => _label = NotBlank(value, nameof(LabelColumnName)); }

    /// <summary>
    /// The predicted label column (binary and multiclass). Default <c>PredictedLabel</c>. For binary
    /// classification it may be null: the prediction is then score &gt; <see cref="ScoreThreshold"/>.
    /// </summary>
    public string? PredictedLabelColumnName { get; init; } = "PredictedLabel";

    /// <summary>
    /// Binary classification without a predicted label column: predict positive when score &gt; this.
    /// Default 0 (ML.NET's raw-score convention; use 0.5 with a Probability column).
    /// </summary>
    public double ScoreThreshold
    {
        get => _threshold;
        init => _threshold = double.IsFinite(value) ? value : throw new ArgumentException($"GroupMetricsOptions.{nameof(ScoreThreshold)}: {value} is not finite; expected for example 0 for raw scores or 0.5 for probabilities.", nameof(ScoreThreshold));
    }

    /// <summary>
    /// The score column: for binary classification it gives the AUC (null: no AUC); for regression it is
    /// the prediction. Must be a scalar Single or Double. Default <c>Score</c>.
    /// </summary>
    public string? ScoreColumnName { get; init; } = "Score";

    /// <summary>The sensitive columns; with several, groups are every combination of their values.</summary>
    public IReadOnlyList<string> SensitiveColumnNames
    {
        get => _sensitive;
        init
        {
            if (value is null || value.Count == 0 || value.Any(string.IsNullOrWhiteSpace))
                throw new ArgumentException($"GroupMetricsOptions.{nameof(SensitiveColumnNames)}: {FairnessErrors.NoSensitiveColumns}", nameof(SensitiveColumnNames));
            if (value.Distinct().Count() != value.Count)
                throw new ArgumentException($"GroupMetricsOptions.{nameof(SensitiveColumnNames)}: a column is named twice; expected distinct names. Remove the duplicate.", nameof(SensitiveColumnNames));
            ThrowIfShared(value, _control, nameof(SensitiveColumnNames));
            _sensitive = value.ToArray();
        }
    }

    /// <summary>
    /// Optional control columns (Fairlearn's <c>control_features</c>), of the same types as the
    /// sensitive columns; default none. With control columns every metric is computed for each
    /// (control value, sensitive group) cell, and overall, group min/max, differences, ratios and
    /// the measures are computed within each control value separately
    /// (<see cref="GroupMetrics.ByControl"/>); several control columns combine like the sensitive
    /// ones (every combination, empty ones kept). A column cannot be both sensitive and a control.
    /// </summary>
    public IReadOnlyList<string> ControlColumnNames
    {
        get => _control;
        init
        {
            if (value is null || value.Any(string.IsNullOrWhiteSpace))
                throw new ArgumentException($"GroupMetricsOptions.{nameof(ControlColumnNames)}: the list or one of its names is null or empty; expected column names such as [\"Income\"], or an empty list for no control. Remove the empty entry.", nameof(ControlColumnNames));
            if (value.Distinct().Count() != value.Count)
                throw new ArgumentException($"GroupMetricsOptions.{nameof(ControlColumnNames)}: a column is named twice; expected distinct names. Remove the duplicate.", nameof(ControlColumnNames));
            ThrowIfShared(value, _sensitive, nameof(ControlColumnNames));
            _control = value.ToArray();
        }
    }

    /// <summary>Optional example weight column (Single or Double, finite, ≥ 0).</summary>
    public string? ExampleWeightColumnName { get; init; }

    /// <summary>Number of bootstrap resamples for confidence intervals; 0 (default) computes none. Fairlearn suggests about 100.</summary>
    public int BootstrapResamples
    {
        get => _resamples;
        init => _resamples = value >= 0 ? value : throw new ArgumentException($"GroupMetricsOptions.{nameof(BootstrapResamples)}: {value} is negative; expected 0 (no intervals) or a positive count such as 200.", nameof(BootstrapResamples));
    }

    /// <summary>Confidence level of the intervals, in (0, 1). Default 0.95 (quantiles 0.025 and 0.975).</summary>
    public double ConfidenceLevel
    {
        get => _level;
        init => _level = value is > 0 and < 1 ? value : throw new ArgumentException($"GroupMetricsOptions.{nameof(ConfidenceLevel)}: {value} is outside (0, 1); expected for example 0.95.", nameof(ConfidenceLevel));
    }

    /// <summary>Seed of the bootstrap; null (default) derives it from the MLContext's seed.</summary>
    public int? Seed { get; init; }

    /// <summary>Which comparison the Fairlearn measures use. Default between groups (Fairlearn's default).</summary>
    public GroupComparison Comparison { get; init; } = GroupComparison.BetweenGroups;

    /// <summary>
    /// The privileged group for AIF360's directional measures, as <see cref="FairnessGroup.Name"/>
    /// (for example <c>Male</c>, or <c>Male | White</c> with two columns). Null: those measures are NaN.
    /// </summary>
    public string? PrivilegedGroup { get; init; }

    /// <summary>α of the generalized entropy index (AIF360's default 2).</summary>
    public double EntropyAlpha
    {
        get => _alpha;
        init => _alpha = double.IsFinite(value) ? value : throw new ArgumentException($"GroupMetricsOptions.{nameof(EntropyAlpha)}: {value} is not finite; expected a real number such as 2.", nameof(EntropyAlpha));
    }

    /// <summary>Dirichlet concentration α of the smoothed EDF (AIF360's default 1).</summary>
    public double EdfConcentration
    {
        get => _concentration;
        init => _concentration = value > 0 && double.IsFinite(value) ? value : throw new ArgumentException($"GroupMetricsOptions.{nameof(EdfConcentration)}: {value} is not positive; expected for example 1.", nameof(EdfConcentration));
    }

    /// <summary>Receives the number of finished bootstrap resamples.</summary>
    public IProgress<int>? Progress { get; init; }

    /// <summary>Cancels reading and bootstrapping.</summary>
    public CancellationToken CancellationToken { get; init; }

    // Init accessors run in initializer order: whichever of the two lists is set second sees the first.
    private static void ThrowIfShared(IReadOnlyList<string> value, IReadOnlyList<string> other, string option)
    {
        if (value.FirstOrDefault(other.Contains) is { } shared)
            throw new ArgumentException($"GroupMetricsOptions.{option}: column '{shared}' {FairnessErrors.ControlIsSensitive}", option);
    }

    private static string NotBlank(string value, string option) =>
        !string.IsNullOrWhiteSpace(value) ? value : throw new ArgumentException($"GroupMetricsOptions.{option}: the column name is empty; expected a column name such as \"Label\".", option);
}
