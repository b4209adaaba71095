using ScottPlot;

namespace DeepML.Fairness;

/// <summary>
/// PNG bar charts of each metric by group, with bootstrap intervals as error bars (ScottPlot). With
/// control columns the bars are clustered by control value, one colour per group, with a dashed
/// segment at each control value's overall.
/// </summary>
public static class FairnessCharts
{
    /// <summary>
    /// Writes one PNG per metric (bars per group, a dashed line at the overall value, the interval
    /// of each group as an error bar when computed) into <paramref name="directory"/>. Empty groups and
    /// undefined values are drawn as a missing bar labelled "undefined". With control columns, one chart
    /// per metric shows every (control value, group) cell, clustered by control value, and the overall
    /// of each control value (<see cref="GroupMetrics.ByControl"/>). Returns the file paths.
    /// </summary>
    /// <param name="metrics">The metrics to plot.</param>
    /// <param name="directory">Output folder (created when missing).</param>
    /// <param name="metricNames">The metrics to plot (default: all but Count).</param>
    /// <param name="filePrefix">Prefix of the file names.</param>
    public static IReadOnlyList<string> SaveBarCharts(this GroupMetrics metrics, string directory, IEnumerable<string>? metricNames = null, string filePrefix = "")
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory.CreateDirectory(directory);
        var names = metricNames ?? metrics.Metrics.Select(m => m.Name).Where(n => n != FairnessMetricNames.Count);
        var paths = new List<string>();
        foreach (var name in names)
        {
            var path = Path.Combine(directory, $"{filePrefix}{Sanitize(name)}.png");
            var plot = metrics.ByControl.Count == 0 ? Plot(metrics, metrics[name]) : PlotByControl(metrics, name);
            plot.SavePng(path, metrics.ByControl.Count == 0 ? 900 : Math.Max(900, 120 + 40 * metrics.ByControl.Count * (metrics.Groups.Count + 1)), 500);
            paths.Add(path);
        }
        return paths;
    }

    private static Plot Plot(GroupMetrics metrics, MetricSummary m)
    {
        var plot = new Plot();
        var groups = metrics.Groups;
        var bars = new List<Bar>();
        var ticks = new List<Tick>();
        for (var k = 0; k < groups.Count; k++)
        {
            var v = m.ByGroup[k];
            var label = double.IsNaN(v) ? $"{groups[k].Name}\n(undefined)" : groups[k].Name;
            ticks.Add(new Tick(k, label));
            if (double.IsNaN(v))
                continue;
            var bar = new Bar { Position = k, Value = v, FillColor = Colors.SteelBlue };
            if (m.Interval(MetricQuantity.ByGroup, k) is { } ci && !double.IsNaN(ci.Lower))
                bar.Error = Math.Max(v - ci.Lower, ci.Upper - v); // ScottPlot bars take a symmetric error: the wider side
            bars.Add(bar);
        }
        plot.Add.Bars(bars);
        if (!double.IsNaN(m.Overall))
        {
            var line = plot.Add.HorizontalLine(m.Overall);
            line.LinePattern = LinePattern.Dashed;
            line.LegendText = "overall";
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. ticks]);
        plot.Title(metrics.BootstrapResamples > 0 ? $"{m.Name} by group ({metrics.BootstrapResamples} bootstrap resamples)" : $"{m.Name} by group");
        plot.YLabel(m.Name);
        plot.Axes.Margins(bottom: 0);
        return plot;
    }

    private static Plot PlotByControl(GroupMetrics metrics, string name)
    {
        var plot = new Plot();
        var groups = metrics.Groups;
        var strata = metrics.ByControl;
        var stride = groups.Count + 1; // a gap of one bar between clusters
        var palette = new ScottPlot.Palettes.Category10();
        for (var g = 0; g < groups.Count; g++)
        {
            var bars = new List<Bar>();
            for (var c = 0; c < strata.Count; c++)
            {
                var m = strata[c][name];
                var x = c * stride + g;
                var v = m.ByGroup[g];
                if (double.IsNaN(v))
                {
                    var text = plot.Add.Text("undefined", x, 0);
                    text.LabelRotation = -90;
                    text.LabelFontSize = 10;
                    continue;
                }
                var bar = new Bar { Position = x, Value = v, FillColor = palette.GetColor(g) };
                if (m.Interval(MetricQuantity.ByGroup, g) is { } ci && !double.IsNaN(ci.Lower))
                    bar.Error = Math.Max(v - ci.Lower, ci.Upper - v);
                bars.Add(bar);
            }
            if (bars.Count == 0)
                continue;
            var plottable = plot.Add.Bars(bars);
            plottable.LegendText = groups[g].Name;
        }
        var ticks = new List<Tick>();
        for (var c = 0; c < strata.Count; c++)
        {
            var label = FairnessReport.ControlLabel(metrics, strata[c].Control!);
            ticks.Add(new Tick(c * stride + (groups.Count - 1) / 2.0, strata[c].Control!.IsEmpty ? $"{label}\n(empty)" : label));
            var overall = strata[c][name].Overall;
            if (double.IsNaN(overall))
                continue;
            var line = plot.Add.Line(c * stride - 0.5, overall, c * stride + groups.Count - 0.5, overall);
            line.LinePattern = LinePattern.Dashed;
            line.Color = Colors.Black;
            if (c == 0)
                line.LegendText = "overall within the control value";
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. ticks]);
        var resamples = metrics.BootstrapResamples > 0 ? $", {metrics.BootstrapResamples} bootstrap resamples" : "";
        plot.Title($"{name} by group within each control value ({string.Join(", ", metrics.ControlColumnNames)}{resamples})");
        plot.YLabel(name);
        plot.Axes.Margins(bottom: 0);
        plot.ShowLegend(Edge.Right); // outside the data area, so it never hides a bar
        return plot;
    }

    private static string Sanitize(string name) => new(name.Select(c => char.IsLetterOrDigit(c) ? c : '_').ToArray());
}
