using System.Text.Json;
using DeepML.Fairness.Tests.Metrics;
using Microsoft.ML;
using Xunit;
using N = DeepML.Fairness.FairnessMetricNames;

namespace DeepML.Fairness.Tests.Reporting;

public class ControlReportTests
{
    private static GroupMetrics Fixture(int resamples = 0)
    {
        var ml = new MLContext(1);
        return ml.DeepML().Fairness.Evaluate(ControlRows.View(ml, ControlRows.IntersectingGroupsRst()), new GroupMetricsOptions
        {
            SensitiveColumnNames = ["Sf"], ControlColumnNames = ["Cf"], ScoreColumnName = null, BootstrapResamples = resamples, Seed = 1,
        });
    }

    private static GroupMetrics WithEmptyCell()
    {
        var ml = new MLContext(1);
        return ml.DeepML().Fairness.Evaluate(ControlRows.View(ml, ControlRows.Random(600, 7)), new GroupMetricsOptions
        {
            SensitiveColumnNames = ["Sf", "Sf2"], ControlColumnNames = ["Cf"], BootstrapResamples = 20, Seed = 1,
        });
    }

    [Fact]
    public void JsonKeepsTheTopLevelLayoutAndAddsEachControlValue()
    {
        using var doc = JsonDocument.Parse(Fixture(20).ToJson());
        var root = doc.RootElement;
        // The readers of the layout without controls still find every key (values for all rows).
        Assert.Equal(30, root.GetProperty("rows").GetInt32());
        Assert.Equal("Sf", root.GetProperty("sensitiveColumns")[0].GetString());
        Assert.Equal(2, root.GetProperty("metrics").GetProperty(N.Accuracy).GetProperty("intervals").GetProperty("overall").GetArrayLength());
        Assert.Equal("Cf", root.GetProperty("controlColumns")[0].GetString());
        var h = root.GetProperty("byControl").GetProperty("H");
        Assert.Equal(14, h.GetProperty("rows").GetInt32());
        Assert.Equal("H", h.GetProperty("control").GetProperty("values")[0].GetString());
        var acc = h.GetProperty("metrics").GetProperty(N.Accuracy);
        Assert.Equal(0.55, acc.GetProperty("differenceBetweenGroups").GetDouble(), 9);
        Assert.Equal(0.75, acc.GetProperty("byGroup").GetProperty("C").GetDouble(), 9);
        Assert.Equal(0.375, root.GetProperty("byControl").GetProperty("L").GetProperty("metrics").GetProperty(N.Accuracy).GetProperty("overall").GetDouble(), 9);
        Assert.Equal(2, acc.GetProperty("intervals").GetProperty("byGroup").GetProperty("A").GetArrayLength());
        Assert.True(h.GetProperty("measures").TryGetProperty(FairnessMeasureNames.DemographicParityDifference, out _));
    }

    [Fact]
    public void JsonWithoutControlsHasEmptyControlEntries()
    {
        var ml = new MLContext(1);
        using var doc = JsonDocument.Parse(ml.DeepML().Fairness.EvaluateBinaryClassification(Fixtures.EighteenRows(ml), ["Sf"]).ToJson());
        Assert.Equal(0, doc.RootElement.GetProperty("controlColumns").GetArrayLength());
        Assert.Empty(doc.RootElement.GetProperty("byControl").EnumerateObject());
    }

    [Fact]
    public void JsonMarksEmptyCellsAndWritesTheirValuesAsNull()
    {
        using var doc = JsonDocument.Parse(WithEmptyCell().ToJson());
        var l = doc.RootElement.GetProperty("byControl").GetProperty("L");
        var cell = l.GetProperty("groups").EnumerateArray().Single(g => g.GetProperty("name").GetString() == "c | y");
        Assert.True(cell.GetProperty("empty").GetBoolean());
        Assert.Equal(0, cell.GetProperty("rows").GetInt32());
        Assert.Equal(JsonValueKind.Null, l.GetProperty("metrics").GetProperty(N.SelectionRate).GetProperty("byGroup").GetProperty("c | y").ValueKind);
    }

    [Fact]
    public void TableHasASectionPerControlValueAndAMeasureColumnPerValue()
    {
        var table = Fixture().ToTable([N.Accuracy]);
        var lines = table.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Equal("All rows (control ignored)", lines[0]);
        var h = Array.IndexOf(lines, "Control Cf = H (14 rows)");
        var l = Array.IndexOf(lines, "Control Cf = L (16 rows)");
        Assert.True(h > 0 && l > h, table);
        Assert.Contains("0.55", lines.Skip(h).First(x => x.StartsWith(N.Accuracy)));
        Assert.Contains("0.2143", lines.Skip(l).First(x => x.StartsWith(N.Accuracy)));
        var header = lines.First(x => x.StartsWith("Measure"));
        Assert.Contains("All rows", header);
        Assert.Contains("Cf = H", header);
        Assert.Contains("Cf = L", header);
        Assert.Contains("c | y (empty)", WithEmptyCell().ToTable([N.SelectionRate]));
    }

    [Fact]
    public void BarChartsWithControlsArePngFiles()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"fair-control-charts-{Guid.NewGuid():N}");
        ReportTests.AssertPngFiles(WithEmptyCell().SaveBarCharts(dir, [N.SelectionRate, N.Auc]), 2);
        Directory.Delete(dir, true);
    }
}
