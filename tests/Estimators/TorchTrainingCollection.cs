using Xunit;

namespace DeepML.Estimators.Tests;

/// <summary>
/// Tests that fit networks share TorchSharp's process-wide generator (Fit seeds it; dropout and
/// initialisation draw from it), so two fits on parallel test threads change each other's draws
/// (seen as CheckpointTests' bit-exact resume failing 2 runs in 8 beside the adversarial-debiasing
/// tests). Every fitting test class joins this collection, so they run one after another.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchTrainingCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Torch training (global generator)";
}
