using ScottPlot;

namespace DeepML.Fairness;

/// <summary>PNG bar charts of each metric by group, with bootstrap intervals as error bars (ScottPlot).</summary>
public static class FairnessCharts
{
    /// <summary>
    /// Writes one PNG per metric (bars per group, a dashed line at the overall value, the interval
    /// of each group as an error bar when computed) into <paramref name="directory"/>. Empty groups and
    /// undefined values are drawn as a missing bar labelled "undefined". Returns the file paths.
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
            Plot(metrics, metrics[name]).SavePng(path, 900, 500);
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

    private static string Sanitize(string name) => new(name.Select(c => char.IsLetterOrDigit(c) ? c : '_').ToArray());
}
