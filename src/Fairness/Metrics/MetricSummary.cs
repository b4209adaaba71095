namespace DeepML.Fairness;

/// <summary>How a disparity is measured (Fairlearn's <c>method</c> argument).</summary>
public enum GroupComparison
{
    /// <summary>Between the groups: difference = max − min, ratio = min / max (Fairlearn's default).</summary>
    BetweenGroups,

    /// <summary>Each group to the overall value: difference = max |m_g − m|, ratio = min ρ(m_g / m) with ρ(x) = x if x ≤ 1 else 1/x.</summary>
    ToOverall,
}

/// <summary>Which aggregate of a metric a value or interval belongs to.</summary>
public enum MetricQuantity
{
    /// <summary>The metric on all rows.</summary>
    Overall,
    /// <summary>The metric on one group (pass the group index).</summary>
    ByGroup,
    /// <summary>Smallest defined group value.</summary>
    GroupMin,
    /// <summary>Largest defined group value.</summary>
    GroupMax,
    /// <summary>group max − group min.</summary>
    DifferenceBetweenGroups,
    /// <summary>max over groups of |group − overall|.</summary>
    DifferenceToOverall,
    /// <summary>group min / group max.</summary>
    RatioBetweenGroups,
    /// <summary>min over groups of ρ(group / overall), ρ(x) = x if x ≤ 1 else 1/x.</summary>
    RatioToOverall,
}

/// <summary>A bootstrap percentile interval.</summary>
/// <param name="Lower">The lower quantile ((1 − level)/2) of the resampled values.</param>
/// <param name="Upper">The upper quantile ((1 + level)/2) of the resampled values.</param>
public readonly record struct ConfidenceInterval(double Lower, double Upper);

/// <summary>
/// One metric, disaggregated: overall, by group, and the group aggregates with Fairlearn's
/// <c>MetricFrame</c> semantics. Undefined values (an empty group, a rate whose denominator is
/// zero) are <see cref="double.NaN"/> and are skipped by the aggregates, as pandas skips NaN.
/// </summary>
public sealed class MetricSummary
{
    private readonly double[] _slots;
    private readonly ConfidenceInterval[]? _intervals;

    internal MetricSummary(string name, double[] slots, ConfidenceInterval[]? intervals)
    {
        Name = name;
        _slots = slots;
        _intervals = intervals;
        ByGroup = new ArraySegment<double>(slots, 1, GroupCount);
    }

    /// <summary>The metric's name (see <see cref="FairnessMetricNames"/>).</summary>
    public string Name { get; }

    private int GroupCount => _slots.Length - Slots.Extra;

    /// <summary>The metric on all rows.</summary>
    public double Overall => _slots[0];

    /// <summary>The metric per group, in <see cref="GroupMetrics.Groups"/> order.</summary>
    public IReadOnlyList<double> ByGroup { get; }

    /// <summary>Smallest defined group value.</summary>
    public double GroupMin => Get(MetricQuantity.GroupMin);

    /// <summary>Largest defined group value.</summary>
    public double GroupMax => Get(MetricQuantity.GroupMax);

    /// <summary>Difference: between groups (max − min) or to overall (max |m_g − m|). Never negative.</summary>
    public double Difference(GroupComparison method = GroupComparison.BetweenGroups) =>
        Get(method == GroupComparison.BetweenGroups ? MetricQuantity.DifferenceBetweenGroups : MetricQuantity.DifferenceToOverall);

    /// <summary>Ratio: between groups (min / max) or to overall (min ρ(m_g / m)). At most 1.</summary>
    public double Ratio(GroupComparison method = GroupComparison.BetweenGroups) =>
        Get(method == GroupComparison.BetweenGroups ? MetricQuantity.RatioBetweenGroups : MetricQuantity.RatioToOverall);

    /// <summary>A quantity's value; <paramref name="group"/> is used with <see cref="MetricQuantity.ByGroup"/> only.</summary>
    public double Get(MetricQuantity quantity, int group = 0) => _slots[Slots.Of(quantity, group, GroupCount)];

    /// <summary>True when bootstrap intervals were computed.</summary>
    public bool HasIntervals => _intervals is not null;

    /// <summary>The bootstrap interval of a quantity, or null when no resamples were asked for.</summary>
    public ConfidenceInterval? Interval(MetricQuantity quantity, int group = 0) =>
        _intervals?[Slots.Of(quantity, group, GroupCount)];
}

/// <summary>Layout of a metric's values: [overall, group 0..G−1, min, max, dBetween, dToOverall, rBetween, rToOverall].</summary>
internal static class Slots
{
    public const int Extra = 7;

    public static int Of(MetricQuantity q, int group, int groups)
    {
        if (q == MetricQuantity.ByGroup)
        {
            if ((uint)group >= (uint)groups)
                throw new ArgumentOutOfRangeException(nameof(group), $"Fairness: group index {group} is out of range; expected 0..{groups - 1}. Use FairnessGroup.Index.");
            return 1 + group;
        }
        return q == MetricQuantity.Overall ? 0 : groups + (int)q - 1;
    }

    /// <summary>Fills the aggregate slots from the overall and group values (NaN skipped, as pandas does).</summary>
    public static void Aggregate(double[] s, int groups)
    {
        double min = double.NaN, max = double.NaN, dOverall = double.NaN, rOverall = double.NaN;
        var overall = s[0];
        for (var g = 1; g <= groups; g++)
        {
            var v = s[g];
            if (double.IsNaN(v))
                continue;
            if (double.IsNaN(min) || v < min) min = v;
            if (double.IsNaN(max) || v > max) max = v;
            var d = Math.Abs(v - overall);
            if (!double.IsNaN(d) && (double.IsNaN(dOverall) || d > dOverall)) dOverall = d;
            var r = v / overall;
            if (!double.IsNaN(r))
            {
                r = r <= 1 ? r : 1 / r;
                if (double.IsNaN(rOverall) || r < rOverall) rOverall = r;
            }
        }
        s[groups + 1] = min;
        s[groups + 2] = max;
        s[groups + 3] = max - min;
        s[groups + 4] = dOverall;
        s[groups + 5] = min / max;
        s[groups + 6] = rOverall;
    }
}
