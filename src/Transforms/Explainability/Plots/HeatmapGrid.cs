using SkiaSharp;

namespace DeepML.Explainability;

/// <summary>One cell of a heatmap grid: a greyscale image, optionally with a heatmap drawn over it.</summary>
/// <param name="Image">Row-major <c>height × width</c> intensities (scaled to the image's own min–max for display).</param>
/// <param name="Heat">Row-major <c>height × width</c> attributions or map values; null shows the image alone. Drawn as |heat| relative to the
/// cell's largest, transparent at 0 and opaque red-yellow at the largest.</param>
/// <param name="Title">The caption above the cell.</param>
public sealed record HeatmapPanel(float[] Image, float[]? Heat, string Title);

/// <summary>PNG grids of images with saliency, integrated-gradient or Grad-CAM heatmaps over them (SkiaSharp).</summary>
public static class HeatmapGrid
{
    /// <summary>
    /// Writes a grid: one row per list in <paramref name="rows"/>, one cell per panel, each <paramref name="height"/> ×
    /// <paramref name="width"/> pixels enlarged <paramref name="scale"/> times (nearest neighbour). Returns <paramref name="path"/>.
    /// </summary>
    /// <param name="path">The PNG file (written atomically).</param>
    /// <param name="height">Image height in pixels.</param>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="rows">The cells, row by row; every row the same length.</param>
    /// <param name="scale">Display pixels per image pixel; 1 to 32.</param>
    public static string Save(string path, int height, int width, IReadOnlyList<IReadOnlyList<HeatmapPanel>> rows, int scale = 4)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(rows);
        if (height < 1 || width < 1)
            throw new ArgumentException($"HeatmapGrid: height and width must be at least 1, got {height} × {width}.", nameof(height));
        if (scale is < 1 or > 32)
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "HeatmapGrid: scale must be in [1, 32].");
        if (rows.Count == 0 || rows[0].Count == 0 || rows.Any(r => r.Count != rows[0].Count))
            throw new ArgumentException("HeatmapGrid: give at least one row, every row with the same number of panels.", nameof(rows));
        foreach (var panel in rows.SelectMany(r => r))
        {
            if (panel.Image.Length != height * width || panel.Heat is { } h && h.Length != height * width)
                throw new ArgumentException($"HeatmapGrid: panel '{panel.Title}' must hold {height * width} image values (and as many heat values); it has {panel.Image.Length} and {panel.Heat?.Length ?? 0}.", nameof(rows));
        }
        const int caption = 18, gap = 6;
        var cellW = width * scale;
        var cellH = height * scale;
        using var surface = SKSurface.Create(new SKImageInfo(gap + rows[0].Count * (cellW + gap), gap + rows.Count * (cellH + caption + gap)));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var font = new SKFont(SKTypeface.Default, 12);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        using var pixels = new SKPaint { IsAntialias = false };
        for (var r = 0; r < rows.Count; r++)
        {
            for (var c = 0; c < rows[r].Count; c++)
            {
                var panel = rows[r][c];
                var x0 = gap + c * (cellW + gap);
                var y0 = gap + r * (cellH + caption + gap);
                canvas.DrawText(panel.Title, x0, y0 + 13, SKTextAlign.Left, font, ink);
                using var bitmap = Render(panel, height, width);
                canvas.DrawBitmap(bitmap, new SKRect(x0, y0 + caption, x0 + cellW, y0 + caption + cellH), pixels);
            }
        }
        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.Write(path, png.ToArray(), "HeatmapGrid");
        return path;
    }

    private static SKBitmap Render(HeatmapPanel panel, int height, int width)
    {
        var bitmap = new SKBitmap(width, height);
        var (low, high) = (panel.Image.Min(), panel.Image.Max());
        var span = high > low ? high - low : 1;
        var peak = panel.Heat is { } heat ? heat.Max(v => MathF.Abs(v)) : 0;
        for (var i = 0; i < height; i++)
        {
            for (var j = 0; j < width; j++)
            {
                var grey = (panel.Image[i * width + j] - low) / span;
                double red = grey, green = grey, blue = grey;
                if (panel.Heat is { } h && peak > 0)
                {
                    // Heat: red → yellow as it grows, blended over the image with an opacity equal to its strength.
                    var t = Math.Abs(h[i * width + j]) / peak;
                    var opacity = Math.Sqrt(t) * 0.85;
                    red = red * (1 - opacity) + opacity;
                    green = green * (1 - opacity) + opacity * t;
                    blue *= 1 - opacity;
                }
                bitmap.SetPixel(j, i, new SKColor((byte)Math.Round(255 * red), (byte)Math.Round(255 * green), (byte)Math.Round(255 * blue)));
            }
        }
        return bitmap;
    }
}
