using DeepML;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace DeepML.Estimators.Tests.Fairness;

/// <summary>Every invalid option and column fails early, naming itself.</summary>
[Collection(TorchTrainingCollection.Name)]
public sealed class AdversarialDebiasingOptionsTests
{
    public AdversarialDebiasingOptionsTests() => TorchRuntime.EnsureLoaded();

    private static AdversarialDebiasingOptions Valid => new() { SensitiveColumnName = "Group" };

    public static TheoryData<string, Func<AdversarialDebiasingOptions>, string> InvalidOptions => new()
    {
        { "SensitiveColumnName", () => new AdversarialDebiasingOptions { SensitiveColumnName = " " }, "non-empty column name" },
        { "PrivilegedGroup", () => Valid with { PrivilegedGroup = "" }, "group value or null" },
        { "Alpha", () => Valid with { Alpha = -0.1 }, "Alpha must be a finite value ≥ 0, got -0.1" },
        { "Alpha", () => Valid with { Alpha = double.NaN }, "Alpha must be a finite value ≥ 0" },
        { "AdversaryLearningRate", () => Valid with { AdversaryLearningRate = 0 }, "AdversaryLearningRate must be a finite value > 0, got 0" },
        { "AdversaryHiddenUnits", () => Valid with { AdversaryHiddenUnits = -1 }, "AdversaryHiddenUnits must be in [0, 1024]" },
        { "WarmUpEpochs", () => Valid with { WarmUpEpochs = -2 }, "WarmUpEpochs must be ≥ 0" },
        { "Objective", () => Valid with { Objective = (AdversarialObjective)7 }, "Objective must be a defined AdversarialObjective, got 7" },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void InvalidOptionsThrowNamingTheOption(string option, Func<AdversarialDebiasingOptions> make, string message)
    {
        var e = Assert.Throws<ArgumentException>(make);
        Assert.Equal(option, e.ParamName);
        Assert.StartsWith("AdversarialDebiasingOptions: " + option, e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void DefaultsAreFairlearnsAlphaAndAif360sLinearAdversary()
    {
        var o = Valid;
        Assert.Equal(1.0, o.Alpha);
        Assert.Equal(1e-2, o.AdversaryLearningRate);
        Assert.Equal(0, o.AdversaryHiddenUnits);
        Assert.Equal(AdversarialObjective.DemographicParity, o.Objective);
        Assert.Null(new NeuralNetworkOptions().AdversarialDebiasing);
    }

    [Fact]
    public void OnlyTheBinaryTrainerAcceptsDebiasing()
    {
        var ml = new MLContext(seed: 1);
        var options = new NeuralNetworkOptions { AdversarialDebiasing = Valid };
        var multi = Assert.Throws<ArgumentException>(() => ml.DeepML().MulticlassClassification.NeuralNetwork(options));
        Assert.Equal("AdversarialDebiasing", multi.ParamName);
        Assert.Contains("binary classification only, but this trainer does MulticlassClassification", multi.Message);
        var regression = Assert.Throws<ArgumentException>(() => ml.DeepML().Regression.NeuralNetwork(options));
        Assert.Contains("binary classification only, but this trainer does Regression", regression.Message);
        Assert.NotNull(ml.DeepML().BinaryClassification.NeuralNetwork(options));
    }

    private static IDataView Data(MLContext ml, int rows = 60) => ProxyBiasData.Load(ml, ProxyBiasData.Rows(rows, seed: 1));

    private static BinaryNeuralNetworkTrainer Trainer(MLContext ml, AdversarialDebiasingOptions debiasing) =>
        ml.DeepML().BinaryClassification.NeuralNetwork(new NeuralNetworkOptions
        {
            Network = Networks.Mlp([4]), Epochs = 1, ValidationFraction = 0, Seed = 1, AdversarialDebiasing = debiasing,
        });

    /// <summary>SchemaShape.Create is internal in ML.NET 5; reached by reflection (as in tests/Fairness/Synthetic.cs).</summary>
    private static SchemaShape ShapeOf(DataViewSchema schema) =>
        (SchemaShape)typeof(SchemaShape).GetMethod("Create", System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic)!
            .Invoke(null, [schema])!;

    [Fact]
    public void AMissingSensitiveColumnListsTheColumnsAtPipelineConstructionAndFit()
    {
        var ml = new MLContext(seed: 1);
        var data = Data(ml);
        var trainer = Trainer(ml, new AdversarialDebiasingOptions { SensitiveColumnName = "Sex" });
        var shape = Assert.ThrowsAny<ArgumentException>(() => trainer.GetOutputSchema(ShapeOf(data.Schema)));
        Assert.Contains("sensitive column 'Sex' was not found. Available columns: 'Features', 'Label', 'Group'", shape.Message);
        var fit = Assert.ThrowsAny<ArgumentException>(() => trainer.Fit(data));
        Assert.Contains("sensitive column 'Sex' was not found", fit.Message);
    }

    [Fact]
    public void AWrongSensitiveTypeNamesExpectedAndActual()
    {
        var ml = new MLContext(seed: 1);
        var e = Assert.ThrowsAny<ArgumentException>(() => Trainer(ml, new AdversarialDebiasingOptions { SensitiveColumnName = "Features" }).Fit(Data(ml)));
        Assert.Contains("schema mismatch for sensitive column 'Features': expected a scalar Boolean, String, key, or whole-number Single, Double, Int32 or Int64 column, got Vector<Single, 3>", e.Message);
    }

    [Fact]
    public void OneGroupFailsNamingTheColumnAndTheFix()
    {
        var ml = new MLContext(seed: 1);
        var rows = ProxyBiasData.Rows(60, seed: 1);
        foreach (var row in rows)
            row.Group = "F";
        var e = Assert.Throws<InvalidOperationException>(() => Trainer(ml, new AdversarialDebiasingOptions { SensitiveColumnName = "Group" }).Fit(ProxyBiasData.Load(ml, rows)));
        Assert.Contains("sensitive column 'Group' holds 1 group(s) in the training data (\"F\"); adversarial debiasing needs at least 2. Check AdversarialDebiasingOptions.SensitiveColumnName", e.Message);
    }

    [Fact]
    public void MoreThan64GroupsFailWithTheCountAndTheFix()
    {
        var ml = new MLContext(seed: 1);
        var rows = ProxyBiasData.Rows(130, seed: 1);
        for (var i = 0; i < rows.Count; i++)
            rows[i].Group = $"g{i % 65:D2}";   // 65 groups, two rows each
        var e = Assert.Throws<InvalidOperationException>(() => Trainer(ml, new AdversarialDebiasingOptions { SensitiveColumnName = "Group" }).Fit(ProxyBiasData.Load(ml, rows)));
        Assert.Contains("sensitive column 'Group' holds 65 groups in the training data (\"g00\", \"g01\",", e.Message);
        Assert.Contains("… (65 in all)); adversarial debiasing accepts at most 64. Check that the column is a group and not an identifier", e.Message);

        for (var i = 0; i < rows.Count; i++)
            rows[i].Group = $"g{i % 64:D2}";   // exactly the limit trains
        using var model = Trainer(ml, new AdversarialDebiasingOptions { SensitiveColumnName = "Group" }).Fit(ProxyBiasData.Load(ml, rows));
        Assert.Equal(130, model.Transform(ProxyBiasData.Load(ml, rows)).GetColumn<float>("Score").Count(float.IsFinite));
    }

    [Fact]
    public void APrivilegedGroupThatDoesNotOccurIsRejected()
    {
        var ml = new MLContext(seed: 1);
        var e = Assert.Throws<ArgumentException>(() => Trainer(ml, new AdversarialDebiasingOptions { SensitiveColumnName = "Group", PrivilegedGroup = "Male" }).Fit(Data(ml)));
        Assert.Contains("PrivilegedGroup is \"Male\", but sensitive column 'Group' holds \"F\", \"M\"", e.Message);
    }

    [Theory]
    [InlineData("Group", null)]
    [InlineData("Group", "F")]
    [InlineData("IsMale", "true")]
    [InlineData("GroupCode", null)]
    [InlineData("ThreeGroups", null)]
    [InlineData("ThreeGroups", "2")]
    public void BooleanSingleAndStringColumnsWithTwoOrThreeGroupsTrain(string column, string? privileged)
    {
        var ml = new MLContext(seed: 1);
        using var model = Trainer(ml, new AdversarialDebiasingOptions { SensitiveColumnName = column, PrivilegedGroup = privileged }).Fit(Data(ml));
        Assert.Equal(60, model.Transform(Data(ml)).GetColumn<float>("Score").Count(float.IsFinite));
    }

    [Fact]
    public void AKeySensitiveColumnTrainsAndASingleThatIsNotAWholeNumberFailsWithTheRow()
    {
        var ml = new MLContext(seed: 1);
        var keyed = ml.Transforms.Conversion.MapValueToKey("GroupKey", "Group").Fit(Data(ml)).Transform(Data(ml));
        using (Trainer(ml, new AdversarialDebiasingOptions { SensitiveColumnName = "GroupKey", PrivilegedGroup = "M" }).Fit(keyed)) { }

        var rows = ProxyBiasData.Rows(60, seed: 1);
        rows[7].GroupCode = 2.5f;
        var e = Assert.Throws<InvalidOperationException>(() => Trainer(ml, new AdversarialDebiasingOptions { SensitiveColumnName = "GroupCode" }).Fit(ProxyBiasData.Load(ml, rows)));
        Assert.Contains("training row 7, sensitive column 'GroupCode' holds 2.5; a numeric sensitive column must hold whole-number group codes (for example 0, 1, 2)", e.Message);
        rows[7].GroupCode = float.NaN;
        var missing = Assert.Throws<InvalidOperationException>(() => Trainer(ml, new AdversarialDebiasingOptions { SensitiveColumnName = "GroupCode" }).Fit(ProxyBiasData.Load(ml, rows)));
        Assert.Contains("training row 7, sensitive column 'GroupCode' holds NaN; a numeric sensitive column must hold whole-number group codes", missing.Message);
    }
}
