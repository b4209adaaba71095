using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.ML;
using Xunit;

namespace DeepML.Fairness.Tests.Data;

/// <summary>
/// The fairness components report schema problems in DeepML's one wording (Core's <see cref="ColumnChecks"/>),
/// at pipeline construction, at Fit, in the evaluator; and DeepML.Fairness uses Core's public API only.
/// </summary>
public sealed class SharedErrorWordingTests
{
    private static readonly MLContext Ml = new(seed: 1);

    private static IDataView Data() => Synthetic.View(Ml, Synthetic.Scored(20, 1));

    [Fact]
    public void AMissingColumnReadsTheSameAtConstructionAtFitAndInTheEvaluator()
    {
        var data = Data();
        var available = data.Schema.Select(c => c.Name).ToArray();
        var estimator = Ml.DeepML().Fairness.Reweigh("FairWeight", ["Race"]);
        var atShape = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.GetOutputSchema(Shapes.Of(data.Schema)));
        var atFit = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Fit(data));
        var expected = ColumnChecks.NotFoundMessage("Reweighing", "sensitive", "Race", available);
        Assert.Equal(expected, atShape.Message.Split(" (Parameter")[0]);
        Assert.Equal(expected, atFit.Message.Split(" (Parameter")[0]);
        Assert.StartsWith("Reweighing: sensitive column 'Race' was not found. Available columns: 'Label', ", expected);

        var inEvaluator = Assert.ThrowsAny<ArgumentException>(() => Ml.DeepML().Fairness.EvaluateBinaryClassification(data, ["Race"]));
        Assert.Equal(ColumnChecks.NotFoundMessage("GroupMetrics", "sensitive", "Race", available), inEvaluator.Message.Split(" (Parameter")[0]);
    }

    [Fact]
    public void AWrongTypeReadsAsCoresMismatchMessageWithCoresTypeDescriptions()
    {
        var data = Data();
        var estimator = Ml.DeepML().Fairness.Reweigh("FairWeight", ["Sf"], labelColumnName: "Sf2");
        const string expected = "Boolean, Single or Double (0/1)", fix = "Binary mitigators need a two-class label; convert it to Boolean.";
        var atShape = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.GetOutputSchema(Shapes.Of(data.Schema)));
        var atFit = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Fit(data));
        Assert.Equal(ColumnChecks.MismatchMessage("Reweighing", "label", "Sf2", expected, "String", fix), atShape.Message.Split(" (Parameter")[0]);
        Assert.Equal(ColumnChecks.MismatchMessage("Reweighing", "label", "Sf2", expected, "String", fix), atFit.Message.Split(" (Parameter")[0]);
        Assert.Equal("Sf2", atFit.ParamName);
    }

    [Fact]
    public void FairnessGrantsInternalsToItsTestProjectOnly()
    {
        var fairness = typeof(GroupMetricsOptions).Assembly;
        Assert.Equal(["DeepML.Fairness.Tests"], fairness.GetCustomAttributes<InternalsVisibleToAttribute>().Select(a => a.AssemblyName));
        // The one task enum is Core's.
        Assert.Equal(typeof(PredictionKind), typeof(GroupMetricsOptions).GetProperty(nameof(GroupMetricsOptions.Task))!.PropertyType);
        Assert.DoesNotContain(fairness.GetTypes(), t => t.Name is "ColumnChecks" or "SchemaShapes" or "FairnessTask");
    }
}
