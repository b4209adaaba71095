using Xunit;

namespace DeepML.Estimators.Tests.Fairness;

/// <summary>
/// Tests that fit networks share TorchSharp's process-wide generator (Fit seeds it; dropout draws from
/// it), so they must not run beside other fitting tests (e.g. CheckpointTests' bit-exact resume):
/// this collection runs alone, its tests one after another.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchTrainingCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Torch training (global generator)";
}
