using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;
using N = DeepML.Fairness.FairnessMetricNames;

namespace DeepML.Fairness.Tests.Metrics;

public class BadInputTests
{
    private readonly MLContext _ml = new(1);

    private GroupMetrics Eval(IEnumerable<Row> rows, string? weight = null, string? score = "Score") =>
        _ml.DeepML().Fairness.EvaluateBinaryClassification(Fixtures.Rows(_ml, rows), ["Sf"], scoreColumnName: score, exampleWeightColumnName: weight);

    [Fact]
    public void SensitiveColumnWithOneGroupIsRejectedWordForWord()
    {
        var ex = Assert.Throws<ArgumentException>(() => Eval(Enumerable.Range(0, 5).Select(i => new Row { Label = i % 2 == 0, Sf = "only" })));
        Assert.StartsWith($"GroupMetrics: sensitive column 'Sf' {FairnessErrors.SingleGroup} (only value 'only' in 5 rows)", ex.Message);
    }

    [Fact]
    public void GroupWithoutPositivesReportsUndefinedRatesNotZero()
    {
        var rows = new[]
        {
            new Row { Label = true, PredictedLabel = true, Sf = "a", Score = 0.9f }, new Row { Label = false, PredictedLabel = false, Sf = "a", Score = 0.1f },
            new Row { Label = false, PredictedLabel = true, Sf = "b", Score = 0.7f }, new Row { Label = false, PredictedLabel = false, Sf = "b", Score = 0.2f },
        };
        var m = Eval(rows);
        var b = m.Group("b").Index;
        Assert.True(double.IsNaN(m[N.TruePositiveRate].ByGroup[b]));
        Assert.True(double.IsNaN(m[N.FalseNegativeRate].ByGroup[b]));
        Assert.True(double.IsNaN(m[N.Auc].ByGroup[b]));
        Assert.Equal(0.5, m[N.FalsePositiveRate].ByGroup[b]);
        // Aggregates skip the undefined group (pandas' skipna), so the TPR difference is over group a alone.
        Assert.Equal(0, m[N.TruePositiveRate].Difference());
        Assert.Contains("undefined", m.ToTable([N.TruePositiveRate]));
        Assert.Contains("\"b\": null", m.ToJson());
    }

    [Fact]
    public void ScoreOfTheWrongKindNamesColumnAndTypes()
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => Eval(Synthetic.Scored(10, 1), score: "Sf2"));
        Assert.Equal("GroupMetrics: schema mismatch for score column 'Sf2': expected a scalar Single or Double for the AUC, got String. Convert the column with ml.Transforms.Conversion.ConvertType.",
            ex.Message.Split(" (Parameter")[0]);
    }

    private sealed class VectorScore
    {
        public bool Label { get; set; }
        public bool PredictedLabel { get; set; }
        [VectorType(3)] public float[] Score { get; set; } = [0, 0, 0];
        public string Sf { get; set; } = "";
    }

    [Fact]
    public void VectorScoreSuggestsTheMulticlassTask()
    {
        var data = _ml.Data.LoadFromEnumerable(new[] { new VectorScore { Sf = "a" }, new VectorScore { Sf = "b" } });
        var ex = Assert.ThrowsAny<ArgumentException>(() => _ml.DeepML().Fairness.EvaluateBinaryClassification(data, ["Sf"]));
        Assert.Contains("got Vector<Single, 3>", ex.Message);
        Assert.Contains("PredictionKind.MulticlassClassification", ex.Message);
    }

    [Theory]
    [InlineData(-1f, "value -1 at row 3")]
    [InlineData(float.NaN, "value NaN at row 3")]
    public void NegativeOrNanWeightsAreRejectedWithRowAndValue(float bad, string where)
    {
        var rows = Synthetic.Scored(10, 1);
        rows[3].Weight = bad;
        var ex = Assert.Throws<ArgumentException>(() => Eval(rows, weight: "Weight"));
        Assert.Contains($"example weight column 'Weight' has {where}; {FairnessErrors.BadWeight}", ex.Message);
    }

    [Fact]
    public void MissingColumnListsTheAvailableOnes()
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => _ml.DeepML().Fairness.EvaluateBinaryClassification(Fixtures.EighteenRows(_ml), ["Gender"]));
        Assert.Contains("sensitive column 'Gender' was not found", ex.Message);
        Assert.Contains("Available columns: 'Label', 'PredictedLabel', 'Score', 'Sf', 'Sf2', 'Weight'", ex.Message);
    }

    private sealed class FloatLabel
    {
        public float Label { get; set; }
        public bool PredictedLabel { get; set; }
        public string Sf { get; set; } = "";
    }

    [Fact]
    public void LabelOutsideTwoClassesIsRejected()
    {
        var data = _ml.Data.LoadFromEnumerable(new[] { new FloatLabel { Label = 1, Sf = "a" }, new FloatLabel { Label = 2, Sf = "b" } });
        var ex = Assert.Throws<ArgumentException>(() => _ml.DeepML().Fairness.EvaluateBinaryClassification(data, ["Sf"], scoreColumnName: null));
        Assert.Contains($"column 'Label' has value 2 at row 1; {FairnessErrors.BadBinaryValue}", ex.Message);
    }

    [Fact]
    public void NoRowsIsRejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => Eval([]));
        Assert.StartsWith($"GroupMetrics: {FairnessErrors.NoRows}", ex.Message);
    }

    [Fact]
    public void InvalidOptionsNameThemselves()
    {
        Assert.Equal("BootstrapResamples", Assert.Throws<ArgumentException>(() => new GroupMetricsOptions { BootstrapResamples = -1 }).ParamName);
        Assert.Equal("ConfidenceLevel", Assert.Throws<ArgumentException>(() => new GroupMetricsOptions { ConfidenceLevel = 1 }).ParamName);
        Assert.Equal("SensitiveColumnNames", Assert.Throws<ArgumentException>(() => new GroupMetricsOptions { SensitiveColumnNames = ["a", "a"] }).ParamName);
        Assert.Equal("EdfConcentration", Assert.Throws<ArgumentException>(() => new GroupMetricsOptions { EdfConcentration = 0 }).ParamName);
    }
}
