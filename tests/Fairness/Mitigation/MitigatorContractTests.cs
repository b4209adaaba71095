using DeepML.Testing;
using Microsoft.ML;
using Xunit;

namespace DeepML.Fairness.Tests.Mitigation;

/// <summary>
/// What the mitigators' contract classes (<see cref="ReweighingContractTests"/>,
/// <see cref="ThresholdOptimizerContractTests"/>, <see cref="ExponentiatedGradientContractTests"/>) do not
/// check: the exception type of a zero-row Fit (the shared check 2 accepts any type and asserts the
/// message), and the equalized-odds ThresholdOptimizer over an intersection of two sensitive columns,
/// fitted on scored data whose PredictedLabel it replaces (the contract classes run demographic parity).
/// </summary>
public class MitigatorContractTests
{
    private readonly MLContext _ml = new(1);

    [Fact]
    public void FitOnZeroRowsThrowsArgumentExceptionWithTheNoRowsConstant()
    {
        var empty = Synthetic.View(_ml, []);
        var emptyFeatures = _ml.Data.LoadFromEnumerable(new List<ReductionRow>());
        (string, Action)[] fits =
        [
            ("reweighing", () => _ml.DeepML().Fairness.Reweigh("NewWeight", ["Sf", "Sf2"]).Fit(empty)),
            ("threshold", () => _ml.DeepML().Fairness.ThresholdOptimizer(["Sf"], seed: 3).Fit(empty)),
            ("expgrad", () => _ml.DeepML().Fairness.ExponentiatedGradient(
                (l, w) => _ml.BinaryClassification.Trainers.LbfgsLogisticRegression(l, "Features", w), ["Sf"]).Fit(emptyFeatures)),
        ];
        foreach (var (name, fit) in fits)
        {
            var ex = Assert.Throws<ArgumentException>(fit);
            Assert.True(ex.Message.Contains(FairnessErrors.NoRows, StringComparison.Ordinal), $"{name}: {ex.Message}");
        }
    }

    [Fact]
    public void EqualizedOddsOverAnIntersectionAgreesOnSchemasAndFitsIdempotently()
    {
        var data = Synthetic.View(_ml, Synthetic.Scored(800, 13));
        var estimator = _ml.DeepML().Fairness.ThresholdOptimizer(["Sf", "Sf2"], ThresholdConstraint.EqualizedOdds);
        var shape = estimator.GetOutputSchema(ContractData.ShapeOf(data.Schema)).Select(c => c.Name).Order().ToArray();
        var first = estimator.Fit(data);
        var fromTransformer = first.GetOutputSchema(data.Schema).Where(c => !c.IsHidden).Select(c => c.Name).Order().ToArray();
        var output = first.Transform(data);
        Assert.Equal(shape, fromTransformer);
        Assert.Equal(fromTransformer, output.Schema.Where(c => !c.IsHidden).Select(c => c.Name).Order());
        // 2 × 2 groups, each with its own rule; the replaced PredictedLabel is the randomised one.
        Assert.Equal(4, first.Rules.Count);
        var rows = ContractData.Rows(output, ["Probability", "PredictedLabel"]);
        Assert.Equal(rows, ContractData.Rows(estimator.Fit(data).Transform(data), ["Probability", "PredictedLabel"]));
        var predicted = _ml.Data.CreateEnumerable<Predicted>(output, false).ToList();
        Assert.Contains(predicted, p => p.Probability is > 0 and < 1);
        Assert.All(predicted.Where(p => p.Probability == 0), p => Assert.False(p.PredictedLabel));
        Assert.All(predicted.Where(p => p.Probability == 1), p => Assert.True(p.PredictedLabel));
    }
}
