using ScottPlot;

namespace DeepML.Augmentation;

/// <summary>A PNG bar chart of a <see cref="RebalanceReport"/>: rows per class before and after (ScottPlot).</summary>
public static class RebalanceCharts
{
    /// <summary>Writes the class counts before and after side by side, one pair of bars per class. Returns <paramref name="path"/>.</summary>
    /// <param name="report">The report of a rebalancing verb.</param>
    /// <param name="path">The PNG file (written atomically).</param>
    public static string SaveBarChart(this RebalanceReport report, string path)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var classes = report.Classes;
        var before = plot.Add.Bars(classes.Select((c, i) => new Bar { Position = 3 * i, Value = report.Before[c], FillColor = palette.GetColor(0), Label = $"{report.Before[c]:N0}" }).ToList());
        before.LegendText = "before";
        var after = plot.Add.Bars(classes.Select((c, i) => new Bar { Position = 3 * i + 1, Value = report.After[c], FillColor = palette.GetColor(1), Label = $"{report.After[c]:N0}" }).ToList());
        after.LegendText = "after";
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. classes.Select((c, i) => new Tick(3 * i + 0.5, c))]);
        plot.Axes.Margins(bottom: 0);
        plot.Title($"Rows per class: {report.Method}");
        plot.YLabel("rows");
        plot.ShowLegend(Edge.Bottom);
        AtomicFile.Write(path, plot.GetImageBytes(Math.Max(500, 160 * classes.Count), 420, ImageFormat.Png), "RebalanceCharts");
        return path;
    }
}
