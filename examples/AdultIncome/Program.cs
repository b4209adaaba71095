// The main job: train a DeepML network on UCI Adult inside an ordinary ML.NET pipeline,
// evaluate it on the official test split with ML.NET's own evaluator, train FastTree on the
// same features in the same run, and print both side by side.
// Environment knobs (defaults in brackets): DEEPML_THREADS libtorch threads [1]; DEEPML_DEVICE training
// device, cpu or cuda:N [cpu]; DEEPML_SCORING_DEVICE ONNX Runtime scoring device [cpu].
using System.Diagnostics;
using System.Globalization;
using DeepML;
using DeepML.Examples;
using Microsoft.ML;
using Microsoft.ML.Data;
using Spectre.Console;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var ml = new MLContext(seed: 1);
var total = Stopwatch.StartNew();

var trainRows = AdultDataset.LoadTrain();
var testRows = AdultDataset.LoadTest();
var train = ml.Data.LoadFromEnumerable(trainRows);
var test = ml.Data.LoadFromEnumerable(testRows);
Console.WriteLine($"UCI Adult: {trainRows.Count} training rows, {testRows.Count} test rows, P(>50K) = {trainRows.Count(r => r.Label) / (double)trainRows.Count:P2} (train).");

// Features: one-hot categoricals, log-scaled capital gain/loss, standardised. Fitted on the training split only.
var featurizer = AdultDataset.Features(ml).Fit(train);
var trainFeatures = ml.Data.Cache(featurizer.Transform(train));
var testFeatures = featurizer.Transform(test);

var options = new NeuralNetworkOptions
{
    Network = Networks.Mlp([128, 64], dropout: 0.2),
    Optimizer = OptimizerKind.AdamW,
    LearningRate = 1e-3,
    WeightDecay = 1e-4,
    Epochs = 30,
    BatchSize = 256,
    ValidationFraction = 0.1,
    EarlyStoppingPatience = 5,
    // One libtorch thread: this network's ops are small, and on 2 cores OpenMP's hand-offs cost more than
    // they save (measured here: 4.4 s vs 36 s of training with a second process busy). DEEPML_THREADS overrides.
    NumberOfThreads = int.TryParse(Environment.GetEnvironmentVariable("DEEPML_THREADS"), out var threads) ? threads : 1,
    Device = Environment.GetEnvironmentVariable("DEEPML_DEVICE") is { Length: > 0 } device ? device : "cpu",
    Scoring = new ScoringOptions { Device = Environment.GetEnvironmentVariable("DEEPML_SCORING_DEVICE") is { Length: > 0 } scoring ? scoring : "cpu" },
};

// DeepML network
var deepTimer = Stopwatch.StartNew();
var (trainer, deepModel) = TrainWithProgress(ml, options, trainFeatures);
using var _ = deepModel;
var trainSeconds = deepTimer.Elapsed.TotalSeconds;
var deep = ml.BinaryClassification.Evaluate(deepModel.Transform(testFeatures));

// FastTree on the same features
var treeTimer = Stopwatch.StartNew();
var tree = ml.BinaryClassification.Trainers.FastTree().Fit(trainFeatures);
var treeSeconds = treeTimer.Elapsed.TotalSeconds;
var fast = ml.BinaryClassification.Evaluate(tree.Transform(testFeatures));

var table = new Table().Title("UCI Adult, official test split (16,281 rows)");
table.AddColumn("metric").AddColumn(new TableColumn("DeepML MLP").RightAligned()).AddColumn(new TableColumn("FastTree").RightAligned());
table.AddRow("AUC", $"{deep.AreaUnderRocCurve:F4}", $"{fast.AreaUnderRocCurve:F4}");
table.AddRow("accuracy", $"{deep.Accuracy:F4}", $"{fast.Accuracy:F4}");
table.AddRow("F1", $"{deep.F1Score:F4}", $"{fast.F1Score:F4}");
table.AddRow("log-loss", $"{deep.LogLoss:F4}", $"{fast.LogLoss:F4}");
table.AddRow("train seconds", $"{trainSeconds:F1}", $"{treeSeconds:F1}");
AnsiConsole.Write(table);
Console.WriteLine($"DeepML: {trainer.LastTraining!.EpochsRun} epochs run, best epoch {trainer.LastTraining.BestEpoch}, trained on {options.Device}, scored on {deepModel.Device}.");

Console.WriteLine($"deepml_auc: {deep.AreaUnderRocCurve:F4}");
Console.WriteLine($"deepml_accuracy: {deep.Accuracy:F4}");
Console.WriteLine($"deepml_f1: {deep.F1Score:F4}");
Console.WriteLine($"fasttree_auc: {fast.AreaUnderRocCurve:F4}");
Console.WriteLine($"fasttree_accuracy: {fast.Accuracy:F4}");
Console.WriteLine($"auc_gap_to_fasttree: {fast.AreaUnderRocCurve - deep.AreaUnderRocCurve:F4}");
Console.WriteLine($"train_seconds: {trainSeconds:F1}");
Console.WriteLine($"total_seconds: {total.Elapsed.TotalSeconds:F1}");

// A live progress bar on a terminal; plain log lines when the output is redirected (CI, files).
static (BinaryNeuralNetworkTrainer, NetworkScoringTransformer) TrainWithProgress(MLContext ml, NeuralNetworkOptions options, IDataView data)
{
    if (Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
    {
        var plain = ml.DeepML().BinaryClassification.NeuralNetwork(options with { Progress = new SyncProgress(p => Console.WriteLine($"[DeepML] {p}")) });
        return (plain, plain.Fit(data));
    }
    BinaryNeuralNetworkTrainer? trainer = null;
    NetworkScoringTransformer? model = null;
    AnsiConsole.Progress()
        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
        .Start(ctx =>
        {
            var task = ctx.AddTask("training", maxValue: options.Epochs);
            trainer = ml.DeepML().BinaryClassification.NeuralNetwork(options with
            {
                Progress = new SyncProgress(p =>
                {
                    task.Description = $"epoch {p.Epoch}/{p.Epochs}  loss {p.TrainingLoss:F4}  val AUC {p.ValidationMetric:F4}  ~{p.EstimatedRemaining.TotalSeconds:F0}s left";
                    task.Value = p.StoppedEarly ? options.Epochs : p.Epoch;
                }),
            });
            model = trainer.Fit(data);
            task.Value = options.Epochs;
        });
    return (trainer!, model!);
}

/// <summary>Reports synchronously on the training thread (Progress&lt;T&gt; would post to the thread pool).</summary>
sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value) => report(value);
}
