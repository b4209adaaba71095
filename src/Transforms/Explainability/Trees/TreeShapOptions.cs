namespace DeepML.Explainability;

/// <summary>What "a feature is absent" means to TreeSHAP.</summary>
public enum TreePerturbation
{
    /// <summary>
    /// Follow the trees: at a split on an absent feature both children are taken, weighted by the share
    /// of the cover rows (the data given to <c>TreeShap</c>) that went each way. Needs no background;
    /// the fastest (O(leaves · depth²) per tree and row). The model's own training statistics are not
    /// public in ML.NET, so the covers are counted from the data you pass (pass the training data).
    /// </summary>
    PathDependent,

    /// <summary>
    /// An absent feature takes a background row's value, averaged over the background: the same
    /// values as ExactShapley with that background, computed exactly in time linear in its rows.
    /// </summary>
    Interventional,
}

/// <summary>Options of TreeSHAP. Immutable; each property is validated when it is set and throws an <see cref="ArgumentException"/> naming it.</summary>
public sealed record TreeShapOptions
{
    private readonly FeatureGrouping _grouping = FeatureGrouping.Slots;
    private readonly int _maxCoverRows = 100_000;

    /// <summary>The feature column to read rows from; null (the default) takes the one the tree model was trained on.</summary>
    public string? FeatureColumnName { get; init; }

    /// <summary>Path-dependent (default) or interventional.</summary>
    public TreePerturbation Perturbation { get; init; } = TreePerturbation.PathDependent;

    /// <summary>
    /// How slot attributions are reported: per slot (default), or summed per group. A group's value is the
    /// sum of its slots' Shapley values (what shap reports for grouped one-hot columns), which adds up
    /// like the slots' but is not the Shapley value of the group played as one feature.
    /// </summary>
    public FeatureGrouping Grouping
    {
        get => _grouping;
        init => _grouping = value ?? throw new ArgumentException("TreeShapOptions: Grouping must be set, for example FeatureGrouping.SourceColumns().", nameof(Grouping));
    }

    /// <summary>Path-dependent: at most this many rows of the data are counted into the node covers (default 100,000).</summary>
    public int MaxCoverRows
    {
        get => _maxCoverRows;
        init => _maxCoverRows = value >= 1 ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxCoverRows), value, "TreeShapOptions: MaxCoverRows must be at least 1.");
    }

    /// <summary>Interventional: the background; null takes a seeded sample of 100 rows of the data (shap's advice: 100 to 1,000).</summary>
    public Background? Background { get; init; }

    /// <summary>The seed of the default background sample; null derives one from the MLContext's seed.</summary>
    public int? Seed { get; init; }
}
