namespace DeepML.Explainability;

/// <summary>
/// How the slots of a feature vector are grouped into the features an explainer attributes to: one
/// per slot, one per source column (a one-hot block stays together), or groups the user names.
/// </summary>
/// <remarks>
/// A group is switched on and off as a whole, so a one-hot encoded column gets one attribution and
/// never a half-encoded input. ML.NET's <c>Concatenate</c> names the slots of a vector input
/// <c>Column.Slot</c> and those of a scalar input <c>Column</c>; <see cref="SourceColumns"/> groups by that rule.
/// </remarks>
public abstract class FeatureGrouping
{
    private protected FeatureGrouping() { }

    /// <summary>Every slot is its own feature (the default).</summary>
    public static FeatureGrouping Slots { get; } = new SlotGrouping();

    /// <summary>
    /// One feature per source column of a <c>Concatenate</c>: with no <paramref name="columns"/>, a slot
    /// named <c>A.b</c> belongs to group <c>A</c> and a slot named <c>A</c> to group <c>A</c>; with
    /// <paramref name="columns"/>, each slot goes to the longest listed name that it equals or that it
    /// starts with followed by a dot (use this when column names contain dots), and an unmatched slot is refused.
    /// </summary>
    /// <param name="columns">The source column names, or none to split slot names at their first dot.</param>
    public static FeatureGrouping SourceColumns(params string[] columns) => new SourceColumnGrouping(columns);

    /// <summary>Groups given by name: every slot index of the vector in exactly one group.</summary>
    /// <param name="groups">Group name → its slot indices.</param>
    public static FeatureGrouping Custom(IReadOnlyDictionary<string, int[]> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        return new CustomGrouping(groups.ToDictionary(g => g.Key, g => g.Value.ToArray()));
    }

    /// <summary>Resolves the grouping against a vector's slot names.</summary>
    internal abstract FeatureGroups Resolve(IReadOnlyList<string> slotNames, string component);

    private sealed class SlotGrouping : FeatureGrouping
    {
        internal override FeatureGroups Resolve(IReadOnlyList<string> slotNames, string component) =>
            new(slotNames.ToArray(), Enumerable.Range(0, slotNames.Count).ToArray());

        public override string ToString() => "Slots";
    }

    private sealed class SourceColumnGrouping(string[] columns) : FeatureGrouping
    {
        internal override FeatureGroups Resolve(IReadOnlyList<string> slotNames, string component)
        {
            var names = new List<string>();
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            var groupOf = new int[slotNames.Count];
            var byLength = columns.OrderByDescending(c => c.Length).ToArray();
            for (var s = 0; s < slotNames.Count; s++)
            {
                var slot = slotNames[s];
                string? group;
                if (columns.Length == 0)
                {
                    var dot = slot.IndexOf('.');
                    group = dot > 0 ? slot[..dot] : slot;
                }
                else
                {
                    group = byLength.FirstOrDefault(c => slot == c || slot.StartsWith(c + ".", StringComparison.Ordinal));
                    if (group is null)
                        throw new ArgumentException($"{component}: slot {s} '{slot}' belongs to none of the source columns {string.Join(", ", columns.Select(c => $"'{c}'"))}. " +
                            "List every column that the feature vector was concatenated from, or use FeatureGrouping.Custom.", "Grouping");
                }
                if (!index.TryGetValue(group, out var g))
                {
                    g = names.Count;
                    index[group] = g;
                    names.Add(group);
                }
                groupOf[s] = g;
            }
            return new FeatureGroups(names.ToArray(), groupOf);
        }

        public override string ToString() => "SourceColumns";
    }

    private sealed class CustomGrouping(Dictionary<string, int[]> groups) : FeatureGrouping
    {
        internal override FeatureGroups Resolve(IReadOnlyList<string> slotNames, string component)
        {
            var groupOf = Enumerable.Repeat(-1, slotNames.Count).ToArray();
            var names = groups.Keys.ToArray();
            for (var g = 0; g < names.Length; g++)
            {
                foreach (var s in groups[names[g]])
                {
                    if (s < 0 || s >= slotNames.Count)
                        throw new ArgumentException($"{component}: group '{names[g]}' lists slot {s}, but the feature vector has slots 0 … {slotNames.Count - 1}.", "Grouping");
                    if (groupOf[s] >= 0)
                        throw new ArgumentException($"{component}: slot {s} '{slotNames[s]}' is in both group '{names[groupOf[s]]}' and group '{names[g]}'; put each slot in exactly one group.", "Grouping");
                    groupOf[s] = g;
                }
            }
            var missing = Array.IndexOf(groupOf, -1);
            if (missing >= 0)
                throw new ArgumentException($"{component}: slot {missing} '{slotNames[missing]}' is in no group; put each slot in exactly one group.", "Grouping");
            return new FeatureGroups(names, groupOf);
        }

        public override string ToString() => $"Custom ({groups.Count} groups)";
    }
}

/// <summary>Resolved groups: their names, and for each slot the index of its group.</summary>
internal sealed record FeatureGroups(string[] Names, int[] GroupOfSlot)
{
    /// <summary>Number of groups (the players of the Shapley game).</summary>
    public int Count => Names.Length;
}
