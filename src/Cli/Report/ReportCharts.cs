using DeepML.Cli.Training;
using ScottPlot;

namespace DeepML.Cli.Report;

/// <summary>The report's pictures as PNG bytes (ScottPlot), each from data the report also shows as numbers.</summary>
internal static class ReportCharts
{
    private const int Width = 720, Height = 480;

    /// <summary>ROC curve points (false positive rate, true positive rate), thresholds from high to low; ties move diagonally.</summary>
    public static (double[] Fpr, double[] Tpr) RocPoints(IReadOnlyList<(bool Label, float Probability)> rows)
    {
        var positives = rows.Count(r => r.Label);
        var negatives = rows.Count - positives;
        var fpr = new List<double> { 0 };
        var tpr = new List<double> { 0 };
        int tp = 0, fp = 0;
        foreach (var group in rows.GroupBy(r => r.Probability).OrderByDescending(g => g.Key))
        {
            tp += group.Count(r => r.Label);
            fp += group.Count(r => !r.Label);
            fpr.Add(negatives == 0 ? 0 : (double)fp / negatives);
            tpr.Add(positives == 0 ? 0 : (double)tp / positives);
        }
        return ([.. fpr], [.. tpr]);
    }

    /// <summary>Area under the ROC points by the trapezoid rule (equals the Mann–Whitney AUC with ties counted half).</summary>
    public static double Trapezoid(double[] x, double[] y)
    {
        var area = 0.0;
        for (var i = 1; i < x.Length; i++)
            area += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2;
        return area;
    }

    public static byte[] Roc(IReadOnlyList<(bool Label, float Probability)> rows, double auc)
    {
        var (fpr, tpr) = RocPoints(rows);
        var plot = new Plot();
        var curve = plot.Add.ScatterLine(fpr, tpr);
        curve.LineWidth = 2;
        curve.LegendText = $"model (AUC {auc:F4})";
        var chance = plot.Add.Line(0, 0, 1, 1);
        chance.LinePattern = LinePattern.Dashed;
        chance.LegendText = "chance";
        Square(plot, "ROC curve (test split)", "false positive rate", "true positive rate");
        plot.ShowLegend(Alignment.LowerRight);
        return Png(plot);
    }

    public static byte[] PrecisionRecall(IReadOnlyList<(bool Label, float Probability)> rows, double auprc)
    {
        var positives = Math.Max(1, rows.Count(r => r.Label));
        var recall = new List<double>();
        var precision = new List<double>();
        int tp = 0, seen = 0;
        foreach (var group in rows.GroupBy(r => r.Probability).OrderByDescending(g => g.Key))
        {
            tp += group.Count(r => r.Label);
            seen += group.Count();
            recall.Add((double)tp / positives);
            precision.Add((double)tp / seen);
        }
        var plot = new Plot();
        var curve = plot.Add.ScatterLine(recall.ToArray(), precision.ToArray());
        curve.LineWidth = 2;
        curve.LegendText = $"model (area {auprc:F4})";
        var baseRate = plot.Add.HorizontalLine((double)rows.Count(r => r.Label) / Math.Max(1, rows.Count));
        baseRate.LinePattern = LinePattern.Dashed;
        baseRate.LegendText = "positive rate";
        Square(plot, "Precision–recall curve (test split)", "recall", "precision");
        plot.ShowLegend(Alignment.LowerLeft);
        return Png(plot);
    }

    /// <summary>Reliability diagram: ten equal-width probability bins, mean predicted vs observed positive rate.</summary>
    public static (double[] Predicted, double[] Observed, int[] Counts) CalibrationBins(IReadOnlyList<(bool Label, float Probability)> rows, int bins = 10)
    {
        var sums = new double[bins];
        var positives = new double[bins];
        var counts = new int[bins];
        foreach (var (label, p) in rows)
        {
            var b = Math.Clamp((int)(p * bins), 0, bins - 1);
            sums[b] += p;
            positives[b] += label ? 1 : 0;
            counts[b]++;
        }
        var used = Enumerable.Range(0, bins).Where(b => counts[b] > 0).ToArray();
        return ([.. used.Select(b => sums[b] / counts[b])], [.. used.Select(b => positives[b] / counts[b])], [.. used.Select(b => counts[b])]);
    }

    public static byte[] Calibration(IReadOnlyList<(bool Label, float Probability)> rows)
    {
        var (predicted, observed, _) = CalibrationBins(rows);
        var plot = new Plot();
        var curve = plot.Add.Scatter(predicted, observed);
        curve.LineWidth = 2;
        curve.MarkerSize = 8;
        curve.LegendText = "model (10 bins)";
        var ideal = plot.Add.Line(0, 0, 1, 1);
        ideal.LinePattern = LinePattern.Dashed;
        ideal.LegendText = "perfectly calibrated";
        Square(plot, "Calibration (test split)", "mean predicted probability", "observed positive rate");
        plot.ShowLegend(Alignment.UpperLeft);
        return Png(plot);
    }

    /// <summary>How many network trials the learning-curve chart draws (the best by validation metric).</summary>
    public const int CurveTrials = 5;

    /// <summary>Training and early-stopping losses per epoch, one colour per network trial, for the <see cref="CurveTrials"/> best trials.</summary>
    public static byte[] LearningCurves(IReadOnlyList<TrialResult> trials)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var i = 0;
        var shown = trials.Where(t => t.Curve.Count > 0 && t.State == TrialState.Completed)
            .OrderByDescending(t => t.ValidationMetric).Take(CurveTrials).OrderBy(t => t.Number);
        foreach (var trial in shown)
        {
            var color = palette.GetColor(i++);
            var epochs = trial.Curve.Select(p => (double)p.Epoch).ToArray();
            var training = plot.Add.ScatterLine(epochs, trial.Curve.Select(p => p.TrainingLoss).ToArray());
            training.Color = color;
            training.LegendText = $"trial {trial.Number} training";
            var validated = trial.Curve.Where(p => p.ValidationLoss is not null).ToArray();
            if (validated.Length > 0)
            {
                var validation = plot.Add.ScatterLine(validated.Select(p => (double)p.Epoch).ToArray(), validated.Select(p => p.ValidationLoss!.Value).ToArray());
                validation.Color = color;
                validation.LinePattern = LinePattern.Dashed;
                validation.LegendText = $"trial {trial.Number} validation";
            }
        }
        plot.Title($"Learning curves of the {CurveTrials} best DeepML trials");
        plot.XLabel("epoch");
        plot.YLabel("loss");
        plot.ShowLegend(Alignment.UpperRight);
        return Png(plot, 900, 520);
    }

    /// <summary>Validation metric per trial, one colour per family.</summary>
    public static byte[] Leaderboard(IReadOnlyList<TrialResult> trials, string metric)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var families = trials.Select(t => t.Family).Distinct().ToList();
        foreach (var family in families)
        {
            var done = trials.Where(t => t.Family == family && t.State == TrialState.Completed).ToArray();
            if (done.Length == 0)
                continue;
            var dots = plot.Add.ScatterPoints(done.Select(t => (double)t.Number).ToArray(), done.Select(t => t.ValidationMetric).ToArray());
            dots.Color = palette.GetColor(families.IndexOf(family));
            dots.MarkerSize = 10;
            dots.LegendText = family;
        }
        plot.Title($"Validation {metric} by trial");
        plot.XLabel("trial");
        plot.YLabel(metric);
        plot.ShowLegend(Alignment.LowerRight);
        return Png(plot);
    }

    public static byte[] PredictedVsActual(IReadOnlyList<(float Actual, float Predicted)> rows)
    {
        var shown = rows.Take(5000).ToArray();
        var plot = new Plot();
        var dots = plot.Add.ScatterPoints(shown.Select(r => (double)r.Actual).ToArray(), shown.Select(r => (double)r.Predicted).ToArray());
        dots.MarkerSize = 4;
        var low = shown.Min(r => Math.Min(r.Actual, r.Predicted));
        var high = shown.Max(r => Math.Max(r.Actual, r.Predicted));
        var ideal = plot.Add.Line(low, low, high, high);
        ideal.LinePattern = LinePattern.Dashed;
        plot.Title($"Predicted vs actual (test split, {shown.Length:N0} rows)");
        plot.XLabel("actual");
        plot.YLabel("predicted");
        return Png(plot);
    }

    /// <summary>Horizontal bars, largest on top.</summary>
    public static byte[] Importance(IReadOnlyList<(string Feature, double Value)> features, string title, string axis)
    {
        var shown = features.Take(20).Reverse().ToArray();
        var plot = new Plot();
        var bars = shown.Select((f, i) => new Bar { Position = i, Value = f.Value, FillColor = Colors.SteelBlue, Orientation = Orientation.Horizontal }).ToList();
        plot.Add.Bars(bars);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. shown.Select((f, i) => new Tick(i, f.Feature))]);
        plot.Title(title);
        plot.XLabel(axis);
        plot.Axes.Margins(left: 0);
        return Png(plot, 820, 160 + 26 * shown.Length);
    }

    private static void Square(Plot plot, string title, string x, string y)
    {
        plot.Title(title);
        plot.XLabel(x);
        plot.YLabel(y);
        plot.Axes.SetLimits(0, 1, 0, 1.02);
    }

    private static byte[] Png(Plot plot, int width = Width, int height = Height) => plot.GetImageBytes(width, height, ImageFormat.Png);
}
