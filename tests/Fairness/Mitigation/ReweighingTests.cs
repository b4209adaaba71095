using Microsoft.ML;
using Xunit;

namespace DeepML.Fairness.Tests.Mitigation;

public class ReweighingTests
{
    private sealed class Weighted
    {
        public bool Label { get; set; }
        public string Sf { get; set; } = "";
        public string Sf2 { get; set; } = "";
        public float Weight { get; set; }
        public float NewWeight { get; set; }
    }

    private static List<Weighted> Run(MLContext ml, IDataView data, ITransformer model) =>
        ml.Data.CreateEnumerable<Weighted>(model.Transform(data), reuseRowObject: false).ToList();

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void WeightedLabelRateIsEqualAcrossGroupsAndTotalWeightIsPreserved(bool withInputWeights, bool intersection)
    {
        var ml = new MLContext(1);
        var rows = Synthetic.Scored(3000, 7);
        var data = Synthetic.View(ml, rows);
        string[] sensitive = intersection ? ["Sf", "Sf2"] : ["Sf"];
        var model = ml.DeepML().Fairness.Reweigh("NewWeight", sensitive, exampleWeightColumnName: withInputWeights ? "Weight" : null).Fit(data);
        var output = Run(ml, data, model);
        double InWeight(Weighted r) => withInputWeights ? r.Weight : 1.0;
        var overallRate = output.Sum(r => r.Label ? InWeight(r) : 0) / output.Sum(InWeight);
        foreach (var group in output.GroupBy(r => intersection ? r.Sf + r.Sf2 : r.Sf))
        {
            var rate = group.Sum(r => r.Label ? (double)r.NewWeight : 0) / group.Sum(r => (double)r.NewWeight);
            Assert.Equal(overallRate, rate, 6);
        }
        Assert.Equal(output.Sum(InWeight), output.Sum(r => (double)r.NewWeight), 2);
    }

    [Fact]
    public void FactorsMatchTheKamiranCaldersClosedForm()
    {
        // a: 3 positives, 1 negative; b: 1 positive, 3 negatives. N = 8, N_pos = 4.
        var ml = new MLContext(1);
        bool[] y = [true, true, true, false, true, false, false, false];
        var data = Fixtures.Rows(ml, y.Select((l, i) => new Row { Label = l, Sf = i < 4 ? "a" : "b" }));
        var model = ml.DeepML().Fairness.Reweigh("NewWeight", ["Sf"]).Fit(data);
        var a = model.Groups.Single(g => g.Name == "a").Index;
        Assert.Equal(4.0 * 4 / (8 * 3), model.Factor(a, true), 12);   // N_a·N_pos/(N·N_a,pos)
        Assert.Equal(4.0 * 4 / (8 * 1), model.Factor(a, false), 12);
        var weights = ml.Data.CreateEnumerable<Weighted>(model.Transform(data), false).Select(r => r.NewWeight).ToArray();
        Assert.Equal([2 / 3f, 2 / 3f, 2 / 3f, 2f, 2f, 2 / 3f, 2 / 3f, 2 / 3f], weights, (p, q) => Math.Abs(p - q) < 1e-6);
    }

    [Fact]
    public void SavedModelLoadsInAFreshContextWithTheSameWeights()
    {
        var ml = new MLContext(1);
        var rows = Synthetic.Scored(500, 3);
        var data = Synthetic.View(ml, rows);
        var model = ml.DeepML().Fairness.Reweigh("NewWeight", ["Sf", "Sf2"]).Fit(data);
        var path = Path.Combine(Path.GetTempPath(), $"reweigh-{Guid.NewGuid():N}.zip");
        ml.Model.Save(model, data.Schema, path);
        var fresh = new MLContext(99);
        var loaded = fresh.Model.Load(path, out _);
        File.Delete(path);
        var before = Run(ml, data, model).Select(r => r.NewWeight);
        var after = fresh.Data.CreateEnumerable<Weighted>(loaded.Transform(data), false).Select(r => r.NewWeight);
        Assert.Equal(before, after);
    }

    [Fact]
    public void MissingLabelColumnListsAvailableColumns()
    {
        var ml = new MLContext(1);
        var data = Synthetic.View(ml, Synthetic.Scored(50, 1));
        var ex = Assert.ThrowsAny<ArgumentException>(() => ml.DeepML().Fairness.Reweigh("W", ["Sf"], labelColumnName: "Income").Fit(data));
        Assert.Contains("label column 'Income' was not found", ex.Message);
        Assert.Contains("'Sf2'", ex.Message);
    }

    [Fact]
    public void EmptySensitiveListNamesTheOption()
    {
        var ex = Assert.Throws<ArgumentException>(() => new ReweighingOptions { SensitiveColumnNames = [] });
        Assert.Equal("SensitiveColumnNames", ex.ParamName);
        Assert.Contains(FairnessErrors.NoSensitiveColumns, ex.Message);
    }

    [Fact]
    public void NegativeWeightIsReportedWithRowAndValue()
    {
        var ml = new MLContext(1);
        var rows = Synthetic.Scored(20, 1);
        rows[5].Weight = -2;
        var ex = Assert.Throws<ArgumentException>(() => ml.DeepML().Fairness.Reweigh("W", ["Sf"], exampleWeightColumnName: "Weight").Fit(Synthetic.View(ml, rows)));
        Assert.Contains("value -2 at row 5", ex.Message);
        Assert.Contains(FairnessErrors.BadWeight, ex.Message);
    }
}
