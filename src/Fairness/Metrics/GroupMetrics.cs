namespace DeepML.Fairness;

/// <summary>
/// Disaggregated metrics of a scored data set (Fairlearn's <c>MetricFrame</c>): every metric overall,
/// by group, group min/max, difference and ratio (between groups and to overall), the fairness
/// measures (binary classification), and, when resamples were asked for, a bootstrap interval for
/// every one of those quantities. Immutable once computed.
/// </summary>
public sealed class GroupMetrics
{
    private readonly Dictionary<string, MetricSummary> _byName;
    private readonly Dictionary<string, int> _measureIndex;
    private readonly double[] _measures;
    private readonly ConfidenceInterval[]? _measureIntervals;

    internal GroupMetrics(FairnessTask task, IReadOnlyList<string> sensitiveColumns, FairnessGroup[] groups, MetricSummary[] metrics,
        IReadOnlyList<string> measureNames, double[] measures, ConfidenceInterval[]? measureIntervals, int rows, int resamples, int seed)
    {
        Task = task;
        SensitiveColumnNames = sensitiveColumns;
        Groups = groups;
        Metrics = metrics;
        _byName = metrics.ToDictionary(m => m.Name, StringComparer.Ordinal);
        MeasureNames = measureNames;
        _measureIndex = measureNames.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i, StringComparer.Ordinal);
        _measures = measures;
        _measureIntervals = measureIntervals;
        RowCount = rows;
        BootstrapResamples = resamples;
        Seed = seed;
    }

    /// <summary>The task the metrics were computed for.</summary>
    public FairnessTask Task { get; }

    /// <summary>The sensitive columns, in the order given.</summary>
    public IReadOnlyList<string> SensitiveColumnNames { get; }

    /// <summary>Every group (all combinations of the sensitive values, empty ones marked).</summary>
    public IReadOnlyList<FairnessGroup> Groups { get; }

    /// <summary>The metrics, in a fixed order per task.</summary>
    public IReadOnlyList<MetricSummary> Metrics { get; }

    /// <summary>Rows evaluated.</summary>
    public int RowCount { get; }

    /// <summary>Bootstrap resamples behind the intervals (0: none).</summary>
    public int BootstrapResamples { get; }

    /// <summary>The seed the bootstrap used.</summary>
    public int Seed { get; }

    /// <summary>One metric by name (see <see cref="FairnessMetricNames"/>).</summary>
    public MetricSummary this[string metricName] => _byName.TryGetValue(metricName, out var m) ? m
        : throw new KeyNotFoundException($"GroupMetrics: no metric '{metricName}'. Expected one of: {string.Join(", ", _byName.Keys)}. Use the FairnessMetricNames constants.");

    /// <summary>True when the metric was computed (the AUC needs a score column).</summary>
    public bool Contains(string metricName) => _byName.ContainsKey(metricName);

    /// <summary>Names of the fairness measures (binary classification only; empty otherwise).</summary>
    public IReadOnlyList<string> MeasureNames { get; }

    /// <summary>A fairness measure's value (see <see cref="FairnessMeasureNames"/> for formulas and conventions).</summary>
    public double Measure(string measureName) => _measures[MeasureIndex(measureName)];

    /// <summary>A fairness measure's bootstrap interval, or null without resamples.</summary>
    public ConfidenceInterval? MeasureInterval(string measureName) => _measureIntervals?[MeasureIndex(measureName)];

    /// <summary>The group whose <see cref="FairnessGroup.Name"/> is <paramref name="name"/>.</summary>
    public FairnessGroup Group(string name) => Groups.FirstOrDefault(g => g.Name == name)
        ?? throw new KeyNotFoundException($"GroupMetrics: no group '{name}'. Expected one of: {string.Join(", ", Groups.Select(g => $"'{g.Name}'"))}.");

    private int MeasureIndex(string name) => _measureIndex.TryGetValue(name, out var i) ? i
        : throw new KeyNotFoundException($"GroupMetrics: no measure '{name}' for {Task}. Expected one of: {string.Join(", ", MeasureNames)}. Measures are computed for binary classification; use the FairnessMeasureNames constants.");
}
