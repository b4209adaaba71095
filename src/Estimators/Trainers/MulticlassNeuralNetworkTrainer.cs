using Microsoft.ML;

namespace DeepML;

/// <summary>
/// Trains a neural network for multiclass classification on TorchSharp (CPU or CUDA).
/// </summary>
/// <remarks>
/// <para>Input: a feature column (known-size vector of Single), a key label (MapValueToKey), optionally an
/// example-weight column (Single). Output: Score (vector of Single: class probabilities in key order), PredictedLabel (key with the label's key values) — the types ML.NET's evaluators expect.</para>
/// <para>Deterministic on the CPU for a given seed; GPU-capable through <see cref="NeuralNetworkOptions.Device"/>.</para>
/// </remarks>
public sealed class MulticlassNeuralNetworkTrainer : NeuralNetworkTrainerBase
{
    internal MulticlassNeuralNetworkTrainer(MLContext context, NeuralNetworkOptions options)
        : base(context, options, PredictionKind.MulticlassClassification, "MulticlassNeuralNetworkTrainer")
    {
    }
}

/// <summary>Adds <c>NeuralNetwork</c> to <c>ml.DeepML().MulticlassClassification</c>.</summary>
public static class MulticlassNeuralNetworkCatalog
{
    /// <summary>A neural-network trainer for multiclass classification, configured by <paramref name="options"/>.</summary>
    /// <param name="catalog">The DeepML multiclass classification catalog.</param>
    /// <param name="options">The trainer's options.</param>
    public static MulticlassNeuralNetworkTrainer NeuralNetwork(this DeepMLCatalog.MulticlassClassificationCatalog catalog, NeuralNetworkOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new MulticlassNeuralNetworkTrainer(catalog.Context, options);
    }

    /// <summary>A neural-network trainer for multiclass classification with ML.NET's usual parameters.</summary>
    /// <param name="catalog">The DeepML multiclass classification catalog.</param>
    /// <param name="labelColumnName">The label column.</param>
    /// <param name="featureColumnName">The feature column (known-size vector of Single).</param>
    /// <param name="exampleWeightColumnName">An optional example-weight column.</param>
    /// <param name="hiddenUnits">Units of each hidden layer (default 64, 32).</param>
    /// <param name="epochs">Passes over the data.</param>
    /// <param name="batchSize">Examples per step; null chooses from the row count (see <see cref="NeuralNetworkOptions.BatchSize"/>).</param>
    /// <param name="learningRate">Adam's step size.</param>
    public static MulticlassNeuralNetworkTrainer NeuralNetwork(this DeepMLCatalog.MulticlassClassificationCatalog catalog,
        string labelColumnName = "Label", string featureColumnName = "Features", string? exampleWeightColumnName = null,
        int[]? hiddenUnits = null, int epochs = 20, int? batchSize = null, double learningRate = 1e-3) =>
        catalog.NeuralNetwork(NeuralNetworkOptions.Simple(labelColumnName, featureColumnName, exampleWeightColumnName, hiddenUnits, epochs, batchSize, learningRate));
}
