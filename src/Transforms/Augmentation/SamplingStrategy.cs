namespace DeepML.Augmentation;

/// <summary>
/// How many rows each class has after rebalancing, with imbalanced-learn's definitions of
/// <c>sampling_strategy</c>: <see cref="Auto"/> (<c>'auto'</c>), <see cref="Ratio"/> (a float) and
/// <see cref="Counts"/> (a dict).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><see cref="Auto"/>: an over-sampler brings every class to the majority count; an under-sampler
/// brings every class to the minority count.</item>
/// <item><see cref="Ratio"/>(r), r in (0, 1]: an over-sampler brings every class but the majority to
/// ⌊r·N_majority⌋ rows (an error if a class already has more); an under-sampler brings every class but the
/// minority to ⌊N_minority / r⌋ rows (an error if a class has fewer). imbalanced-learn allows a ratio for two
/// classes only; DeepML applies the same rule to every non-majority (non-minority) class.</item>
/// <item><see cref="Counts"/>: the row count wanted for each listed class (by name: its key value, or
/// <c>False</c>/<c>True</c>); unlisted classes are left as they are. An over-sampler cannot lower a count
/// and an under-sampler cannot raise one.</item>
/// </list>
/// </remarks>
public sealed class SamplingStrategy
{
    private readonly string _text;
    private readonly double _ratio;
    private readonly IReadOnlyDictionary<string, long>? _counts;

    private SamplingStrategy(string text, double ratio, IReadOnlyDictionary<string, long>? counts)
    {
        _text = text;
        _ratio = ratio;
        _counts = counts;
    }

    /// <summary>imbalanced-learn's <c>'auto'</c>: every class to the majority (over) or minority (under) count.</summary>
    public static SamplingStrategy Auto { get; } = new("Auto", 1, null);

    /// <summary>imbalanced-learn's float strategy: N_class = ⌊r·N_majority⌋ (over) or ⌊N_minority / r⌋ (under).</summary>
    /// <param name="ratio">The wanted ratio of minority to majority rows after rebalancing, in (0, 1].</param>
    /// <exception cref="ArgumentOutOfRangeException">The ratio is not in (0, 1].</exception>
    public static SamplingStrategy Ratio(double ratio) => ratio is > 0 and <= 1
        ? new($"Ratio({ratio.ToString(System.Globalization.CultureInfo.InvariantCulture)})", ratio, null)
        : throw new ArgumentOutOfRangeException(nameof(ratio), ratio,
            "SamplingStrategy.Ratio: the ratio (minority rows / majority rows after rebalancing) must be in (0, 1], as in imbalanced-learn. Use SamplingStrategy.Counts for other targets.");

    /// <summary>imbalanced-learn's dict strategy: the row count wanted per listed class.</summary>
    /// <param name="counts">Class name (key value, or <c>False</c>/<c>True</c>) → wanted rows (at least 1).</param>
    /// <exception cref="ArgumentException">The map is empty, a name is empty or a count is below 1.</exception>
    public static SamplingStrategy Counts(IReadOnlyDictionary<string, long> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        if (counts.Count == 0)
            throw new ArgumentException("SamplingStrategy.Counts: no class is listed; list at least one class and its wanted row count, or use SamplingStrategy.Auto.", nameof(counts));
        foreach (var (name, count) in counts)
        {
            if (string.IsNullOrEmpty(name) || count < 1)
                throw new ArgumentException($"SamplingStrategy.Counts: class '{name}' asks for {count} rows; each class needs a non-empty name and at least 1 row.", nameof(counts));
        }
        var copy = counts.ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal);
        return new("Counts(" + string.Join(", ", copy.Select(c => $"{c.Key}: {c.Value}")) + ")", 1, copy);
    }

    /// <summary>The strategy as text, for example <c>Ratio(0.5)</c>.</summary>
    public override string ToString() => _text;

    /// <summary>Wanted rows per class (same order as <paramref name="counts"/>).</summary>
    /// <param name="component">The verb, first word of an error.</param>
    /// <param name="classes">Class names.</param>
    /// <param name="counts">Rows per class in the input (every class has at least one row).</param>
    /// <param name="over">True for an over-sampler, false for an under-sampler.</param>
    internal long[] Targets(string component, IReadOnlyList<string> classes, IReadOnlyList<long> counts, bool over)
    {
        var target = counts.ToArray();
        var majority = counts.Max();
        var minority = counts.Min();
        if (_counts is not null)
        {
            foreach (var (name, wanted) in _counts)
            {
                var c = IndexOf(classes, name);
                if (c < 0)
                    throw new ArgumentException($"{component}: SamplingStrategy.Counts names class '{name}', which the label does not have. Classes: {string.Join(", ", classes.Select(n => $"'{n}'"))}.", "Strategy");
                if (over ? wanted < counts[c] : wanted > counts[c])
                    throw new ArgumentException($"{component}: SamplingStrategy.Counts asks for {wanted} rows of class '{name}', which has {counts[c]}; an {(over ? "over" : "under")}-sampler can only {(over ? "add" : "remove")} rows. Ask for {(over ? "at least" : "at most")} {counts[c]}.", "Strategy");
                target[c] = wanted;
            }
            return target;
        }
        for (var c = 0; c < target.Length; c++)
        {
            if (over && counts[c] != majority)
                target[c] = (long)Math.Floor(majority * _ratio);
            else if (!over && counts[c] != minority)
                target[c] = (long)Math.Floor(minority / _ratio);
            if (over ? target[c] < counts[c] : target[c] > counts[c])
                throw new ArgumentException($"{component}: {this} would {(over ? "remove rows from" : "add rows to")} class '{classes[c]}' ({counts[c]} rows, target {target[c]}) while {(over ? "over" : "under")}-sampling. Increase the ratio.", "Strategy");
        }
        return target;
    }

    private static int IndexOf(IReadOnlyList<string> classes, string name)
    {
        for (var i = 0; i < classes.Count; i++)
        {
            if (classes[i] == name)
                return i;
        }
        return -1;
    }
}
