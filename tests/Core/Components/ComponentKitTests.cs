using System.Reflection;
using System.Runtime.CompilerServices;
using Xunit;

namespace DeepML.Core.Tests.Components;

/// <summary>The component kit is public (its XML docs are enforced by the build: CS1591 is an error); Core's internals are open to test projects only.</summary>
public sealed class ComponentKitTests
{
    private static readonly Assembly Core = typeof(ColumnChecks).Assembly;

    [Fact]
    public void TheKitTypesArePublic()
    {
        foreach (var type in new[] { typeof(ColumnChecks), typeof(SchemaShapes), typeof(ScoringHead), typeof(AtomicFile), typeof(IBatchPredictor), typeof(OrtBatchPredictor) })
            Assert.True(type.IsPublic, $"{type.Name} is part of the component kit and must be public.");
        var constructor = typeof(NetworkScoringTransformer).GetConstructor(
            [typeof(Microsoft.ML.Runtime.IHostEnvironment), typeof(NetworkModel), typeof(IBatchPredictor), typeof(int)]);
        Assert.True(constructor is { IsPublic: true }, "NetworkScoringTransformer(env, model, predictor, batchSize) is how a trainer returns its network; it must be public.");
    }

    [Fact]
    public void CoreGrantsInternalsToTestProjectsOnly()
    {
        var friends = Core.GetCustomAttributes<InternalsVisibleToAttribute>().Select(a => a.AssemblyName).Order().ToArray();
        Assert.Equal(["DeepML.Core.Tests", "DeepML.Estimators.Tests"], friends);
    }
}
