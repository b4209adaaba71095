namespace DeepML.Explainability;

/// <summary>
/// Options of LIME for tabular data (Ribeiro et al. 2016, as the <c>lime</c> package's <c>LimeTabularExplainer</c>
/// does it, with the differences its explainer's remarks list). Immutable; each property is validated when it is
/// set and throws an <see cref="ArgumentException"/> naming it.
/// </summary>
public sealed record LimeOptions
{
    private readonly string _featureColumnName = "Features";
    private readonly ExplainedOutput _output = ExplainedOutput.Score;
    private readonly FeatureGrouping _grouping = FeatureGrouping.Slots;
    private readonly int _samples = 5000;
    private readonly double? _kernelWidth;
    private readonly double _ridgeAlpha = 1.0;
    private readonly int _maxTrainingRows = 10_000;
    private readonly int _maxModelRows = 65_536;

    /// <summary>The model's feature column: a known-size vector of Single (default <c>Features</c>).</summary>
    public string FeatureColumnName
    {
        get => _featureColumnName;
        init => _featureColumnName = string.IsNullOrWhiteSpace(value)
            ? throw new ArgumentException("LimeOptions: FeatureColumnName must name the model's feature vector column, for example \"Features\".", nameof(FeatureColumnName))
            : value;
    }

    /// <summary>The output explained (default: the raw <c>Score</c>; lime explains a class probability: <see cref="ExplainedOutput.Probability"/>).</summary>
    public ExplainedOutput Output
    {
        get => _output;
        init => _output = value ?? throw new ArgumentException("LimeOptions: Output must be set, for example ExplainedOutput.Score.", nameof(Output));
    }

    /// <summary>
    /// The interpretable features: every slot alone (default; each is discretised into quartiles), or groups — a group of
    /// several slots (a one-hot block) is one categorical feature whose value is the whole block.
    /// </summary>
    public FeatureGrouping Grouping
    {
        get => _grouping;
        init => _grouping = value ?? throw new ArgumentException("LimeOptions: Grouping must be set, for example FeatureGrouping.SourceColumns().", nameof(Grouping));
    }

    /// <summary>Perturbed samples per explained row, the row itself included (default 5,000, lime's); at least 10.</summary>
    public int Samples
    {
        get => _samples;
        init => _samples = value >= 10 ? value
            : throw new ArgumentOutOfRangeException(nameof(Samples), value, "LimeOptions: Samples must be at least 10 (lime's default is 5,000).");
    }

    /// <summary>The exponential kernel's width; null (default) takes lime's 0.75·√M for M interpretable features. Must be positive and finite.</summary>
    public double? KernelWidth
    {
        get => _kernelWidth;
        init => _kernelWidth = value is null || (double.IsFinite(value.Value) && value > 0) ? value
            : throw new ArgumentOutOfRangeException(nameof(KernelWidth), value, "LimeOptions: KernelWidth must be positive and finite, or null for 0.75·√(features).");
    }

    /// <summary>The surrogate's ridge penalty on the coefficients (not the intercept); default 1 (scikit-learn's <c>Ridge()</c>, lime's surrogate); 0 is weighted least squares.</summary>
    public double RidgeAlpha
    {
        get => _ridgeAlpha;
        init => _ridgeAlpha = double.IsFinite(value) && value >= 0 ? value
            : throw new ArgumentOutOfRangeException(nameof(RidgeAlpha), value, "LimeOptions: RidgeAlpha must be finite and ≥ 0 (1 is the default).");
    }

    /// <summary>Rows of the training data kept for quartiles and sampling (the first ones); default 10,000.</summary>
    public int MaxTrainingRows
    {
        get => _maxTrainingRows;
        init => _maxTrainingRows = value >= 2 ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxTrainingRows), value, "LimeOptions: MaxTrainingRows must be at least 2.");
    }

    /// <summary>Model rows per call to the model (each explained row costs <see cref="Samples"/>); default 65,536.</summary>
    public int MaxModelRows
    {
        get => _maxModelRows;
        init => _maxModelRows = value >= 1 ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxModelRows), value, "LimeOptions: MaxModelRows must be at least 1 (65,536 is a good default).");
    }

    /// <summary>The sampling seed; null derives one from the <c>MLContext</c>'s seed. Each row draws from a generator seeded by this seed and the row's values.</summary>
    public int? Seed { get; init; }
}
