using DeepML.Testing;
using Xunit;

namespace DeepML.Fairness.Tests;

/// <summary>Every public estimator and transformer of DeepML.Fairness has a contract test class in this assembly.</summary>
public class ContractCoverageTests
{
    /// <summary>
    /// Types whose contract class lives elsewhere or that are not components of their own, each with
    /// its reason. Empty: every public mitigator is covered. Keep it short; an entry is a debt, not a pass.
    /// </summary>
    private static readonly Dictionary<Type, string> Exemptions = new();

    // Only DeepML.Fairness: tests/Estimators runs the same meta-test over the other DeepML assemblies.
    private static readonly System.Reflection.Assembly Fairness = typeof(ReweighingEstimator).Assembly;

    [Fact]
    public void EveryPublicEstimatorAndTransformerHasAContractTestClass()
    {
        var missing = ContractCoverage.Uncovered([Fairness], typeof(ContractCoverageTests).Assembly, Exemptions);
        Assert.True(missing.Count == 0,
            "Public components of DeepML.Fairness without a contract test class (inherit DeepML.Testing.EstimatorContract<,,,>, or add an exemption with a reason): " +
            string.Join(", ", missing.Select(t => t.FullName)));
    }

    [Fact]
    public void TheScanFindsTheMitigatorsAndOnlyThem()
    {
        var components = Fairness.GetExportedTypes().Where(t => t is { IsClass: true, IsAbstract: false } && ContractCoverage.IsComponent(t))
            .OrderBy(t => t.Name, StringComparer.Ordinal).ToArray();
        Assert.Equal(
        [
            typeof(ExponentiatedGradientEstimator), typeof(ExponentiatedGradientRegressionEstimator), typeof(ExponentiatedGradientRegressionTransformer),
            typeof(ExponentiatedGradientTransformer), typeof(ReweighingEstimator),
            typeof(ReweighingTransformer), typeof(ThresholdOptimizerEstimator), typeof(ThresholdOptimizerTransformer),
        ], components);
        // Without the contract classes every one of them would be reported.
        Assert.Equal(components, ContractCoverage.Uncovered([Fairness], typeof(Assert).Assembly, new Dictionary<Type, string>()));
        // The base of the fitted mitigators is abstract, so it is not a component to cover.
        Assert.True(typeof(BuiltInChainTransformer).IsAbstract);
        Assert.DoesNotContain(typeof(BuiltInChainTransformer), components);
    }
}
