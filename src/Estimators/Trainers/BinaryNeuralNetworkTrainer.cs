using Microsoft.ML;

namespace DeepML;

/// <summary>
/// Trains a neural network for binary classification on TorchSharp (CPU or CUDA).
/// </summary>
/// <remarks>
/// <para>Input: a feature column (known-size vector of Single), a Boolean label (or Single 0/1), optionally an
/// example-weight column (Single). Output: Score (Single, the logit), Probability (Single), PredictedLabel (Boolean) — the types ML.NET's evaluators expect.</para>
/// <para>Deterministic on the CPU for a given seed; GPU-capable through <see cref="NeuralNetworkOptions.Device"/>.</para>
/// </remarks>
public sealed class BinaryNeuralNetworkTrainer : NeuralNetworkTrainerBase
{
    internal BinaryNeuralNetworkTrainer(MLContext context, NeuralNetworkOptions options)
        : base(context, options, PredictionKind.BinaryClassification, "BinaryNeuralNetworkTrainer")
    {
    }
}

/// <summary>Adds <c>NeuralNetwork</c> to <c>ml.DeepML().BinaryClassification</c>.</summary>
public static class BinaryNeuralNetworkCatalog
{
    /// <summary>A neural-network trainer for binary classification, configured by <paramref name="options"/>.</summary>
    /// <param name="catalog">The DeepML binary classification catalog.</param>
    /// <param name="options">The trainer's options.</param>
    public static BinaryNeuralNetworkTrainer NeuralNetwork(this DeepMLCatalog.BinaryClassificationCatalog catalog, NeuralNetworkOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new BinaryNeuralNetworkTrainer(catalog.Context, options);
    }

    /// <summary>A neural-network trainer for binary classification with ML.NET's usual parameters.</summary>
    /// <param name="catalog">The DeepML binary classification catalog.</param>
    /// <param name="labelColumnName">The label column.</param>
    /// <param name="featureColumnName">The feature column (known-size vector of Single).</param>
    /// <param name="exampleWeightColumnName">An optional example-weight column.</param>
    /// <param name="hiddenUnits">Units of each hidden layer (default 64, 32).</param>
    /// <param name="epochs">Passes over the data.</param>
    /// <param name="batchSize">Examples per step; null chooses from the row count (see <see cref="NeuralNetworkOptions.BatchSize"/>).</param>
    /// <param name="learningRate">Adam's step size.</param>
    public static BinaryNeuralNetworkTrainer NeuralNetwork(this DeepMLCatalog.BinaryClassificationCatalog catalog,
        string labelColumnName = "Label", string featureColumnName = "Features", string? exampleWeightColumnName = null,
        int[]? hiddenUnits = null, int epochs = 20, int? batchSize = null, double learningRate = 1e-3) =>
        catalog.NeuralNetwork(NeuralNetworkOptions.Simple(labelColumnName, featureColumnName, exampleWeightColumnName, hiddenUnits, epochs, batchSize, learningRate));
}
