using System.Globalization;
using System.Text;
using System.Text.Json;

namespace DeepML.Fairness;

/// <summary>
/// Renders <see cref="GroupMetrics"/> as a console table and as JSON. Undefined values print as
/// <c>undefined</c> in the table and as <c>null</c> in JSON, never as 0.
/// </summary>
public static class FairnessReport
{
    /// <summary>
    /// A plain-text table: one row per metric (overall, each group, difference, ratio) with intervals
    /// when computed, then the fairness measures. Fits a console; no dependency on a console library.
    /// </summary>
    /// <param name="metrics">The metrics to render.</param>
    /// <param name="metricNames">The metrics to include (default: all).</param>
    public static string ToTable(this GroupMetrics metrics, IEnumerable<string>? metricNames = null)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var names = (metricNames ?? metrics.Metrics.Select(m => m.Name)).ToArray();
        var header = new List<string> { "Metric", "Overall" };
        header.AddRange(metrics.Groups.Select(g => g.IsEmpty ? g.Name + " (empty)" : g.Name));
        header.AddRange(["Difference", "Ratio"]);
        var rows = new List<string[]> { header.ToArray() };
        foreach (var name in names)
        {
            var m = metrics[name];
            var row = new List<string> { name, Cell(m.Overall, m.Interval(MetricQuantity.Overall)) };
            row.AddRange(metrics.Groups.Select(g => Cell(m.ByGroup[g.Index], m.Interval(MetricQuantity.ByGroup, g.Index))));
            row.Add(Cell(m.Difference(), m.Interval(MetricQuantity.DifferenceBetweenGroups)));
            row.Add(Cell(m.Ratio(), m.Interval(MetricQuantity.RatioBetweenGroups)));
            rows.Add(row.ToArray());
        }
        var sb = new StringBuilder();
        sb.Append(Render(rows));
        if (metrics.MeasureNames.Count > 0)
        {
            sb.AppendLine();
            var measureRows = new List<string[]> { new[] { "Measure", "Value" } };
            measureRows.AddRange(metrics.MeasureNames.Select(n => new[] { n, Cell(metrics.Measure(n), metrics.MeasureInterval(n)) }));
            sb.Append(Render(measureRows));
        }
        return sb.ToString();
    }

    /// <summary>The metrics as JSON: groups, every quantity of every metric, measures, intervals; NaN as null.</summary>
    /// <param name="metrics">The metrics to serialise.</param>
    /// <param name="indented">Pretty-print.</param>
    public static string ToJson(this GroupMetrics metrics, bool indented = true)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var quantities = Enum.GetValues<MetricQuantity>().Where(q => q != MetricQuantity.ByGroup).ToArray();
        var doc = new Dictionary<string, object?>
        {
            ["task"] = metrics.Task.ToString(),
            ["rows"] = metrics.RowCount,
            ["sensitiveColumns"] = metrics.SensitiveColumnNames,
            ["bootstrapResamples"] = metrics.BootstrapResamples,
            ["seed"] = metrics.Seed,
            ["groups"] = metrics.Groups.Select(g => new Dictionary<string, object?> { ["name"] = g.Name, ["values"] = g.Values, ["rows"] = g.RowCount, ["empty"] = g.IsEmpty }),
            ["metrics"] = metrics.Metrics.ToDictionary(m => m.Name, m =>
            {
                var entry = quantities.ToDictionary(q => Camel(q.ToString()), q => (object?)Number(m.Get(q)));
                entry["byGroup"] = metrics.Groups.ToDictionary(g => g.Name, g => Number(m.ByGroup[g.Index]));
                if (m.HasIntervals)
                {
                    var ci = quantities.ToDictionary(q => Camel(q.ToString()), q => (object?)Interval(m.Interval(q)));
                    ci["byGroup"] = metrics.Groups.ToDictionary(g => g.Name, g => Interval(m.Interval(MetricQuantity.ByGroup, g.Index)));
                    entry["intervals"] = ci;
                }
                return entry;
            }),
            ["measures"] = metrics.MeasureNames.ToDictionary(n => n, n => new Dictionary<string, object?>
            {
                ["value"] = Number(metrics.Measure(n)), ["interval"] = Interval(metrics.MeasureInterval(n)),
            }),
        };
        return JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = indented });
    }

    private static double? Number(double v) => double.IsFinite(v) ? v : null;

    private static double?[]? Interval(ConfidenceInterval? ci) => ci is { } c ? [Number(c.Lower), Number(c.Upper)] : null;

    private static string Camel(string s) => char.ToLowerInvariant(s[0]) + s[1..];

    /// <summary>A value with its interval, "undefined" for NaN.</summary>
    internal static string Cell(double value, ConfidenceInterval? interval)
    {
        if (double.IsNaN(value))
            return "undefined";
        var text = value.ToString("0.####", CultureInfo.InvariantCulture);
        return interval is { } ci && !double.IsNaN(ci.Lower)
            ? $"{text} [{ci.Lower.ToString("0.###", CultureInfo.InvariantCulture)}, {ci.Upper.ToString("0.###", CultureInfo.InvariantCulture)}]"
            : text;
    }

    private static string Render(List<string[]> rows)
    {
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var sb = new StringBuilder();
        for (var r = 0; r < rows.Count; r++)
        {
            sb.AppendLine(string.Join("  ", rows[r].Select((cell, c) => c == 0 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))).TrimEnd());
            if (r == 0)
                sb.AppendLine(string.Join("  ", widths.Select(w => new string('-', w))));
        }
        return sb.ToString();
    }
}
