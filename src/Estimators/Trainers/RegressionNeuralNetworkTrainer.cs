using Microsoft.ML;

namespace DeepML;

/// <summary>
/// Trains a neural network for regression on TorchSharp (CPU or CUDA).
/// </summary>
/// <remarks>
/// <para>Input: a feature column (known-size vector of Single), a Single label, optionally an
/// example-weight column (Single). Output: Score (Single) — the types ML.NET's evaluators expect.</para>
/// <para>Deterministic on the CPU for a given seed; GPU-capable through <see cref="NeuralNetworkOptions.Device"/>.</para>
/// </remarks>
public sealed class RegressionNeuralNetworkTrainer : NeuralNetworkTrainerBase
{
    internal RegressionNeuralNetworkTrainer(MLContext context, NeuralNetworkOptions options)
        : base(context, options, PredictionKind.Regression, "RegressionNeuralNetworkTrainer")
    {
    }
}

/// <summary>Adds <c>NeuralNetwork</c> to <c>ml.DeepML().Regression</c>.</summary>
public static class RegressionNeuralNetworkCatalog
{
    /// <summary>A neural-network trainer for regression, configured by <paramref name="options"/>.</summary>
    /// <param name="catalog">The DeepML regression catalog.</param>
    /// <param name="options">The trainer's options.</param>
    public static RegressionNeuralNetworkTrainer NeuralNetwork(this DeepMLCatalog.RegressionCatalog catalog, NeuralNetworkOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new RegressionNeuralNetworkTrainer(catalog.Context, options);
    }

    /// <summary>A neural-network trainer for regression with ML.NET's usual parameters.</summary>
    /// <param name="catalog">The DeepML regression catalog.</param>
    /// <param name="labelColumnName">The label column.</param>
    /// <param name="featureColumnName">The feature column (known-size vector of Single).</param>
    /// <param name="exampleWeightColumnName">An optional example-weight column.</param>
    /// <param name="hiddenUnits">Units of each hidden layer (default 64, 32).</param>
    /// <param name="epochs">Passes over the data.</param>
    /// <param name="batchSize">Examples per step; null chooses from the row count (see <see cref="NeuralNetworkOptions.BatchSize"/>).</param>
    /// <param name="learningRate">Adam's step size.</param>
    public static RegressionNeuralNetworkTrainer NeuralNetwork(this DeepMLCatalog.RegressionCatalog catalog,
        string labelColumnName = "Label", string featureColumnName = "Features", string? exampleWeightColumnName = null,
        int[]? hiddenUnits = null, int epochs = 20, int? batchSize = null, double learningRate = 1e-3) =>
        catalog.NeuralNetwork(NeuralNetworkOptions.Simple(labelColumnName, featureColumnName, exampleWeightColumnName, hiddenUnits, epochs, batchSize, learningRate));
}
