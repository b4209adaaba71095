using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using ScottPlot;

namespace DeepML;

/// <summary>One model of a <see cref="CompressionReport"/>, measured in the same run as the others.</summary>
/// <param name="Name">The model's name in the report.</param>
/// <param name="Parameters">Weights and buffers of its network.</param>
/// <param name="NonZeroParameters">Of those, the ones that are not exactly 0.</param>
/// <param name="ForwardMultiplyAdds">Multiply-adds of one forward pass per row (<see cref="NetworkFlops"/>).</param>
/// <param name="OnnxBytes">Size of its ONNX graph (what ONNX Runtime loads).</param>
/// <param name="ZipBytes">Size of its <c>ml.Model.Save</c> zip.</param>
/// <param name="MetricName">The task's metric: AUC (binary), micro accuracy (multiclass), R² (regression).</param>
/// <param name="Metric">Its value on the evaluation data.</param>
/// <param name="LatencyP50Milliseconds">Median time of one ONNX Runtime run of a single row, on the CPU.</param>
/// <param name="RowsPerSecond">Rows per second in ONNX Runtime runs of 256 rows, on the CPU.</param>
public sealed record CompressionEntry(string Name, long Parameters, long NonZeroParameters, long ForwardMultiplyAdds, long OnnxBytes, long ZipBytes,
    string MetricName, double Metric, double LatencyP50Milliseconds, double RowsPerSecond);

/// <summary>
/// Before and after: DeepML networks (a fitted model and its pruned, structurally pruned, distilled or quantized versions) measured
/// side by side in one run — parameters, non-zero parameters, multiply-adds, ONNX and zip bytes, the task's metric on the same data,
/// CPU latency at batch 1 (median) and throughput at batch 256 — as a table, JSON and PNG bar charts.
/// </summary>
/// <remarks>Latency and throughput are measured on each model's own ONNX graph (<see cref="NetworkScoringTransformer.ExportOnnx"/>) in
/// a fresh ONNX Runtime CPU session, one model after the other, after a warm-up, each figure over at least half a second: compare models
/// within one report, not across machines (on a busy machine the rates still move by tens of per cent).</remarks>
public sealed class CompressionReport
{
    /// <summary>Each timing runs for at least this long.</summary>
    private const double MinimumSeconds = 0.5;

    private CompressionReport(IReadOnlyList<CompressionEntry> entries) => Entries = entries;

    /// <summary>The models, in the order given.</summary>
    public IReadOnlyList<CompressionEntry> Entries { get; }

    /// <summary>Measures <paramref name="models"/> on <paramref name="evaluation"/>.</summary>
    /// <param name="ml">The context (evaluators, saving).</param>
    /// <param name="models">Named fitted DeepML networks of one task, reading the same feature column.</param>
    /// <param name="evaluation">Data with the feature and label columns the models were trained on.</param>
    /// <param name="labelColumnName">The label column for the metric.</param>
    /// <param name="repetitions">Timed runs per model and batch size (at least 10; default 200).</param>
    public static CompressionReport Measure(MLContext ml, IReadOnlyList<(string Name, NetworkScoringTransformer Model)> models, IDataView evaluation,
        string labelColumnName = "Label", int repetitions = 200)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(evaluation);
        if (models.Count == 0)
            throw new ArgumentException("CompressionReport: give at least one model.", nameof(models));
        if (repetitions < 10)
            throw new ArgumentOutOfRangeException(nameof(repetitions), repetitions, "CompressionReport: repetitions must be at least 10.");
        if (models.Select(m => m.Model.Model.Task).Distinct().Count() > 1)
            throw new ArgumentException("CompressionReport: the models solve different tasks (" + string.Join(", ", models.Select(m => $"{m.Name}: {m.Model.Model.Task}")) + "); compare models of one task.", nameof(models));
        var rows = FeatureRows(evaluation, models[0].Model.Model, 256);
        var entries = new List<CompressionEntry>();
        foreach (var (name, model) in models)
        {
            var weights = model.Model.Weights.Arrays.Values;
            var onnx = model.ExportOnnx();
            using var zip = new MemoryStream();
            ml.Model.Save(model, evaluation.Schema, zip);
            var (metricName, metric) = Metric(ml, model, evaluation, labelColumnName);
            var (latency, throughput) = Timing(onnx, rows, model.Model, repetitions);
            entries.Add(new CompressionEntry(name, weights.Sum(w => (long)w.Data.Length), weights.Sum(w => (long)w.Data.Count(v => v != 0)),
                NetworkFlops.ForwardMultiplyAdds(model.Model.Spec), onnx.Length, zip.Length, metricName, metric, latency, throughput));
        }
        return new CompressionReport(entries);
    }

    private static (string Name, double Value) Metric(MLContext ml, NetworkScoringTransformer model, IDataView data, string label)
    {
        var scored = model.Transform(data);
        return model.Model.Task switch
        {
            PredictionKind.BinaryClassification => ("AUC", ml.BinaryClassification.Evaluate(scored, label).AreaUnderRocCurve),
            PredictionKind.MulticlassClassification => ("accuracy", ml.MulticlassClassification.Evaluate(scored, label).MicroAccuracy),
            _ => ("R²", ml.Regression.Evaluate(scored, label).RSquared),
        };
    }

    private static float[] FeatureRows(IDataView data, NetworkModel model, int count)
    {
        var column = ColumnChecks.Find(data.Schema, "CompressionReport", "feature", model.FeatureColumnName);
        ColumnChecks.RequireFloatVector(column, "CompressionReport", "feature", model.InputSize);
        var values = data.GetColumn<float[]>(column).Take(count).SelectMany(r => r).ToArray();
        if (values.Length == 0)
            throw new ArgumentException("CompressionReport: the evaluation data has no rows.", nameof(data));
        // Fewer rows than a batch: repeat them up to 256.
        return Enumerable.Range(0, count * model.InputSize).Select(i => values[i % values.Length]).ToArray();
    }

    private static (double P50Milliseconds, double RowsPerSecond) Timing(byte[] onnx, float[] rows, NetworkModel model, int repetitions)
    {
        using var predictor = new OrtBatchPredictor(onnx, new ScoringOptions { Device = "cpu" });
        var output = new float[256 * model.OutputSize];
        for (var i = 0; i < 10; i++)
            predictor.Predict(rows, 256, output);
        // Each figure is timed for at least MinimumSeconds (and `repetitions` runs), so a small model is not timed in microseconds.
        var single = new List<double>();
        var watch = new Stopwatch();
        var total = Stopwatch.StartNew();
        while (single.Count < repetitions || total.Elapsed.TotalSeconds < MinimumSeconds)
        {
            watch.Restart();
            predictor.Predict(rows, 1, output);
            single.Add(watch.Elapsed.TotalMilliseconds);
        }
        single.Sort();
        var runs = 0;
        total.Restart();
        while (runs < repetitions || total.Elapsed.TotalSeconds < MinimumSeconds)
        {
            predictor.Predict(rows, 256, output);
            runs++;
        }
        return (single[single.Count / 2], 256.0 * runs / total.Elapsed.TotalSeconds);
    }

    /// <summary>A text table, one row per model, the first model's figures as the baseline of the ratio columns.</summary>
    public string ToTable()
    {
        var first = Entries[0];
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"model",-20} {"params",10} {"non-zero",10} {"MACs/row",12} {"ONNX kB",9} {"zip kB",8} {first.MetricName,9} {"p50 ms",8} {"rows/s",11} {"speed-up",9}");
        foreach (var e in Entries)
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{e.Name,-20} {e.Parameters,10:N0} {e.NonZeroParameters,10:N0} {e.ForwardMultiplyAdds,12:N0} {e.OnnxBytes / 1024.0,9:F1} {e.ZipBytes / 1024.0,8:F1} {e.Metric,9:F4} {e.LatencyP50Milliseconds,8:F3} {e.RowsPerSecond,11:N0} {e.RowsPerSecond / first.RowsPerSecond,8:F2}×");
        return text.ToString();
    }

    /// <inheritdoc />
    public override string ToString() => ToTable();

    /// <summary>The entries as indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(Entries, new JsonSerializerOptions { WriteIndented = true });

    /// <summary>Writes <c>compression_size.png</c> (ONNX and zip kB) and <c>compression_speed.png</c> (rows/s at batch 256) into <paramref name="directory"/>.</summary>
    /// <param name="directory">The folder (created when missing).</param>
    public IReadOnlyList<string> SavePngs(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory.CreateDirectory(directory);
        return
        [
            Bars(Path.Combine(directory, "compression_size.png"), "Model size (kB)", [("ONNX", e => e.OnnxBytes / 1024.0), ("zip", e => e.ZipBytes / 1024.0)]),
            Bars(Path.Combine(directory, "compression_speed.png"), "CPU rows/s at batch 256 (ONNX Runtime)", [("rows/s", e => e.RowsPerSecond)]),
        ];
    }

    private string Bars(string path, string title, (string Series, Func<CompressionEntry, double> Value)[] series)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var width = series.Length + 1;
        for (var s = 0; s < series.Length; s++)
        {
            var bars = Entries.Select((e, i) => new Bar { Position = i * width + s, Value = series[s].Value(e), FillColor = palette.GetColor(s) }).ToList();
            var plotted = plot.Add.Bars(bars);
            if (series.Length > 1)
                plotted.LegendText = series[s].Series;
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [.. Entries.Select((e, i) => new Tick(i * width + (series.Length - 1) / 2.0, e.Name))]);
        plot.Axes.Margins(bottom: 0);
        plot.Title(title);
        if (series.Length > 1)
            plot.ShowLegend(Alignment.UpperRight);
        AtomicFile.Write(path, plot.GetImageBytes(Math.Max(600, 140 * Entries.Count), 450, ImageFormat.Png), "CompressionReport");
        return path;
    }
}
