namespace DeepML.Augmentation;

/// <summary>
/// What every rebalancing verb needs: the label column, the sampling strategy and the seed.
/// Immutable; each property is validated when it is set and throws an <see cref="ArgumentException"/> naming it.
/// </summary>
public abstract record RebalanceOptions
{
    private readonly string _labelColumnName = "Label";
    private readonly SamplingStrategy _strategy = SamplingStrategy.Auto;

    /// <summary>The label column: a key (from <c>ml.Transforms.Conversion.MapValueToKey</c>) or Boolean. Default <c>Label</c>.</summary>
    public string LabelColumnName
    {
        get => _labelColumnName;
        init => _labelColumnName = string.IsNullOrWhiteSpace(value)
            ? throw new ArgumentException($"{GetType().Name}.{nameof(LabelColumnName)}: the column name is empty; expected the label column's name, for example \"Label\".", nameof(LabelColumnName))
            : value;
    }

    /// <summary>How many rows each class has afterwards (default <see cref="SamplingStrategy.Auto"/>).</summary>
    public SamplingStrategy Strategy
    {
        get => _strategy;
        init => _strategy = value ?? throw new ArgumentException($"{GetType().Name}.{nameof(Strategy)}: must be set, for example SamplingStrategy.Auto or SamplingStrategy.Ratio(0.5).", nameof(Strategy));
    }

    /// <summary>The seed; null derives one from the <c>MLContext</c>'s seed (a fresh context with the same seed gives the same rows).</summary>
    public int? Seed { get; init; }
}

/// <summary>Options of random over-sampling (imbalanced-learn's <c>RandomOverSampler</c>: rows drawn with replacement).</summary>
public sealed record RandomOverSamplingOptions : RebalanceOptions;

/// <summary>Options of random under-sampling (imbalanced-learn's <c>RandomUnderSampler</c>: rows kept without replacement).</summary>
public sealed record RandomUnderSamplingOptions : RebalanceOptions;

/// <summary>
/// What the SMOTE family needs besides <see cref="RebalanceOptions"/>: the feature vector and the
/// number of same-class neighbours to interpolate towards.
/// </summary>
public abstract record SyntheticSamplingOptions : RebalanceOptions
{
    private readonly string _featureColumnName = "Features";
    private readonly int _kNeighbors = 5;

    /// <summary>The feature column: a known-size vector of Single without NaN. Default <c>Features</c>.</summary>
    public string FeatureColumnName
    {
        get => _featureColumnName;
        init => _featureColumnName = string.IsNullOrWhiteSpace(value)
            ? throw new ArgumentException($"{GetType().Name}.{nameof(FeatureColumnName)}: the column name is empty; expected the feature vector's name, for example \"Features\".", nameof(FeatureColumnName))
            : value;
    }

    /// <summary>Same-class nearest neighbours (Euclidean, the row itself excluded) a synthetic row may be drawn towards. Default 5, as in imbalanced-learn; each class that is over-sampled needs more than this many rows.</summary>
    public int KNeighbors
    {
        get => _kNeighbors;
        init => _kNeighbors = value >= 1 ? value
            : throw new ArgumentOutOfRangeException(nameof(KNeighbors), value, $"{GetType().Name}.{nameof(KNeighbors)}: must be at least 1 (5 is the usual choice).");
    }
}

/// <summary>Options of SMOTE (Chawla et al. 2002).</summary>
public sealed record SmoteOptions : SyntheticSamplingOptions;

/// <summary>Options of Borderline-SMOTE, kind borderline-1 (Han et al. 2005).</summary>
public sealed record BorderlineSmoteOptions : SyntheticSamplingOptions
{
    private readonly int _mNeighbors = 10;

    /// <summary>Nearest neighbours over all classes (the row excluded) that decide whether a row is in DANGER: half or more, but not all, of them are of another class. Default 10, as in imbalanced-learn.</summary>
    public int MNeighbors
    {
        get => _mNeighbors;
        init => _mNeighbors = value >= 1 ? value
            : throw new ArgumentOutOfRangeException(nameof(MNeighbors), value, $"{nameof(BorderlineSmoteOptions)}.{nameof(MNeighbors)}: must be at least 1 (10 is the usual choice).");
    }
}

/// <summary>Options of SMOTE-NC (SMOTE for numeric and categorical features; Chawla et al. 2002, §6.1).</summary>
public sealed record SmoteNcOptions : SyntheticSamplingOptions
{
    private readonly IReadOnlyList<string> _categorical = [];

    /// <summary>
    /// The one-hot encoded columns that were concatenated into the feature vector, for example
    /// <c>["WorkclassHot", "SexHot"]</c>. Each is found through the feature column's slot names
    /// (<c>Concatenate</c> names them <c>Column.Value</c>); its slots form one categorical group. At least one.
    /// </summary>
    public IReadOnlyList<string> CategoricalColumnNames
    {
        get => _categorical;
        init => _categorical = value is { Count: > 0 } && value.All(v => !string.IsNullOrWhiteSpace(v)) && value.Distinct().Count() == value.Count
            ? value.ToArray()
            : throw new ArgumentException($"{nameof(SmoteNcOptions)}.{nameof(CategoricalColumnNames)}: list one or more distinct, non-empty names of the one-hot columns concatenated into the features (use Smote when there are none).", nameof(CategoricalColumnNames));
    }
}
