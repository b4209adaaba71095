using DeepML.Explainability;
using SkiaSharp;

namespace DeepML.Transforms.Tests.Explainability;

/// <summary>The pictures decode at their stated sizes, and bad input names what is wrong.</summary>
public sealed class ExplanationPlotTests
{
    private static Attributions Sample()
    {
        var random = new Random(3);
        var values = Enumerable.Range(0, 40).Select(_ => Enumerable.Range(0, 4).Select(j => (j + 1) * (random.NextDouble() - 0.5)).ToArray()).ToArray();
        return new Attributions("Test", ["a", "b", "c", "d"], 0.5, values, values.Select(v => 0.5 + v.Sum()).ToArray());
    }

    private static readonly SKColor Blue = SKColor.Parse("#1E88E5");
    private static readonly SKColor Red = SKColor.Parse("#FF0D57");

    /// <summary>Whether some pixel is within 6 of <paramref name="colour"/> in every channel.</summary>
    private static bool Has(SKBitmap bitmap, SKColor colour) =>
        bitmap.Pixels.Any(p => Math.Abs(p.Red - colour.Red) <= 6 && Math.Abs(p.Green - colour.Green) <= 6 && Math.Abs(p.Blue - colour.Blue) <= 6);

    [Fact]
    public void Summary_waterfall_and_dependence_plots_are_pngs_of_the_stated_size()
    {
        var a = Sample();
        var folder = Path.Combine(Path.GetTempPath(), "deepml-plots-" + Guid.NewGuid().ToString("N"));
        try
        {
            var features = a.Values.Select(v => v.Select(x => x * 10).ToArray()).ToArray();
            var files = new[]
            {
                (a.SaveSummaryPlot(Path.Combine(folder, "summary.png"), features, maxFeatures: 3), 1000, 120 + 36 * 3),
                (a.SaveWaterfallPlot(2, Path.Combine(folder, "waterfall.png"), maxFeatures: 2), 1000, 140 + 40 * 3),
                (a.SaveDependencePlot("b", features.Select(v => v[1]).ToArray(), Path.Combine(folder, "dependence.png")), 800, 600),
            };
            var bitmaps = files.Select(f => SKBitmap.Decode(f.Item1)).ToArray();
            try
            {
                Assert.Equal(files.Select(f => (f.Item2, f.Item3)), bitmaps.Select(b => (b.Width, b.Height)));
                // Summary: the lowest feature values are drawn shap-blue and the highest shap-red.
                Assert.True(Has(bitmaps[0], Blue) && Has(bitmaps[0], Red), "the summary plot lacks the low (blue) or high (red) dots");
                // Waterfall of row 2: red bars for the positive contributions, blue for the negative ones, and only those.
                var phi = a.Values[2];
                var top = Enumerable.Range(0, 4).OrderByDescending(j => Math.Abs(phi[j])).ToArray();
                var steps = new[] { phi[top[0]], phi[top[1]], phi[top[2]] + phi[top[3]] };
                Assert.Equal(steps.Any(v => v >= 0), Has(bitmaps[1], Red));
                Assert.Equal(steps.Any(v => v < 0), Has(bitmaps[1], Blue));
                // Dependence: red dots, no blue ones (one colour: the dots are not coloured by value).
                Assert.True(Has(bitmaps[2], Red) && !Has(bitmaps[2], Blue));
            }
            finally
            {
                foreach (var b in bitmaps)
                    b.Dispose();
            }
            // Written atomically: nothing but the three pictures is left in the folder.
            Assert.Equal(["dependence.png", "summary.png", "waterfall.png"], Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        }
        finally
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_heatmap_grid_has_one_cell_per_panel_and_paints_the_hottest_pixel_red()
    {
        var image = new float[16];
        var heat = new float[16];
        heat[5] = 2; // pixel (1, 1)
        var path = Path.Combine(Path.GetTempPath(), "deepml-grid-" + Guid.NewGuid().ToString("N") + ".png");
        try
        {
            HeatmapGrid.Save(path, 4, 4, [[new(image, null, "image"), new(image, heat, "heat")]], scale: 10);
            using var bitmap = SKBitmap.Decode(path);
            Assert.Equal((6 + 2 * (40 + 6), 6 + 40 + 18 + 6), (bitmap.Width, bitmap.Height));
            // Second cell starts at x = 6 + 46; image row 1 at y = 6 + 18 + 10. A black image: the hot pixel is red-yellow, the rest stays black.
            var hot = bitmap.GetPixel(52 + 15, 34 + 5);
            var cold = bitmap.GetPixel(52 + 35, 24 + 35);
            Assert.True(hot.Red > 200 && hot.Blue < 30, $"hot pixel {hot}");
            Assert.Equal(SKColors.Black, cold);
            Assert.Contains("panel 'x' must hold 16 image values", Assert.Throws<ArgumentException>(() => HeatmapGrid.Save(path, 4, 4, [[new(new float[3], null, "x")]])).Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_matrix_heatmap_draws_the_colour_scales_ends_and_checks_its_shape()
    {
        var path = Path.Combine(Path.GetTempPath(), "deepml-matrix-" + Guid.NewGuid().ToString("N") + ".png");
        try
        {
            MatrixHeatmap.Save(path, [0f, 0.5f, 1f, 0.25f, 0.75f, 0.1f], 2, 3, ["q0", "q1"], ["k0", "k1", "k2"], "test", "weight");
            using var bitmap = SKBitmap.Decode(path);
            Assert.Equal((200 + 42 * 3, 260 + 34 * 2), (bitmap.Width, bitmap.Height));
            var pixels = bitmap.Pixels;
            // Viridis runs from dark purple (#440154) to yellow (#FDE725): both ends are drawn (the cells 0 and 1, and the colour bar).
            Assert.Contains(pixels, p => Math.Abs(p.Red - 0xFD) < 12 && Math.Abs(p.Green - 0xE7) < 12 && p.Blue < 70);
            Assert.Contains(pixels, p => Math.Abs(p.Red - 0x44) < 12 && p.Green < 20 && Math.Abs(p.Blue - 0x54) < 12);
            Assert.Contains("do not make a 2 × 2 matrix", Assert.Throws<ArgumentException>(() => MatrixHeatmap.Save(path, new float[3], 2, 2, ["a", "b"], ["a", "b"], "t")).Message, StringComparison.Ordinal);
            Assert.Contains("give 2 row labels and 3 column labels", Assert.Throws<ArgumentException>(() => MatrixHeatmap.Save(path, new float[6], 2, 3, ["a"], ["a", "b", "c"], "t")).Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Bad_input_names_the_argument()
    {
        var a = Sample();
        var path = Path.Combine(Path.GetTempPath(), "never.png");
        Assert.Contains("featureValues", Assert.Throws<ArgumentException>(() => a.SaveSummaryPlot(path, [[1.0]])).Message, StringComparison.Ordinal);
        Assert.Contains("'e' is not among the attributed features (a, b, c, d)", Assert.Throws<ArgumentException>(() => a.SaveDependencePlot("e", new double[40], path)).Message, StringComparison.Ordinal);
        Assert.Equal("row", Assert.Throws<ArgumentOutOfRangeException>(() => a.SaveWaterfallPlot(40, path)).ParamName);
        Assert.Equal("maxFeatures", Assert.Throws<ArgumentException>(() => a.SaveSummaryPlot(path, maxFeatures: 0)).ParamName);
        Assert.False(File.Exists(path));
    }
}
