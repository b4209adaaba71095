using System.Reflection;
using DeepML.Estimators.Tests.Trainers;
using DeepML.Testing;
using Xunit;

namespace DeepML.Estimators.Tests;

/// <summary>Every public estimator and transformer of the DeepML assemblies this project references has a contract test class.</summary>
public class ContractCoverageTests
{
    /// <summary>
    /// Types whose contract class lives elsewhere or that are not components of their own, each with
    /// its reason. Keep this short; an entry is a debt, not a pass.
    /// </summary>
    private static readonly Dictionary<Type, string> Exemptions = new();

    /// <summary>
    /// The DeepML assemblies referenced (directly or through DeepML.Estimators) by this test project,
    /// except DeepML.Fairness and DeepML.Transforms: each test project checks the source project it mirrors, and
    /// tests/Fairness and tests/Transforms run the same meta-test over theirs with their own contract classes.
    /// </summary>
    private static Assembly[] ComponentAssemblies() =>
        // The compiler drops references to assemblies whose types are unused (Fairness, Transforms have
        // none yet), so GetReferencedAssemblies misses them: take the DeepML assemblies that the build
        // copied next to this test assembly instead, i.e. every DeepML project this one references.
        Directory.GetFiles(AppContext.BaseDirectory, "DeepML.*.dll")
            .Select(Path.GetFileNameWithoutExtension)
            .Where(n => n is not null && n != "DeepML.Testing" && n != "DeepML.Fairness" && n != "DeepML.Transforms" && !n.EndsWith(".Tests", StringComparison.Ordinal))
            .Select(n => Assembly.Load(n!))
            .ToArray();

    [Fact]
    public void EveryPublicEstimatorAndTransformerHasAContractTestClass()
    {
        var assemblies = ComponentAssemblies();
        Assert.Contains(assemblies, a => a.GetName().Name == "DeepML.Core");
        Assert.Contains(assemblies, a => a.GetName().Name == "DeepML.Estimators");
        var missing = ContractCoverage.Uncovered(assemblies, typeof(ContractCoverageTests).Assembly, Exemptions);
        Assert.True(missing.Count == 0,
            "Public components without a contract test class (inherit DeepML.Testing.EstimatorContract<,,,>, or add an exemption with a reason): " +
            string.Join(", ", missing.Select(t => t.FullName)));
    }

    [Fact]
    public void TheScanFindsTheTrainersAndTheirTransformer()
    {
        var components = ComponentAssemblies().SelectMany(a => a.GetExportedTypes()).Where(t => !t.IsAbstract && ContractCoverage.IsComponent(t)).ToArray();
        Assert.Contains(typeof(BinaryNeuralNetworkTrainer), components);
        Assert.Contains(typeof(MulticlassNeuralNetworkTrainer), components);
        Assert.Contains(typeof(RegressionNeuralNetworkTrainer), components);
        Assert.Contains(typeof(NetworkScoringTransformer), components);
        // Without the contract classes these would be reported.
        var none = ContractCoverage.Uncovered(ComponentAssemblies(), typeof(Assert).Assembly, new Dictionary<Type, string>());
        Assert.Contains(typeof(BinaryNeuralNetworkTrainer), none);
        Assert.Contains(typeof(NetworkScoringTransformer), none);
        Assert.Throws<ArgumentException>(() => ContractCoverage.Uncovered([], typeof(Assert).Assembly, new Dictionary<Type, string> { [typeof(BinaryNeuralNetworkTrainerContractTests)] = " " }));
    }
}
