using System.Text.Json;
using Microsoft.ML;
using Xunit;
using N = DeepML.Fairness.FairnessMetricNames;

namespace DeepML.Fairness.Tests.Reporting;

public class ReportTests
{
    private static GroupMetrics Metrics()
    {
        var ml = new MLContext(1);
        return ml.DeepML().Fairness.Evaluate(Fixtures.EighteenRows(ml), new GroupMetricsOptions { SensitiveColumnNames = ["Sf"], BootstrapResamples = 30, Seed = 1 });
    }

    [Fact]
    public void JsonHoldsEveryQuantityAndTheFixtureValues()
    {
        using var doc = JsonDocument.Parse(Metrics().ToJson());
        var sel = doc.RootElement.GetProperty("metrics").GetProperty(N.SelectionRate);
        Assert.Equal(0.25, sel.GetProperty("differenceBetweenGroups").GetDouble(), 9);
        Assert.Equal(0.194444, sel.GetProperty("differenceToOverall").GetDouble(), 6);
        Assert.Equal(0.75, sel.GetProperty("byGroup").GetProperty("a").GetDouble(), 9);
        Assert.Equal(2, sel.GetProperty("intervals").GetProperty("overall").GetArrayLength());
        Assert.Equal(0.25, doc.RootElement.GetProperty("measures").GetProperty(FairnessMeasureNames.DemographicParityDifference).GetProperty("value").GetDouble(), 9);
    }

    [Fact]
    public void TableListsGroupsAndMeasures()
    {
        var table = Metrics().ToTable([N.SelectionRate]);
        var line = table.Split('\n').Single(l => l.StartsWith(N.SelectionRate));
        Assert.Contains("0.75 [", line);
        Assert.Contains(FairnessMeasureNames.EqualizedOddsDifference, table);
    }

    [Fact]
    public void BarChartsArePngFiles()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"fair-charts-{Guid.NewGuid():N}");
        AssertPngFiles(Metrics().SaveBarCharts(dir, [N.SelectionRate, N.TruePositiveRate]), 2);
        Directory.Delete(dir, true);
    }

    /// <summary>Asserts <paramref name="count"/> non-trivial files that start with the PNG signature.</summary>
    internal static void AssertPngFiles(IReadOnlyList<string> files, int count)
    {
        Assert.Equal(count, files.Count);
        foreach (var f in files)
        {
            var bytes = File.ReadAllBytes(f);
            Assert.True(bytes.Length > 1000, $"{f}: {bytes.Length} bytes");
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
        }
    }
}
