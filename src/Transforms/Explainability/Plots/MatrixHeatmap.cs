using ScottPlot;

namespace DeepML.Explainability;

/// <summary>A PNG heatmap of a labelled matrix (ScottPlot), for attention weights and similar row × column tables.</summary>
public static class MatrixHeatmap
{
    /// <summary>
    /// Writes <paramref name="values"/> (row-major <paramref name="rows"/> × <paramref name="columns"/>) as a heatmap with a colour bar,
    /// row 0 at the top, each cell labelled by its row and column names. Returns <paramref name="path"/>.
    /// </summary>
    /// <param name="path">The PNG file (written atomically).</param>
    /// <param name="values">Row-major values; finite.</param>
    /// <param name="rows">Rows; at least 1.</param>
    /// <param name="columns">Columns; at least 1.</param>
    /// <param name="rowLabels">One label per row.</param>
    /// <param name="columnLabels">One label per column.</param>
    /// <param name="title">The title.</param>
    /// <param name="valueLabel">What the colour means, beside the colour bar.</param>
    public static string Save(string path, float[] values, int rows, int columns, IReadOnlyList<string> rowLabels, IReadOnlyList<string> columnLabels,
        string title, string valueLabel = "")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(rowLabels);
        ArgumentNullException.ThrowIfNull(columnLabels);
        if (rows < 1 || columns < 1 || values.Length != rows * columns)
            throw new ArgumentException($"MatrixHeatmap: {values.Length} values do not make a {rows} × {columns} matrix (at least 1 × 1).", nameof(values));
        if (rowLabels.Count != rows || columnLabels.Count != columns)
            throw new ArgumentException($"MatrixHeatmap: give {rows} row labels and {columns} column labels; got {rowLabels.Count} and {columnLabels.Count}.", nameof(rowLabels));
        if (!values.All(float.IsFinite))
            throw new ArgumentException("MatrixHeatmap: every value must be finite.", nameof(values));
        var grid = new double[rows, columns];
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < columns; c++)
                grid[r, c] = values[r * columns + c];
        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(grid);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        // ScottPlot places the edge cells' centres on the extent: half a cell in, so the cells cover [0, columns] × [0, rows], row 0 at the top.
        heatmap.Extent = new CoordinateRect(0.5, columns - 0.5, 0.5, rows - 0.5);
        var bar = plot.Add.ColorBar(heatmap);
        bar.Label = valueLabel;
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. columnLabels.Select((l, c) => new Tick(c + 0.5, l))]);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. rowLabels.Select((l, r) => new Tick(rows - r - 0.5, l))]);
        plot.Axes.Bottom.TickLabelStyle.Rotation = 45;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.Title(title);
        plot.Axes.Title.Label.FontSize = 13;
        plot.Axes.SetLimits(0, columns, 0, rows);
        plot.Axes.Bottom.MinimumSize = 110; // room for the rotated column labels
        AtomicFile.Write(path, plot.GetImageBytes(200 + 42 * columns, 260 + 34 * rows, ImageFormat.Png), "MatrixHeatmap");
        return path;
    }
}
