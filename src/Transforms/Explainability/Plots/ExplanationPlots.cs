using ScottPlot;

namespace DeepML.Explainability;

/// <summary>
/// PNG pictures of attributions (ScottPlot), in the manner of shap's plots: a summary (beeswarm) of
/// every row, a waterfall of one prediction, and a dependence plot of one feature.
/// </summary>
/// <remarks>Colours follow shap: blue for a low feature value, red for a high one (each feature's values are
/// ranked over the plotted rows); grey where no values are given. The pictures are deterministic.</remarks>
public static class ExplanationPlots
{
    private static readonly Color Low = Color.FromHex("#1E88E5");
    private static readonly Color High = Color.FromHex("#FF0D57");
    private static readonly Color NoValue = Color.FromHex("#888888");

    /// <summary>
    /// A summary plot: one line per feature (the <paramref name="maxFeatures"/> most important by mean |attribution|,
    /// most important on top), one dot per row at its attribution, spread vertically where dots crowd, coloured by the
    /// row's feature value. Returns <paramref name="path"/>.
    /// </summary>
    /// <param name="attributions">The attributions to draw (at least one row).</param>
    /// <param name="path">The PNG file to write (its folder is created).</param>
    /// <param name="featureValues">Per row, one value per attributed feature (as <see cref="Attributions.FeatureNames"/>), for the colours; null for grey dots.
    /// For a feature group, give a number that orders the group's values (for example the one-hot slot's index), or NaN.</param>
    /// <param name="maxFeatures">How many features to show; at least 1.</param>
    public static string SaveSummaryPlot(this Attributions attributions, string path, IReadOnlyList<double[]>? featureValues = null, int maxFeatures = 15)
    {
        Check(attributions, path, featureValues);
        if (maxFeatures < 1)
            throw new ArgumentException($"ExplanationPlots: maxFeatures must be at least 1, got {maxFeatures}.", nameof(maxFeatures));
        var order = Ranked(attributions).Take(maxFeatures).ToArray();
        var plot = new Plot();
        var ticks = new List<Tick>();
        var span = attributions.Values.SelectMany(v => order.Select(j => Math.Abs(v[j]))).DefaultIfEmpty(1).Max();
        for (var line = 0; line < order.Length; line++)
        {
            var j = order[line];
            var y0 = order.Length - 1 - line;
            ticks.Add(new Tick(y0, attributions.FeatureNames[j]));
            var x = attributions.Values.Select(v => v[j]).ToArray();
            var y = Swarm(x, y0, span);
            var colour = Colours(featureValues, j, x.Length);
            foreach (var bucket in Enumerable.Range(0, x.Length).GroupBy(i => colour[i]))
                plot.Add.Markers(bucket.Select(i => x[i]).ToArray(), bucket.Select(i => y[i]).ToArray(), MarkerShape.FilledCircle, 4, bucket.Key);
        }
        var zero = plot.Add.VerticalLine(0);
        zero.Color = Colors.Gray;
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. ticks]);
        Title(plot, $"{attributions.RowCount} rows", attributions.Method);
        plot.XLabel($"attribution (impact on {attributions.OutputName})" + (featureValues is null ? "" : "; colour: feature value, blue low → red high"));
        return Save(plot, path, 1000, 120 + 36 * order.Length);
    }

    /// <summary>
    /// A waterfall plot of row <paramref name="row"/>: from the base value, one bar per feature (largest |attribution| on top,
    /// the rest summed as "other features"), red where it raises the output and blue where it lowers it, ending at the output.
    /// Returns <paramref name="path"/>.
    /// </summary>
    /// <param name="attributions">The attributions.</param>
    /// <param name="row">The row to draw.</param>
    /// <param name="path">The PNG file to write.</param>
    /// <param name="maxFeatures">Bars before the rest is summed; at least 1.</param>
    public static string SaveWaterfallPlot(this Attributions attributions, int row, string path, int maxFeatures = 10)
    {
        Check(attributions, path, null);
        if (row < 0 || row >= attributions.RowCount)
            throw new ArgumentOutOfRangeException(nameof(row), row, $"ExplanationPlots: row must be in [0, {attributions.RowCount - 1}].");
        if (maxFeatures < 1)
            throw new ArgumentException($"ExplanationPlots: maxFeatures must be at least 1, got {maxFeatures}.", nameof(maxFeatures));
        var phi = attributions.Values[row];
        var order = Enumerable.Range(0, phi.Length).OrderByDescending(j => Math.Abs(phi[j])).ThenBy(j => j).ToArray();
        var steps = order.Take(maxFeatures).Select(j => (Name: attributions.FeatureNames[j], Value: phi[j])).ToList();
        if (order.Length > maxFeatures)
            steps.Add(($"{order.Length - maxFeatures} other features", order.Skip(maxFeatures).Sum(j => phi[j])));
        // Drawn bottom-up: the base value at the bottom, the largest contribution on top, as shap does.
        steps.Reverse();
        var plot = new Plot();
        var bars = new List<Bar>();
        var ticks = new List<Tick>();
        var level = attributions.BaseValue;
        for (var k = 0; k < steps.Count; k++)
        {
            var (name, value) = steps[k];
            bars.Add(new Bar { Position = k, ValueBase = level, Value = level + value, FillColor = value >= 0 ? High : Low, Label = $"{value:+0.###;-0.###;0}" });
            ticks.Add(new Tick(k, name));
            level += value;
        }
        var plotted = plot.Add.Bars(bars);
        plotted.Horizontal = true;
        var start = plot.Add.VerticalLine(attributions.BaseValue);
        start.LinePattern = LinePattern.Dashed;
        start.Color = Colors.Gray;
        start.LegendText = $"base value {attributions.BaseValue:0.###}";
        var end = plot.Add.VerticalLine(attributions.Outputs[row]);
        end.Color = Colors.Black;
        end.LegendText = $"{attributions.OutputName} {attributions.Outputs[row]:0.###}";
        plot.ShowLegend(Edge.Bottom);
        plot.Axes.Margins(horizontal: 0.12);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. ticks]);
        Title(plot, $"Row {row}", attributions.Method);
        plot.XLabel(attributions.OutputName);
        return Save(plot, path, 1000, 140 + 40 * steps.Count);
    }

    /// <summary>
    /// A dependence plot of <paramref name="feature"/>: one dot per row at (feature value, attribution). Returns <paramref name="path"/>.
    /// </summary>
    /// <param name="attributions">The attributions.</param>
    /// <param name="feature">The feature's name (one of <see cref="Attributions.FeatureNames"/>).</param>
    /// <param name="featureValues">The feature's value per row.</param>
    /// <param name="path">The PNG file to write.</param>
    public static string SaveDependencePlot(this Attributions attributions, string feature, IReadOnlyList<double> featureValues, string path)
    {
        Check(attributions, path, null);
        ArgumentNullException.ThrowIfNull(featureValues);
        var j = attributions.FeatureNames.ToList().IndexOf(feature);
        if (j < 0)
            throw new ArgumentException($"ExplanationPlots: feature '{feature}' is not among the attributed features ({string.Join(", ", attributions.FeatureNames.Take(20))}{(attributions.FeatureNames.Count > 20 ? ", …" : "")}).", nameof(feature));
        if (featureValues.Count != attributions.RowCount)
            throw new ArgumentException($"ExplanationPlots: {featureValues.Count} feature values for {attributions.RowCount} rows; give one per row.", nameof(featureValues));
        var plot = new Plot();
        plot.Add.Markers(featureValues.ToArray(), attributions.Values.Select(v => v[j]).ToArray(), MarkerShape.FilledCircle, 5, High);
        var zero = plot.Add.HorizontalLine(0);
        zero.Color = Colors.Gray;
        Title(plot, feature, attributions.Method);
        plot.XLabel(feature);
        plot.YLabel($"attribution of {feature}");
        return Save(plot, path, 800, 600);
    }

    /// <summary>Features by mean |attribution|, largest first (ties by index).</summary>
    private static IEnumerable<int> Ranked(Attributions a) =>
        Enumerable.Range(0, a.FeatureNames.Count).OrderByDescending(j => a.Values.Sum(v => Math.Abs(v[j]))).ThenBy(j => j);

    /// <summary>
    /// Vertical positions of a beeswarm line at <paramref name="y0"/>: the rows are binned along x (100 bins over the
    /// plot's span) and each bin's dots alternate above and below the line, spaced so a full bin stays within ±0.4.
    /// </summary>
    private static double[] Swarm(double[] x, double y0, double span)
    {
        var width = Math.Max(span, 1e-12) * 2 / 100;
        var y = new double[x.Length];
        var bins = Enumerable.Range(0, x.Length).GroupBy(i => (long)Math.Floor(x[i] / width));
        var crowd = Math.Max(1, bins.Max(b => b.Count()));
        var step = Math.Min(0.08, 0.8 / crowd);
        foreach (var bin in bins)
        {
            var k = 0;
            foreach (var i in bin) // row order, not x order: sorting by x would tilt each bin into a chevron
            {
                var rank = (k + 1) / 2;
                y[i] = y0 + (k % 2 == 0 ? rank : -rank) * step;
                k++;
            }
        }
        return y;
    }

    /// <summary>
    /// Per row, the colour of feature <paramref name="j"/>'s value, in 11 steps from blue to red: as shap does, the value is
    /// scaled between the feature's 5th and 95th percentiles (1st and 99th, or min and max, where those coincide), clipped.
    /// </summary>
    private static Color[] Colours(IReadOnlyList<double[]>? values, int j, int rows)
    {
        var colours = Enumerable.Repeat(NoValue, rows).ToArray();
        if (values is null)
            return colours;
        var known = Enumerable.Range(0, rows).Where(i => double.IsFinite(values[i][j])).Select(i => values[i][j]).Order().ToArray();
        if (known.Length == 0)
            return colours;
        double Quantile(double q) => known[(int)Math.Round(q * (known.Length - 1))];
        var (low, high) = (Quantile(0.05), Quantile(0.95));
        if (low == high)
            (low, high) = (Quantile(0.01), Quantile(0.99));
        if (low == high)
            (low, high) = (known[0], known[^1]);
        for (var i = 0; i < rows; i++)
        {
            var v = values[i][j];
            if (!double.IsFinite(v))
                continue;
            var t = high == low ? 0.5 : Math.Round(10 * Math.Clamp((v - low) / (high - low), 0, 1)) / 10;
            colours[i] = Lerp(Low, High, t);
        }
        return colours;
    }

    private static Color Lerp(Color a, Color b, double t) =>
        new((byte)Math.Round(a.R + (b.R - a.R) * t), (byte)Math.Round(a.G + (b.G - a.G) * t), (byte)Math.Round(a.B + (b.B - a.B) * t));

    private static void Check(Attributions attributions, string path, IReadOnlyList<double[]>? featureValues)
    {
        ArgumentNullException.ThrowIfNull(attributions);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (attributions.RowCount == 0)
            throw new ArgumentException("ExplanationPlots: the attributions hold no rows; explain at least one row.", nameof(attributions));
        if (featureValues is null)
            return;
        if (featureValues.Count != attributions.RowCount || featureValues.Any(v => v is null || v.Length != attributions.FeatureNames.Count))
            throw new ArgumentException($"ExplanationPlots: featureValues must hold {attributions.RowCount} rows of {attributions.FeatureNames.Count} values (one per attributed feature).", nameof(featureValues));
    }

    /// <summary>A two-line title: what is drawn, then the method (long method names would be cut off on one line).</summary>
    private static void Title(Plot plot, string what, string method)
    {
        plot.Title($"{what}\n{method}");
        plot.Axes.Title.Label.FontSize = 13;
    }

    private static string Save(Plot plot, string path, int width, int height)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder))
            Directory.CreateDirectory(folder);
        AtomicFile.Write(path, plot.GetImageBytes(width, height, ImageFormat.Png), "ExplanationPlots");
        return path;
    }
}
