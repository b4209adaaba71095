using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace DeepML.Fairness.Tests.Metrics;

public class ControlBadInputTests
{
    private readonly MLContext _ml = new(1);

    [Fact]
    public void AColumnBothSensitiveAndControlIsRejectedNamingTheOptionSetSecond()
    {
        var ex = Assert.Throws<ArgumentException>(() => new GroupMetricsOptions { SensitiveColumnNames = ["Sf", "Cf"], ControlColumnNames = ["Cf"] });
        Assert.Equal("ControlColumnNames", ex.ParamName);
        Assert.StartsWith($"GroupMetricsOptions.ControlColumnNames: column 'Cf' {FairnessErrors.ControlIsSensitive}", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => new GroupMetricsOptions { ControlColumnNames = ["Sf"], SensitiveColumnNames = ["Sf"] });
        Assert.Equal("SensitiveColumnNames", ex.ParamName);
        Assert.StartsWith($"GroupMetricsOptions.SensitiveColumnNames: column 'Sf' {FairnessErrors.ControlIsSensitive}", ex.Message);
    }

    [Fact]
    public void InvalidControlListsNameTheOption()
    {
        Assert.Equal("ControlColumnNames", Assert.Throws<ArgumentException>(() => new GroupMetricsOptions { ControlColumnNames = ["Cf", "Cf"] }).ParamName);
        Assert.Equal("ControlColumnNames", Assert.Throws<ArgumentException>(() => new GroupMetricsOptions { ControlColumnNames = ["Cf", " "] }).ParamName);
        Assert.Equal("ControlColumnNames", Assert.Throws<ArgumentException>(() => new GroupMetricsOptions { ControlColumnNames = null! }).ParamName);
        Assert.Empty(new GroupMetricsOptions().ControlColumnNames);
    }

    [Fact]
    public void MissingControlColumnListsTheAvailableOnes()
    {
        var data = ControlRows.View(_ml, ControlRows.Random(50, 1));
        var ex = Assert.ThrowsAny<ArgumentException>(() => _ml.DeepML().Fairness.Evaluate(data, new GroupMetricsOptions { SensitiveColumnNames = ["Sf"], ControlColumnNames = ["Income"] }));
        Assert.Contains("GroupMetrics: control column 'Income' was not found", ex.Message);
        Assert.Contains("Available columns: 'Label', 'PredictedLabel', 'Score', 'Sf', 'Sf2', 'Cf', 'Cf2', 'Weight'", ex.Message);
    }

    private sealed class VectorControl
    {
        public bool Label { get; set; }
        public bool PredictedLabel { get; set; }
        public string Sf { get; set; } = "";
        [VectorType(2)] public float[] Income { get; set; } = [0, 0];
    }

    [Fact]
    public void VectorControlColumnNamesColumnExpectedAndActualTypeAndTheFix()
    {
        var data = _ml.Data.LoadFromEnumerable(new[] { new VectorControl { Sf = "a" }, new VectorControl { Sf = "b" } });
        var ex = Assert.ThrowsAny<ArgumentException>(() => _ml.DeepML().Fairness.Evaluate(data, new GroupMetricsOptions { SensitiveColumnNames = ["Sf"], ControlColumnNames = ["Income"], ScoreColumnName = null }));
        Assert.Equal("GroupMetrics: schema mismatch for control column 'Income': expected a scalar Text, Boolean, key or number, got Vector<Single, 2>. " +
            "Control features must be one value per row (for example an income band); split vectors into scalar columns, or bin them into a few ranges first.",
            ex.Message.Split(" (Parameter")[0]);
    }

    [Fact]
    public void ForControlExplainsUnknownNamesAndTheMissingOption()
    {
        var data = ControlRows.View(_ml, ControlRows.Random(200, 1));
        var plain = _ml.DeepML().Fairness.EvaluateBinaryClassification(data, ["Sf"]);
        Assert.Contains("Set GroupMetricsOptions.ControlColumnNames", Assert.Throws<InvalidOperationException>(() => plain.ForControl("H")).Message);
        var m = _ml.DeepML().Fairness.Evaluate(data, new GroupMetricsOptions { SensitiveColumnNames = ["Sf"], ControlColumnNames = ["Cf"] });
        var message = Assert.Throws<KeyNotFoundException>(() => m.ForControl("X")).Message;
        Assert.Contains("no control value 'X'. Expected one of: ", message);
        Assert.All(new[] { "'H'", "'M'", "'L'" }, c => Assert.Contains(c, message));
    }

    [Fact]
    public void ASingleValuedControlColumnIsOneStratumEqualToAllRows()
    {
        var rows = ControlRows.Random(300, 2);
        foreach (var r in rows) r.Cf = "only";
        var m = _ml.DeepML().Fairness.Evaluate(ControlRows.View(_ml, rows), new GroupMetricsOptions { SensitiveColumnNames = ["Sf"], ControlColumnNames = ["Cf"] });
        var only = Assert.Single(m.ByControl);
        Assert.Equal(m[FairnessMetricNames.SelectionRate].ByGroup, only[FairnessMetricNames.SelectionRate].ByGroup);
        Assert.Equal(m.Measure(FairnessMeasureNames.EqualizedOddsDifference), only.Measure(FairnessMeasureNames.EqualizedOddsDifference));
    }
}
