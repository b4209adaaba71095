namespace DeepML.Fairness;

/// <summary>
/// Disaggregated metrics of a scored data set (Fairlearn's <c>MetricFrame</c>): every metric overall,
/// by group, group min/max, difference and ratio (between groups and to overall), the fairness
/// measures (binary classification), and, when resamples were asked for, a bootstrap interval for
/// every one of those quantities. Immutable once computed.
/// </summary>
/// <remarks>
/// With <see cref="GroupMetricsOptions.ControlColumnNames"/>, <see cref="ByControl"/> holds one
/// <see cref="GroupMetrics"/> per control value, computed on that value's rows only: its overall,
/// by-group (the (control value, group) cells), min, max, differences, ratios, measures and
/// intervals are Fairlearn's per-control results (<c>overall</c>, <c>by_group</c>,
/// <c>difference()</c>, ... indexed by the control feature). This object's own values then ignore
/// the control: they are the values for all rows pooled, equal to an evaluation without control
/// columns, kept so that the conditional and unconditional disparities can be read side by side.
/// </remarks>
public sealed class GroupMetrics
{
    private readonly Dictionary<string, MetricSummary> _byName;
    private readonly Dictionary<string, int> _measureIndex;
    private readonly double[] _measures;
    private readonly ConfidenceInterval[]? _measureIntervals;

    internal GroupMetrics(GroupMetricsSetup setup, FairnessGroup? control, FairnessGroup[] groups, MetricSummary[] metrics,
        double[] measures, ConfidenceInterval[]? measureIntervals, int rows, GroupMetrics[] byControl)
    {
        Task = setup.Task;
        SensitiveColumnNames = setup.SensitiveColumnNames;
        ControlColumnNames = setup.ControlColumnNames;
        Control = control;
        Groups = groups;
        Metrics = metrics;
        _byName = metrics.ToDictionary(m => m.Name, StringComparer.Ordinal);
        MeasureNames = setup.MeasureNames;
        _measureIndex = MeasureNames.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i, StringComparer.Ordinal);
        _measures = measures;
        _measureIntervals = measureIntervals;
        RowCount = rows;
        BootstrapResamples = setup.Resamples;
        Seed = setup.Seed;
        ByControl = byControl;
        ControlGroups = byControl.Select(s => s.Control!).ToArray();
    }

    /// <summary>The task the metrics were computed for.</summary>
    public PredictionKind Task { get; }

    /// <summary>The sensitive columns, in the order given.</summary>
    public IReadOnlyList<string> SensitiveColumnNames { get; }

    /// <summary>The control columns, in the order given; empty without control columns.</summary>
    public IReadOnlyList<string> ControlColumnNames { get; }

    /// <summary>
    /// The control value these metrics are restricted to (an element of the parent's
    /// <see cref="ControlGroups"/>); null for the evaluation itself (all rows).
    /// </summary>
    public FairnessGroup? Control { get; }

    /// <summary>Every combination of the control columns' values (empty ones marked); empty without control columns.</summary>
    public IReadOnlyList<FairnessGroup> ControlGroups { get; }

    /// <summary>
    /// The metrics within each control value, in <see cref="ControlGroups"/> order; empty without
    /// control columns (and in a per-control result itself). Each has the same groups, metrics and
    /// measures as this object, computed on that control value's rows.
    /// </summary>
    public IReadOnlyList<GroupMetrics> ByControl { get; }

    /// <summary>Every group (all combinations of the sensitive values, empty ones marked).</summary>
    public IReadOnlyList<FairnessGroup> Groups { get; }

    /// <summary>The metrics, in a fixed order per task.</summary>
    public IReadOnlyList<MetricSummary> Metrics { get; }

    /// <summary>Rows evaluated (within <see cref="Control"/> when set).</summary>
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

    /// <summary>
    /// The metrics within the control value whose <see cref="FairnessGroup.Name"/> is
    /// <paramref name="controlName"/> (for example <c>H</c>, or <c>H | North</c> with two control columns).
    /// </summary>
    public GroupMetrics ForControl(string controlName)
    {
        if (ByControl.Count == 0)
            throw new InvalidOperationException($"GroupMetrics: no control columns, so there is no control value '{controlName}'. Set GroupMetricsOptions.ControlColumnNames to evaluate within control values.");
        return ByControl.FirstOrDefault(s => s.Control!.Name == controlName)
            ?? throw new KeyNotFoundException($"GroupMetrics: no control value '{controlName}'. Expected one of: {string.Join(", ", ControlGroups.Select(g => $"'{g.Name}'"))}.");
    }

    private int MeasureIndex(string name) => _measureIndex.TryGetValue(name, out var i) ? i
        : throw new KeyNotFoundException($"GroupMetrics: no measure '{name}' for {Task}. Expected one of: {string.Join(", ", MeasureNames)}. Measures are computed for binary classification; use the FairnessMeasureNames constants.");
}

/// <summary>What every frame of one evaluation shares.</summary>
internal sealed record GroupMetricsSetup(PredictionKind Task, IReadOnlyList<string> SensitiveColumnNames, IReadOnlyList<string> ControlColumnNames,
    IReadOnlyList<string> MeasureNames, int Resamples, int Seed);
