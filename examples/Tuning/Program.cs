// Tunes a DeepML MLP on UCI Adult with TPE and ASHA within a time budget, against a validation split of the
// training file; refits the best configuration and evaluates it on the official test split. Then measures ASHA
// itself: the same random configurations (same seed, a trial budget) run once with ASHA and once to the end, and
// the two best trials and the epochs they cost are compared. Ends with `name: value` lines.
// Options: --minutes M (tuning budget, default 10), --epochs E (per trial, default 12), --compare-trials N (default 16),
// --storage PATH (SQLite file; default a temporary one). Environment DEEPML_TUNING_MINUTES, _EPOCHS, _COMPARE_TRIALS
// give the same settings (the example test uses them).
using System.Diagnostics;
using System.Globalization;
using DeepML;
using DeepML.Examples;
using DeepML.Tuning;
using Microsoft.ML;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var minutes = Setting("--minutes", "DEEPML_TUNING_MINUTES", 10.0);
var epochs = (int)Setting("--epochs", "DEEPML_TUNING_EPOCHS", 12);
var compareTrials = (int)Setting("--compare-trials", "DEEPML_TUNING_COMPARE_TRIALS", 16);
var storagePath = Arg("--storage");
var total = Stopwatch.StartNew();

var ml = new MLContext(seed: 1);
var split = ml.Data.TrainTestSplit(ml.Data.LoadFromEnumerable(AdultDataset.LoadTrain()), testFraction: 0.2, seed: 1);
var featurizer = AdultDataset.Features(ml).Fit(split.TrainSet);
var train = ml.Data.Cache(featurizer.Transform(split.TrainSet));
var valid = ml.Data.Cache(featurizer.Transform(split.TestSet));
var test = featurizer.Transform(ml.Data.LoadFromEnumerable(AdultDataset.LoadTest()));

var space = new SearchSpace()
    .AddFloat("learning_rate", 3e-4, 3e-2, log: true)
    .AddInteger("layers", 1, 3)
    .AddInteger("width", 64, 512, step: 64)
    .AddFloat("dropout", 0.0, 0.5)
    .AddFloat("weight_decay", 1e-6, 1e-2, log: true)
    .AddCategorical("batch_size", ["128", "256", "512"])
    .AddCategorical("optimizer", ["adamw", "sgd"])
    .AddFloat("momentum", 0.8, 0.99, condition: ParameterCondition.When("optimizer", "sgd"));

NeuralNetworkOptions ToOptions(ParameterSet p) => new()
{
    Network = Networks.Mlp([.. Enumerable.Repeat(p.Integer("width"), p.Integer("layers"))], dropout: p.Float("dropout")),
    LearningRate = p.Float("learning_rate"),
    WeightDecay = p.Float("weight_decay"),
    BatchSize = int.Parse(p.Categorical("batch_size"), CultureInfo.InvariantCulture),
    Optimizer = p.Categorical("optimizer") == "sgd" ? OptimizerKind.Sgd : OptimizerKind.AdamW,
    Momentum = p.Float("momentum", whenInactive: 0.9),
    Epochs = epochs,
    ValidationData = valid,   // per-epoch validation AUC drives the pruner; the best epoch's weights are kept
    NumberOfThreads = 1,      // 2 shared cores: one libtorch thread per trial (see examples/AdultIncome)
    Seed = 1,
};

// The objective: train with the trial wired in (each epoch's validation AUC reported, cancelled when pruned),
// return the validation AUC of the kept weights, by ML.NET's evaluator.
double ValidationAuc(NeuralNetworkOptions options, Trial trial)
{
    using var model = ml.DeepML().BinaryClassification.NeuralNetwork(options.ForTrial(trial)).Fit(train);
    return ml.BinaryClassification.Evaluate(model.Transform(valid)).AreaUnderRocCurve;
}

var log = new Progress(t => Console.WriteLine($"[tuning] {t.ToString()[..Math.Min(t.ToString().Length, 160)]} ({t.IntermediateValues.Count} epochs, {t.Duration?.TotalSeconds:F1} s)"));

// 1. The study: TPE + ASHA within the time budget.
using var storage = storagePath is null ? null : ml.DeepML().Tuning.SqliteStorage(storagePath);
using var study = ml.DeepML().Tuning.CreateStudy(space, new StudyOptions
{
    Name = "adult-mlp", Direction = StudyDirection.Maximize, Seed = 1, Storage = storage,
    Sampler = new TpeSampler(), Pruner = new SuccessiveHalvingPruner(minResource: 1, reductionFactor: 3),
    TimeBudget = TimeSpan.FromMinutes(minutes),
});
var tuneTimer = Stopwatch.StartNew();
var result = study.Optimize(ToOptions, ValidationAuc, log);
var tuneSeconds = tuneTimer.Elapsed.TotalSeconds;
var best = result.Best ?? throw new InvalidOperationException("No trial completed within the budget; give more --minutes.");
Console.WriteLine($"best trial {best.Number}: validation AUC {best.Value:F4} [{best.Parameters}]");

// 2. Refit the best configuration and evaluate it on the official test split.
using var refit = ml.DeepML().BinaryClassification.NeuralNetwork(ToOptions(best.Parameters)).Fit(train);
var testMetrics = ml.BinaryClassification.Evaluate(refit.Transform(test));

// 3. ASHA against no early stopping: the same configurations (random sampler, same seed, a trial budget).
StudyResult Compare(IPruner? pruner, string name)
{
    using var compare = ml.DeepML().Tuning.CreateStudy(space, new StudyOptions
    {
        Name = name, Direction = StudyDirection.Maximize, Seed = 2, Sampler = new RandomSampler(), Pruner = pruner, MaxTrials = compareTrials, Storage = storage,
    });
    return compare.Optimize(ToOptions, ValidationAuc, log);
}
var asha = Compare(new SuccessiveHalvingPruner(minResource: 1, reductionFactor: 3), "compare-asha");
var full = Compare(null, "compare-full");
var sameBest = asha.Best is not null && full.Best is not null && asha.Best.Number == full.Best.Number;
Console.WriteLine($"ASHA best trial {asha.Best?.Number} ({asha.Best?.Value:F4}), {asha.TotalSteps} epochs; without early stopping best trial {full.Best?.Number} ({full.Best?.Value:F4}), {full.TotalSteps} epochs.");

Console.WriteLine($"best_test_auc: {testMetrics.AreaUnderRocCurve:F4}");
Console.WriteLine($"best_test_accuracy: {testMetrics.Accuracy:F4}");
Console.WriteLine($"best_validation_auc: {best.Value:F4}");
Console.WriteLine($"trials_completed: {result.Count(TrialState.Complete)}");
Console.WriteLine($"trials_pruned: {result.Count(TrialState.Pruned)}");
Console.WriteLine($"trials_failed: {result.Count(TrialState.Failed)}");
Console.WriteLine($"tuning_epochs: {result.TotalSteps}");
Console.WriteLine($"tuning_seconds: {tuneSeconds:F1}");
Console.WriteLine($"asha_epochs_fraction: {asha.TotalSteps / (double)full.TotalSteps:F4}");
Console.WriteLine($"asha_same_best_trial: {(sameBest ? "true" : "false")}");
Console.WriteLine($"asha_best_validation_auc: {asha.Best?.Value ?? double.NaN:F4}");
Console.WriteLine($"full_best_validation_auc: {full.Best?.Value ?? double.NaN:F4}");
Console.WriteLine($"compare_trials: {compareTrials}");
Console.WriteLine($"epochs_per_trial: {epochs}");
Console.WriteLine($"budget_minutes: {minutes:G}");
Console.WriteLine($"total_seconds: {total.Elapsed.TotalSeconds:F1}");

double Setting(string flag, string variable, double fallback) =>
    Arg(flag) is { } a ? double.Parse(a, CultureInfo.InvariantCulture)
    : Environment.GetEnvironmentVariable(variable) is { Length: > 0 } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

string? Arg(string flag)
{
    var i = Array.IndexOf(args, flag);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

/// <summary>Reports synchronously on the worker thread (Progress&lt;T&gt; would post to the thread pool).</summary>
sealed class Progress(Action<TrialRecord> report) : IProgress<TrialRecord>
{
    public void Report(TrialRecord value) => report(value);
}
