namespace DeepML;

/// <summary>How structured pruning ranks a layer's units (dense units, convolution filters).</summary>
public enum UnitImportance
{
    /// <summary>The L1 norm of the unit's incoming weights (Li et al. 2017, "Pruning Filters for Efficient ConvNets").</summary>
    L1,
    /// <summary>The L2 norm of the unit's incoming weights.</summary>
    L2,
}

/// <summary>
/// Options of structured pruning: which fraction of each prunable layer's units to remove (or how many to keep per layer), and
/// how units are ranked. Immutable; each property is validated when it is set and throws an <see cref="ArgumentException"/> naming it.
/// </summary>
public sealed record StructuredPruningOptions
{
    private readonly double _fraction = 0.5;
    private readonly IReadOnlyDictionary<string, int>? _keep;

    /// <summary>
    /// The fraction of units removed from every prunable layer (top-level Dense and Conv2d layers except the output layer): a layer
    /// of U units keeps U − ⌊fraction·U⌋, so at least one. In [0, 1); default 0.5. Ignored for the layers named in <see cref="Keep"/>.
    /// </summary>
    public double Fraction
    {
        get => _fraction;
        init => _fraction = double.IsFinite(value) && value is >= 0 and < 1 ? value
            : throw new ArgumentOutOfRangeException(nameof(Fraction), value, "StructuredPruningOptions: Fraction must be in [0, 1): the share of each layer's units to remove.");
    }

    /// <summary>
    /// Units to keep per layer path (for example <c>{ ["0"] = 64, ["4"] = 16 }</c>); with it, only these layers are pruned. Null (default):
    /// every prunable layer by <see cref="Fraction"/>. A count must be at least 1.
    /// </summary>
    public IReadOnlyDictionary<string, int>? Keep
    {
        get => _keep;
        init
        {
            if (value?.FirstOrDefault(kv => kv.Value < 1) is { Key: not null } bad)
                throw new ArgumentException($"StructuredPruningOptions: Keep['{bad.Key}'] = {bad.Value} would remove every unit of that layer; keep at least 1.", nameof(Keep));
            _keep = value is null ? null : new Dictionary<string, int>(value);
        }
    }

    /// <summary>How units are ranked (default L1); the lowest are removed, ties by the higher index.</summary>
    public UnitImportance Importance { get; init; } = UnitImportance.L1;
}
