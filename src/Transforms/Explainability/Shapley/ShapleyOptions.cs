namespace DeepML.Explainability;

/// <summary>
/// What every Shapley explainer needs to know besides the model and the background: where the
/// features are, which output is explained, how slots are grouped, the seed and the batch size.
/// Immutable; each property is validated when it is set and throws an <see cref="ArgumentException"/> naming it.
/// </summary>
public abstract record ShapleyOptions
{
    private readonly string _featureColumnName = "Features";
    private readonly ExplainedOutput _output = ExplainedOutput.Score;
    private readonly FeatureGrouping _grouping = FeatureGrouping.Slots;
    private readonly int _maxModelRows = 65_536;

    /// <summary>The model's feature column: a known-size vector of Single (default <c>Features</c>).</summary>
    public string FeatureColumnName
    {
        get => _featureColumnName;
        init => _featureColumnName = string.IsNullOrWhiteSpace(value)
            ? throw new ArgumentException("ShapleyOptions: FeatureColumnName must name the model's feature vector column, for example \"Features\".", nameof(FeatureColumnName))
            : value;
    }

    /// <summary>The output explained (default: the raw <c>Score</c>).</summary>
    public ExplainedOutput Output
    {
        get => _output;
        init => _output = value ?? throw new ArgumentException("ShapleyOptions: Output must be set, for example ExplainedOutput.Score.", nameof(Output));
    }

    /// <summary>How slots are grouped into attributed features (default: every slot alone).</summary>
    public FeatureGrouping Grouping
    {
        get => _grouping;
        init => _grouping = value ?? throw new ArgumentException("ShapleyOptions: Grouping must be set, for example FeatureGrouping.SourceColumns().", nameof(Grouping));
    }

    /// <summary>The seed of the sampling methods; null derives one from the <c>MLContext</c>'s seed. Each row draws from its own generator, seeded by this seed and the row's values, so a row's attributions do not depend on how rows are batched.</summary>
    public int? Seed { get; init; }

    /// <summary>Model rows per call to the model (each coalition costs one per background row); default 65,536.</summary>
    public int MaxModelRows
    {
        get => _maxModelRows;
        init => _maxModelRows = value >= 1 ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxModelRows), value, "ShapleyOptions: MaxModelRows must be at least 1 (65,536 is a good default).");
    }
}

/// <summary>Options of exact Shapley values (every coalition evaluated).</summary>
public sealed record ExactShapleyOptions : ShapleyOptions
{
    private readonly int _maxFeatures = 14;

    /// <summary>
    /// The most groups accepted (default 14, at most 24): a row costs 2^M × background rows model
    /// evaluations, so 14 groups and 10 background rows are 163,840 evaluations per row.
    /// </summary>
    public int MaxFeatures
    {
        get => _maxFeatures;
        init => _maxFeatures = value is >= 1 and <= 24 ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxFeatures), value, "ExactShapleyOptions: MaxFeatures must be between 1 and 24 (2^24 coalitions per row is the practical limit). For more features use KernelSHAP or TreeSHAP.");
    }
}

/// <summary>Options of KernelSHAP.</summary>
public sealed record KernelShapOptions : ShapleyOptions
{
    private readonly int? _samples;

    /// <summary>Coalitions evaluated per row; null (the default) takes shap's 2·M + 2048. When it reaches 2^M − 2 every coalition is used and the values are exact.</summary>
    public int? Samples
    {
        get => _samples;
        init => _samples = value is null or >= 2 ? value
            : throw new ArgumentOutOfRangeException(nameof(Samples), value, "KernelShapOptions: Samples must be at least 2 (or null for 2·M + 2048).");
    }
}

/// <summary>Options of permutation SHAP.</summary>
public sealed record PermutationShapOptions : ShapleyOptions
{
    private readonly int _permutations = 10;

    /// <summary>Random orders per row, each also run reversed (default 10, shap's default); a row costs 2 × Permutations × (M − 1) coalitions.</summary>
    public int Permutations
    {
        get => _permutations;
        init => _permutations = value >= 1 ? value
            : throw new ArgumentOutOfRangeException(nameof(Permutations), value, "PermutationShapOptions: Permutations must be at least 1.");
    }
}
