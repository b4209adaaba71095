using System.Globalization;
using System.Text;
using System.Text.Json;

namespace DeepML.Fairness;

/// <summary>
/// Renders <see cref="GroupMetrics"/> as a console table and as JSON. Undefined values print as
/// <c>undefined</c> in the table and as <c>null</c> in JSON, never as 0. With control columns both
/// show the values for all rows (control ignored) first, then the same quantities within each
/// control value.
/// </summary>
public static class FairnessReport
{
    /// <summary>
    /// A plain-text table: one row per metric (overall, each group, difference, ratio) with intervals
    /// when computed, then the fairness measures. With control columns, one such table for all rows
    /// (control ignored) and one per control value, then the measures with one column per control
    /// value. Fits a console; no dependency on a console library.
    /// </summary>
    /// <param name="metrics">The metrics to render.</param>
    /// <param name="metricNames">The metrics to include (default: all).</param>
    public static string ToTable(this GroupMetrics metrics, IEnumerable<string>? metricNames = null)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var names = (metricNames ?? metrics.Metrics.Select(m => m.Name)).ToArray();
        var sb = new StringBuilder();
        if (metrics.ByControl.Count == 0)
            sb.Append(Render(MetricRows(metrics, names)));
        else
        {
            sb.AppendLine("All rows (control ignored)");
            sb.Append(Render(MetricRows(metrics, names)));
            foreach (var stratum in metrics.ByControl)
            {
                sb.AppendLine();
                sb.AppendLine($"Control {ControlLabel(metrics, stratum.Control!)} ({(stratum.Control!.IsEmpty ? "empty" : $"{stratum.RowCount} rows")})");
                sb.Append(Render(MetricRows(stratum, names)));
            }
        }
        if (metrics.MeasureNames.Count > 0)
        {
            sb.AppendLine();
            var frames = new[] { metrics }.Concat(metrics.ByControl).ToArray();
            var header = new List<string> { "Measure", "Value" };
            if (frames.Length > 1)
            {
                header[1] = "All rows";
                header.AddRange(metrics.ByControl.Select(s => ControlLabel(metrics, s.Control!)));
            }
            var measureRows = new List<string[]> { header.ToArray() };
            measureRows.AddRange(metrics.MeasureNames.Select(n => frames.Select(f => Cell(f.Measure(n), f.MeasureInterval(n))).Prepend(n).ToArray()));
            sb.Append(Render(measureRows));
        }
        return sb.ToString();
    }

    private static List<string[]> MetricRows(GroupMetrics metrics, string[] names)
    {
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
        return rows;
    }

    /// <summary>A control value with its columns, for example <c>Income = H</c> or <c>Income = H, Region = N</c>.</summary>
    internal static string ControlLabel(GroupMetrics metrics, FairnessGroup control) =>
        string.Join(", ", metrics.ControlColumnNames.Zip(control.Values, (c, v) => $"{c} = {v}"));

    /// <summary>
    /// The metrics as JSON: groups, every quantity of every metric, measures, intervals; NaN as null.
    /// <c>controlColumns</c> lists the control columns (empty without them) and <c>byControl</c> maps
    /// each control value's name to its own <c>control</c>, <c>rows</c>, <c>groups</c>, <c>metrics</c>
    /// and <c>measures</c>, laid out like the top level (whose values ignore the control).
    /// </summary>
    /// <param name="metrics">The metrics to serialise.</param>
    /// <param name="indented">Pretty-print.</param>
    public static string ToJson(this GroupMetrics metrics, bool indented = true)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var doc = new Dictionary<string, object?>
        {
            ["task"] = metrics.Task.ToString(),
            ["rows"] = metrics.RowCount,
            ["sensitiveColumns"] = metrics.SensitiveColumnNames,
            ["controlColumns"] = metrics.ControlColumnNames,
            ["bootstrapResamples"] = metrics.BootstrapResamples,
            ["seed"] = metrics.Seed,
        };
        AddFrame(doc, metrics);
        doc["byControl"] = metrics.ByControl.ToDictionary(s => s.Control!.Name, s =>
        {
            var entry = new Dictionary<string, object?> { ["control"] = Group(s.Control!), ["rows"] = s.RowCount };
            AddFrame(entry, s);
            return entry;
        });
        return JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = indented });
    }

    private static void AddFrame(Dictionary<string, object?> doc, GroupMetrics metrics)
    {
        var quantities = Enum.GetValues<MetricQuantity>().Where(q => q != MetricQuantity.ByGroup).ToArray();
        doc["groups"] = metrics.Groups.Select(Group);
        doc["metrics"] = metrics.Metrics.ToDictionary(m => m.Name, m =>
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
        });
        doc["measures"] = metrics.MeasureNames.ToDictionary(n => n, n => new Dictionary<string, object?>
        {
            ["value"] = Number(metrics.Measure(n)), ["interval"] = Interval(metrics.MeasureInterval(n)),
        });
    }

    private static Dictionary<string, object?> Group(FairnessGroup g) =>
        new() { ["name"] = g.Name, ["values"] = g.Values, ["rows"] = g.RowCount, ["empty"] = g.IsEmpty };

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
