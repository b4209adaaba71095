using DeepML.Cli.Report;

namespace DeepML.Cli.Tests.Report;

public sealed class ReportChartsTests
{
    [Fact]
    public void The_area_under_the_ROC_points_is_the_Mann_Whitney_statistic_with_ties_counted_half()
    {
        var random = new Random(3);
        var rows = Enumerable.Range(0, 400).Select(i =>
        {
            var label = random.NextDouble() < 0.3;
            var p = (float)Math.Round(Math.Clamp(random.NextDouble() * 0.7 + (label ? 0.25 : 0), 0, 1), 1); // rounded: many ties
            return (label, p);
        }).ToArray();
        var (fpr, tpr) = ReportCharts.RocPoints(rows);
        var positives = rows.Where(r => r.label).ToArray();
        var negatives = rows.Where(r => !r.label).ToArray();
        var u = positives.Sum(p => negatives.Sum(n => p.p > n.p ? 1.0 : p.p == n.p ? 0.5 : 0.0));
        Assert.Equal(u / (positives.Length * negatives.Length), ReportCharts.Trapezoid(fpr, tpr), 12);
        Assert.Equal((0.0, 0.0), (fpr[0], tpr[0]));
        Assert.Equal((1.0, 1.0), (fpr[^1], tpr[^1]));
    }

    [Fact]
    public void Calibration_bins_average_predictions_and_outcomes_per_tenth()
    {
        (bool, float)[] rows = [(true, 0.05f), (false, 0.07f), (true, 0.95f), (true, 1.0f), (false, 0.55f), (true, 0.52f), (true, 0.59f)];
        var (predicted, observed, counts) = ReportCharts.CalibrationBins(rows);
        Assert.Equal([2, 3, 2], counts);                       // bins [0, 0.1), [0.5, 0.6), [0.9, 1.0] (1.0 joins the last bin)
        Assert.Equal(0.06, predicted[0], 6);
        Assert.Equal((0.55 + 0.52 + 0.59) / 3, predicted[1], 6);
        Assert.Equal(0.975, predicted[2], 6);
        Assert.Equal([0.5, 2.0 / 3, 1.0], observed);
    }

    [Fact]
    public void Every_chart_is_a_png_of_the_asked_size()
    {
        (bool, float)[] rows = [(true, 0.9f), (false, 0.2f), (true, 0.6f), (false, 0.4f)];
        foreach (var png in new[] { ReportCharts.Roc(rows, 1), ReportCharts.PrecisionRecall(rows, 1), ReportCharts.Calibration(rows) })
        {
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
            Assert.Equal(720, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));  // IHDR width
            Assert.Equal(480, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));  // IHDR height
        }
    }
}
