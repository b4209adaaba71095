using Microsoft.ML;

namespace DeepML;

/// <summary>Adds magnitude and structured pruning, fine-tuning and the sparsity read-out to <c>ml.DeepML().Compression</c>.</summary>
public static class PruningCatalog
{
    /// <summary>The exact zeros of <paramref name="model"/>'s weights, per tensor and in total (<see cref="SparsityReport"/>).</summary>
    /// <param name="catalog">The DeepML compression catalog.</param>
    /// <param name="model">A fitted DeepML network (<see cref="NetworkScoringTransformer.Model"/>), pruned or not.</param>
    public static SparsityReport Sparsity(this DeepMLCatalog.CompressionCatalog catalog, NetworkModel model)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return SparsityReport.Of(model);
    }

    /// <summary>The exact zeros of a fitted DeepML network's weights (<see cref="SparsityReport"/>).</summary>
    /// <param name="catalog">The DeepML compression catalog.</param>
    /// <param name="fitted">A fitted DeepML network.</param>
    public static SparsityReport Sparsity(this DeepMLCatalog.CompressionCatalog catalog, NetworkScoringTransformer fitted)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(fitted);
        return SparsityReport.Of(fitted.Model);
    }

    /// <summary>
    /// A trainer that fine-tunes <paramref name="fitted"/> with magnitude pruning: the trainer of the model's task (binary,
    /// multiclass or regression), whose network is the fitted one's hidden layers, warm-started from all its weights
    /// (<see cref="TransferLearningOptions.InitialModel"/>), reading its feature column, and pruning on <paramref name="pruning"/>'s schedule.
    /// Fit it on the training data (with the label column of <paramref name="fineTune"/>, "Label" by default).
    /// </summary>
    /// <param name="catalog">The DeepML compression catalog.</param>
    /// <param name="fitted">The fitted DeepML network to prune.</param>
    /// <param name="pruning">The sparsity and schedule. The default schedule (BeginEpoch = EndEpoch = 0) prunes once, before fine-tuning starts.</param>
    /// <param name="fineTune">
    /// The fine-tuning run's options (label and weight columns, epochs, learning rate, validation, checkpoints, frozen layers through
    /// <see cref="NeuralNetworkOptions.Transfer"/>); its <see cref="NeuralNetworkOptions.Network"/>, <see cref="NeuralNetworkOptions.InputShape"/>,
    /// <see cref="NeuralNetworkOptions.FeatureColumnName"/>, <see cref="TransferLearningOptions.InitialModel"/> and
    /// <see cref="NeuralNetworkOptions.Pruning"/> are replaced by the fitted model's and <paramref name="pruning"/>. Null: the trainers' defaults
    /// with <c>Epochs = pruning.EndEpoch + 5</c> (five epochs at the final sparsity). Regression warm-starts its output layer as fitted, so
    /// <see cref="NeuralNetworkOptions.StandardizeLabel"/> is set to false (the fitted layer has the label scale folded in).
    /// </param>
    public static NeuralNetworkTrainerBase MagnitudePruning(this DeepMLCatalog.CompressionCatalog catalog, NetworkScoringTransformer fitted, PruningOptions pruning,
        NeuralNetworkOptions? fineTune = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(fitted);
        ArgumentNullException.ThrowIfNull(pruning);
        return WarmStart(catalog, fitted.Model, fineTune ?? new NeuralNetworkOptions { Epochs = pruning.EndEpoch + 5 }, pruning);
    }

    /// <summary>
    /// Structured pruning: removes whole dense units and convolution filters with the smallest weight norms and rewrites
    /// <paramref name="model"/> into a smaller network (<see cref="StructuredPruning"/>). Score the result with
    /// <c>ml.DeepML().Onnx.LoadNetwork(OnnxExporter.Export(result.Model))</c>, or fine-tune it first with <see cref="FineTune"/>.
    /// </summary>
    /// <param name="catalog">The DeepML compression catalog.</param>
    /// <param name="model">A fitted network (<see cref="NetworkScoringTransformer.Model"/>).</param>
    /// <param name="options">Fraction or per-layer counts; null removes half of every prunable layer's units by L1 norm.</param>
    public static StructuredPruningResult PruneUnits(this DeepMLCatalog.CompressionCatalog catalog, NetworkModel model, StructuredPruningOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return StructuredPruning.Prune(model, options ?? new StructuredPruningOptions());
    }

    /// <summary>
    /// A trainer that continues training <paramref name="model"/> (for example after structured pruning): the trainer of its task, with its
    /// hidden layers as the network, warm-started from all its weights and reading its feature column. Fit it on the training data.
    /// </summary>
    /// <param name="catalog">The DeepML compression catalog.</param>
    /// <param name="model">The network to fine-tune.</param>
    /// <param name="options">The run's options (label column, epochs, learning rate, …); the network, input shape, feature column and
    /// warm start are replaced by the model's. Null: the trainers' defaults with 5 epochs.</param>
    public static NeuralNetworkTrainerBase FineTune(this DeepMLCatalog.CompressionCatalog catalog, NetworkModel model, NeuralNetworkOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(model);
        return WarmStart(catalog, model, options ?? new NeuralNetworkOptions { Epochs = 5 }, options?.Pruning);
    }

    /// <summary>Measures fitted DeepML networks side by side (<see cref="CompressionReport"/>): size, multiply-adds, metric, CPU latency and throughput.</summary>
    /// <param name="catalog">The DeepML compression catalog.</param>
    /// <param name="models">Named models of one task, for example the fitted network and its compressed versions.</param>
    /// <param name="evaluation">Data with the feature and label columns.</param>
    /// <param name="labelColumnName">The label column.</param>
    public static CompressionReport Report(this DeepMLCatalog.CompressionCatalog catalog, IReadOnlyList<(string Name, NetworkScoringTransformer Model)> models,
        IDataView evaluation, string labelColumnName = "Label")
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return CompressionReport.Measure(catalog.Context, models, evaluation, labelColumnName);
    }

    private static NeuralNetworkTrainerBase WarmStart(DeepMLCatalog.CompressionCatalog catalog, NetworkModel model, NeuralNetworkOptions baseline, PruningOptions? pruning)
    {
        var layers = model.Spec.Layers;
        var shape = model.Spec.InputShape!;
        var transfer = baseline.Transfer is { } t ? t with { InitialModel = model, ReplaceHead = false } : new TransferLearningOptions { InitialModel = model };
        var options = baseline with
        {
            Network = new NetworkSpec(layers.Take(layers.Count - 1)), // the trainer appends the output layer again
            InputShape = shape.Rank > 1 ? shape : null,
            FeatureColumnName = model.FeatureColumnName,
            Transfer = transfer,
            Pruning = pruning,
            StandardizeLabel = model.Task != PredictionKind.Regression && baseline.StandardizeLabel,
        };
        return model.Task switch
        {
            PredictionKind.BinaryClassification => new BinaryNeuralNetworkTrainer(catalog.Context, options),
            PredictionKind.MulticlassClassification => new MulticlassNeuralNetworkTrainer(catalog.Context, options),
            _ => new RegressionNeuralNetworkTrainer(catalog.Context, options),
        };
    }
}
