using DeepML.Examples;
using Microsoft.ML;
using Microsoft.ML.Trainers.FastTree;

namespace DeepML.Tuning.Tests.Studies;

/// <summary>Studies over real trainers on a slice of UCI Adult: a DeepML network (epochs, pruning) and FastTree (no epochs).</summary>
public sealed class TrainerObjectiveTests
{
    private static readonly Lazy<(IDataView Train, IDataView Valid)> Adult = new(() =>
    {
        var ml = new MLContext(seed: 1);
        var rows = AdultDataset.LoadTrain();
        var train = ml.Data.LoadFromEnumerable(rows.Take(3000));
        var valid = ml.Data.LoadFromEnumerable(rows.Skip(3000).Take(1500));
        var features = AdultDataset.Features(ml).Fit(train);
        return (ml.Data.Cache(features.Transform(train)), ml.Data.Cache(features.Transform(valid)));
    });

    [Fact]
    public void A_pruned_network_trial_stops_training_and_ends_pruned_with_its_last_epoch_metric()
    {
        var ml = new MLContext(seed: 1);
        var (train, valid) = Adult.Value;
        var space = new SearchSpace().AddFloat("learning_rate", 1e-3, 1e-2, log: true);
        var epochsSeen = new List<int>();
        using var study = ml.DeepML().Tuning.CreateStudy(space, new StudyOptions { Direction = StudyDirection.Maximize, MaxTrials = 1, Pruner = new PruneAtStep(2) });
        var result = study.Optimize(
            p => new NeuralNetworkOptions { Network = Networks.Mlp([16]), Epochs = 8, BatchSize = 256, LearningRate = p.Float("learning_rate"), ValidationData = valid, NumberOfThreads = 1 },
            (options, trial) =>
            {
                var trainer = ml.DeepML().BinaryClassification.NeuralNetwork((options with { Progress = new SyncProgress(p => epochsSeen.Add(p.Epoch)) }).ForTrial(trial));
                using var model = trainer.Fit(train);
                return ml.BinaryClassification.Evaluate(model.Transform(valid)).AreaUnderRocCurve;
            });
        var trial = Assert.Single(result.Trials);
        Assert.Equal(TrialState.Pruned, trial.State);
        Assert.Equal([1, 2], epochsSeen);                      // cancelled within the third epoch: no report after step 2
        Assert.Equal([1, 2], trial.IntermediateValues.Select(v => v.Key));
        Assert.Equal(trial.IntermediateValues[^1].Value, trial.Value);
        Assert.InRange(trial.Value!.Value, 0.6, 1.0);          // a validation AUC
    }

    [Fact]
    public void ForTrial_reports_each_epochs_validation_metric_and_keeps_the_options_progress()
    {
        var ml = new MLContext(seed: 1);
        var (train, valid) = Adult.Value;
        var reports = new List<TrainingProgress>();
        using var study = ml.DeepML().Tuning.CreateStudy(new SearchSpace().AddInteger("width", 8, 16, step: 8), new StudyOptions { Direction = StudyDirection.Maximize, MaxTrials = 1 });
        var result = study.Optimize(
            p => new NeuralNetworkOptions { Network = Networks.Mlp([p.Integer("width")]), Epochs = 3, BatchSize = 256, ValidationData = valid, NumberOfThreads = 1, Progress = new SyncProgress(reports.Add) },
            (options, trial) =>
            {
                using var model = ml.DeepML().BinaryClassification.NeuralNetwork(options.ForTrial(trial)).Fit(train);
                return reports[^1].ValidationMetric!.Value;
            });
        var trial = Assert.Single(result.Trials);
        Assert.Equal(TrialState.Complete, trial.State);
        Assert.Equal(reports.Select(r => new KeyValuePair<int, double>(r.Epoch, r.ValidationMetric!.Value)), trial.IntermediateValues);
        Assert.Equal("AUC", reports[0].ValidationMetricName);
    }

    [Fact]
    public void A_fasttree_study_needs_no_epochs_and_its_best_value_is_the_refit_auc()
    {
        var ml = new MLContext(seed: 1);
        var (train, valid) = Adult.Value;
        var space = new SearchSpace().AddInteger("leaves", 4, 32, step: 4).AddFloat("learning_rate", 0.02, 0.3, log: true);
        double Auc(FastTreeBinaryTrainer.Options o) => ml.BinaryClassification.Evaluate(ml.BinaryClassification.Trainers.FastTree(o).Fit(train).Transform(valid)).AreaUnderRocCurve;
        FastTreeBinaryTrainer.Options ToOptions(ParameterSet p) => new() { NumberOfLeaves = p.Integer("leaves"), LearningRate = p.Float("learning_rate"), NumberOfTrees = 30, NumberOfThreads = 1 };
        using var study = ml.DeepML().Tuning.CreateStudy(space, new StudyOptions { Direction = StudyDirection.Maximize, MaxTrials = 4, Sampler = new RandomSampler(), Seed = 5 });
        var result = study.Optimize(ToOptions, (options, _) => Auc(options));
        Assert.Equal(4, result.Count(TrialState.Complete));
        Assert.Equal(result.Trials.Max(t => t.Value), result.Best!.Value);
        Assert.Equal(Auc(ToOptions(result.Best.Parameters)), result.Best.Value!.Value, 12);   // FastTree is deterministic
        Assert.True(result.Trials.Select(t => t.Value).Distinct().Count() > 1, "every configuration gave the same AUC");
        Assert.InRange(result.Best.Value!.Value, 0.85, 0.95);
    }

    private sealed class PruneAtStep(int step) : IPruner
    {
        public bool ShouldPrune(PruningContext context) => context.Trial.LastStep >= step;
    }

    private sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
