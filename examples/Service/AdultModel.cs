using Microsoft.ML;

namespace DeepML.Examples.Service;

/// <summary>How <see cref="AdultModel.Train"/> trains: rows of the training split, epochs, hidden layers, seed.</summary>
public sealed record AdultTraining(int Rows = int.MaxValue, int Epochs = 8, int[]? Hidden = null, int Seed = 1);

/// <summary>Trains the UCI Adult MLP pipeline (features of examples/Shared plus a DeepML network) and saves it as a model zip.</summary>
public static class AdultModel
{
    /// <summary>Trains and writes <paramref name="path"/> atomically (a temporary file renamed over it), so a watching service never reads half a file.</summary>
    public static void Train(string path, AdultTraining training, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(training);
        var ml = new MLContext(seed: training.Seed);
        var rows = AdultDataset.LoadTrain().Take(training.Rows).ToList();
        progress?.Report($"training on {rows.Count} Adult rows, {training.Epochs} epochs");
        var data = ml.Data.LoadFromEnumerable(rows);
        var options = new NeuralNetworkOptions
        {
            Network = Networks.Mlp(training.Hidden ?? [128, 64], dropout: 0.2),
            Optimizer = OptimizerKind.AdamW,
            Epochs = training.Epochs,
            BatchSize = 256,
            NumberOfThreads = 1,
            Seed = training.Seed,
            CancellationToken = cancellationToken,
        };
        using var model = AdultDataset.Features(ml).Append(ml.DeepML().BinaryClassification.NeuralNetwork(options)).Fit(data);
        AtomicFile.Write(Path.GetFullPath(path), stream => ml.Model.Save(model, data.Schema, stream), "Service --train-adult");
        progress?.Report($"saved {path}");
    }
}
