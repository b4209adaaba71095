using DeepML.Explainability;
using DeepML.Testing;

namespace DeepML.Transforms.Tests;

/// <summary>Every public estimator and transformer of DeepML.Transforms has a contract test class in this assembly.</summary>
public class ContractCoverageTests
{
    /// <summary>Types whose contract class lives elsewhere, each with its reason. An entry is a debt, not a pass.</summary>
    private static readonly Dictionary<Type, string> Exemptions = new();

    private static readonly System.Reflection.Assembly Transforms = typeof(Attributions).Assembly;

    [Fact]
    public void EveryPublicEstimatorAndTransformerHasAContractTestClass()
    {
        var missing = ContractCoverage.Uncovered([Transforms], typeof(ContractCoverageTests).Assembly, Exemptions);
        Assert.True(missing.Count == 0,
            "Public components of DeepML.Transforms without a contract test class (inherit DeepML.Testing.EstimatorContract<,,,>, or add an exemption with a reason): " +
            string.Join(", ", missing.Select(t => t.FullName)));
    }
}
