using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML.Examples;

/// <summary>How this invocation runs: data size, epochs, threads, where ONNX files go.</summary>
/// <param name="Full">The full 60,000 / 10,000 set (<c>--full</c>) instead of the repository's 6,000 / 2,000 subset.</param>
/// <param name="Epochs">Epochs per model (<c>--epochs N</c>); null takes each model's default for the data size.</param>
/// <param name="Threads">TorchSharp threads (<c>--threads N</c>); default the machine's cores.</param>
/// <param name="ExportDirectory">Where each exported ONNX model is written (<c>DEEPML_EXPORT_DIR</c>); null writes none.</param>
/// <param name="Device">Where to train (<c>DEEPML_DEVICE</c>: "cpu", "cuda:0"); default "cpu".</param>
public sealed record RunSettings(bool Full, int? Epochs, int Threads, string? ExportDirectory, string Device = "cpu");

/// <summary>
/// One model of the example: a name (the prefix of its <c>name: value</c> lines), its options, and its default epochs on
/// the subset and the full set. <see cref="Run"/> trains it, evaluates it on the test split and prints its lines.
/// </summary>
/// <param name="Name">Line prefix, for example <c>cnn</c> gives <c>cnn_test_accuracy</c>.</param>
/// <param name="Options">The trainer options (network, optimizer, schedule); the run sets columns, shape, epochs and threads.</param>
/// <param name="SubsetEpochs">Epochs on the subset (kept short: tests/Examples runs it).</param>
/// <param name="FullEpochs">Epochs with <c>--full</c>.</param>
public sealed record ModelRun(string Name, NeuralNetworkOptions Options, int SubsetEpochs, int FullEpochs)
{
    /// <summary>How the network reads the 784 pixels: <c>[1, 28, 28]</c> (one grey channel) unless set, e.g. <c>[28, 28]</c>
    /// for a sequence model reading the image as 28 rows (steps) of 28 pixels.</summary>
    public TensorShape Shape { get; init; } = new(1, 28, 28);

    /// <summary>Trains, evaluates, round-trips through ml.Model.Save/Load and a PredictionEngine, prints the figures.</summary>
    public void Run(MLContext ml, IDataView train, IDataView test, RunSettings settings)
    {
        var epochs = settings.Epochs ?? (settings.Full ? FullEpochs : SubsetEpochs);
        var trainer = ml.DeepML().MulticlassClassification.NeuralNetwork(Options with
        {
            FeatureColumnName = "Pixels", InputShape = Shape, Epochs = epochs, NumberOfThreads = settings.Threads, Device = settings.Device,
        });
        var timer = Stopwatch.StartNew();
        using var model = trainer.Fit(train);
        var fitSeconds = timer.Elapsed.TotalSeconds;
        var summary = trainer.LastTraining!;
        var epochSeconds = summary.History[^1].Elapsed.TotalSeconds / summary.EpochsRun;
        var trainRows = train.GetRowCount() ?? 0;
        var spec = model.Model.Spec;
        // Rows seen per epoch (the validation share is split off the training rows) × FLOPs per training example.
        var trainedRows = trainRows * (1 - Options.ValidationFraction);
        var gflops = trainedRows * NetworkFlops.TrainingFlops(spec) / epochSeconds / 1e9;

        var scored = model.Transform(test);
        var metrics = ml.MulticlassClassification.Evaluate(scored);
        Console.WriteLine($"{Name}: {spec}");
        Console.WriteLine(metrics.ConfusionMatrix.GetFormattedConfusionTable());

        var (reloadDiff, engineMismatches) = RoundTrip(ml, model, train.Schema, test, scored);
        if (settings.ExportDirectory is { } dir)
        {
            Directory.CreateDirectory(dir);
            model.SaveOnnx(Path.Combine(dir, $"fashion-mnist-{Name}.onnx"));
        }
        Print($"{Name}_test_accuracy", metrics.MicroAccuracy, "F4");
        Print($"{Name}_epochs", summary.EpochsRun, "N0");
        Print($"{Name}_best_epoch", summary.BestEpoch, "N0");
        Print($"{Name}_epoch_seconds", epochSeconds, "F2");
        Print($"{Name}_fit_seconds", fitSeconds, "F1");
        Print($"{Name}_forward_mflop_per_image", 2.0 * NetworkFlops.ForwardMultiplyAdds(spec) / 1e6, "F2");
        Print($"{Name}_training_gflop_per_second", gflops, "F2");
        Print($"{Name}_weights", spec.WeightShapes().Sum(w => (long)w.Shape.Aggregate(1, (a, b) => a * b)), "N0");
        Print($"{Name}_reload_max_abs_score_diff", reloadDiff, "G3");
        Print($"{Name}_prediction_engine_mismatches", engineMismatches, "N0");
    }

    /// <summary>
    /// Saves the fitted network with ml.Model.Save, loads it in a fresh MLContext, and compares the reloaded scores on the test
    /// split and 100 single-row PredictionEngine calls with the fitted model's scores.
    /// </summary>
    private static (double MaxDiff, int EngineMismatches) RoundTrip(MLContext ml, NetworkScoringTransformer model, DataViewSchema schema, IDataView test, IDataView scored)
    {
        var path = Path.Combine(Path.GetTempPath(), $"deepml-fashion-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, schema, path);
            var loaded = new MLContext(seed: 7).Model.Load(path, out _);
            var expected = scored.GetColumn<float[]>("Score").ToList();
            var again = loaded.Transform(test).GetColumn<float[]>("Score").ToList();
            var diff = expected.Zip(again, (e, a) => e.Zip(a, (x, y) => Math.Abs((double)x - y)).Max()).Max();
            var engine = new MLContext(seed: 8).Model.CreatePredictionEngine<FashionRow, Prediction>(loaded);
            var rows = new MLContext(seed: 9).Data.CreateEnumerable<FashionRow>(test, reuseRowObject: false).Take(100).ToList();
            var mismatches = rows.Select((r, i) => engine.Predict(r).Score.Zip(expected[i], (x, y) => x != y).Any(b => b)).Count(b => b);
            (loaded as IDisposable)?.Dispose();
            return (diff, mismatches);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Prints one <c>name: value</c> line.</summary>
    public static void Print(string name, double value, string format) => Console.WriteLine($"{name}: {value.ToString(format, CultureInfo.InvariantCulture).Replace(",", "", StringComparison.Ordinal)}");

    private sealed class Prediction
    {
        public float[] Score { get; set; } = [];
    }
}
