using DeepML.Estimators.Tests.Trainers;
using Microsoft.ML;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace DeepML.Estimators.Tests.Compression.Pruning;

/// <summary>
/// Magnitude pruning in real runs on German Credit (1,000 rows, 7 features): one-shot fine-tuning of a fitted model through the
/// catalog (per layer and global) prunes exactly ⌊s·n⌋ of the smallest |w| of the fitted weights (checked against an independent
/// sort) and keeps them 0 while the rest trains on; the gradual schedule holds its closed-form counts after every step of a run,
/// and early stopping keeps no epoch before the schedule's end; every task's trainer comes out of the catalog.
/// </summary>
[Collection(TorchTrainingCollection.Name)]
public sealed class PruningTrainingTests
{
    public PruningTrainingTests() => TorchRuntime.EnsureLoaded();

    /// <summary>7 → Dense(32) → Relu → Dense(16) → Relu → Dense(1): prunable 0.weight [32, 7], 2.weight [16, 32], 4.weight [1, 16].</summary>
    internal static NeuralNetworkOptions Small(int epochs) => new()
    {
        Network = Networks.Mlp([32, 16]),
        Epochs = epochs,
        BatchSize = 64,
        LearningRate = 1e-2,
        Seed = 3,
        NumberOfThreads = 1,
        ValidationFraction = 0,
    };

    internal static readonly string[] Prunable = ["0.weight", "2.weight", "4.weight"];

    /// <summary>The flat indices of the <paramref name="k"/> smallest |w| (ties: lower index), by LINQ's stable sort.</summary>
    private static int[] SmallestIndices(float[] w, long k) =>
        w.Select((v, i) => (Abs: Math.Abs(v), i)).OrderBy(p => p.Abs).ThenBy(p => p.i).Take((int)k).Select(p => p.i).Order().ToArray();

    private static int[] ZeroIndices(float[] w) => w.Select((v, i) => (v, i)).Where(p => p.v == 0).Select(p => p.i).ToArray();

    [Fact]
    public void One_shot_per_layer_pruning_zeroes_floor_s_n_of_the_smallest_fitted_weights_of_each_tensor_and_they_stay_zero()
    {
        var ml = new MLContext(seed: 1);
        var data = TestData.CreditView(ml);
        using var start = ml.DeepML().BinaryClassification.NeuralNetwork(Small(8)).Fit(data);
        Assert.Equal(0, ml.DeepML().Compression.Sparsity(start).Zeros);

        var trainer = ml.DeepML().Compression.MagnitudePruning(start, new PruningOptions { FinalSparsity = 0.7 }, Small(3));
        Assert.IsType<BinaryNeuralNetworkTrainer>(trainer);
        using var pruned = trainer.Fit(data);

        var report = ml.DeepML().Compression.Sparsity(pruned.Model);
        foreach (var name in Prunable)
        {
            var before = start.Model.Weights[name].Data;
            var after = pruned.Model.Weights[name].Data;
            var k = (long)Math.Floor(0.7 * before.Length); // 156 of 224, 358 of 512, 11 of 16
            Assert.Equal(SmallestIndices(before, k), ZeroIndices(after)); // exactly the smallest |w| of the fitted model, nothing else
            Assert.Equal(k, report[name].Zeros);
            Assert.True(report[name].Prunable);
            var kept = Enumerable.Range(0, after.Length).Where(i => after[i] != 0).ToArray();
            // Training went on (units that ReLU silences get no gradient, so not every kept weight moves) while the pruned ones stayed 0.
            Assert.True(kept.Count(i => after[i] != before[i]) > 0, $"{name}: no kept weight changed in 3 epochs of fine-tuning.");
        }
        Assert.Equal(156 + 358 + 11, report.PrunableZeros);
        Assert.Equal(0, report.Zeros - report.PrunableZeros); // biases are not pruned
        Assert.All(report.Tensors.Where(t => !t.Prunable), t => Assert.EndsWith("bias", t.Name));
        Assert.Equal((156 + 358 + 11) / (double)(224 + 512 + 16), report.PrunableFraction, 15);
    }

    [Fact]
    public void Global_pruning_zeroes_floor_s_N_of_the_smallest_weights_over_all_tensors()
    {
        var ml = new MLContext(seed: 1);
        var data = TestData.CreditView(ml);
        using var start = ml.DeepML().BinaryClassification.NeuralNetwork(Small(8)).Fit(data);
        using var pruned = ml.DeepML().Compression.MagnitudePruning(start, new PruningOptions { FinalSparsity = 0.7, Scope = PruningScope.Global }, Small(2)).Fit(data);

        // The independent sort over the concatenation, in spec order: (|w|, tensor, index).
        var all = Prunable.SelectMany((name, t) => start.Model.Weights[name].Data.Select((v, i) => (Abs: Math.Abs(v), t, i)))
            .OrderBy(p => p.Abs).ThenBy(p => p.t).ThenBy(p => p.i).Take((int)Math.Floor(0.7 * 752)).ToArray(); // ⌊526.4⌋ = 526
        var report = ml.DeepML().Compression.Sparsity(pruned);
        Assert.Equal(526, report.PrunableZeros);
        for (var t = 0; t < Prunable.Length; t++)
            Assert.Equal(all.Where(p => p.t == t).Select(p => p.i).Order(), ZeroIndices(pruned.Model.Weights[Prunable[t]].Data));
        Assert.True(Prunable.Select(n => report[n].Fraction).Distinct().Count() > 1, "one global threshold should prune the layers unevenly: " + report);
    }

    /// <summary>Counts the exact zeros of every prunable weight after every optimizer step (registered after the pruning add-on).</summary>
    private sealed class ZeroCounter(Sequential network) : ITrainingExtension
    {
        private readonly Dictionary<string, Parameter> _parameters = network.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        public List<(int Epoch, long[] Zeros, string FirstLayerZeros)> Steps { get; } = [];
        public string Name => "ZeroCounter";

        public void AfterStep(TrainingStep step)
        {
            var zeros = new long[Prunable.Length];
            var first = "";
            for (var i = 0; i < Prunable.Length; i++)
            {
                using var cpu = _parameters[Prunable[i]].detach().cpu();
                var values = cpu.data<float>().ToArray();
                zeros[i] = values.LongCount(v => v == 0);
                if (i == 0)
                    first = string.Join(",", ZeroIndices(values));
            }
            Steps.Add((step.Epoch, zeros, first));
        }

        public void Dispose() { }
    }

    [Fact]
    public void The_gradual_schedule_holds_its_closed_form_counts_after_every_step_and_early_stopping_keeps_no_epoch_before_its_end()
    {
        var ml = new MLContext(seed: 1);
        var pruning = new PruningOptions { FinalSparsity = 0.75, InitialSparsity = 0.1, BeginEpoch = 1, EndEpoch = 4 };
        var options = Small(7) with { ValidationFraction = 0.2, EarlyStoppingPatience = 1, Pruning = pruning };
        var trainer = ml.DeepML().BinaryClassification.NeuralNetwork(options);
        ZeroCounter? counter = null;
        trainer.AdditionalExtensions = (network, _) => [counter = new ZeroCounter(network)];
        using var model = trainer.Fit(TestData.CreditView(ml));

        int[] sizes = [224, 512, 16];
        Assert.NotEmpty(counter!.Steps);
        foreach (var (epoch, zeros, _) in counter.Steps)
        {
            // During epoch e the masks of the update after epoch e − 1 hold: s = 0.75 + (0.1 − 0.75)(1 − (e − 2)/3)³ from e = 2 to 5.
            var s = epoch == 1 ? 0 : epoch >= 5 ? 0.75 : 0.75 + (0.1 - 0.75) * Math.Pow(1 - (epoch - 2) / 3.0, 3);
            Assert.Equal(pruning.SparsityAt(epoch - 1), s, 14);
            Assert.Equal(sizes.Select(n => (long)Math.Floor(s * n)), zeros);
        }
        // Within an epoch the masks are fixed: the same positions are 0 after every step.
        foreach (var epoch in counter.Steps.GroupBy(c => c.Epoch))
            Assert.Single(epoch.Select(c => c.FirstLayerZeros).Distinct());
        Assert.Equal([0L, 22, 124], counter.Steps.Select(c => c.Zeros[0]).Distinct().Take(3)); // by hand: ⌊0.1·224⌋, ⌊(0.75 − 0.65·8/27)·224⌋ = ⌊124.86⌋

        var summary = trainer.LastTraining!;
        Assert.True(summary.BestEpoch >= 4, $"best epoch {summary.BestEpoch} is before the schedule's end");
        Assert.True(summary.EpochsRun >= 5, $"early stopping stopped at epoch {summary.EpochsRun}, during the schedule");
        var report = ml.DeepML().Compression.Sparsity(model);
        Assert.Equal(sizes.Select(n => (long)Math.Floor(0.75 * n)), Prunable.Select(n => report[n].Zeros));
    }

    [Fact]
    public void The_package_readme_example_prunes_the_network_at_the_end_of_a_fitted_pipeline()
    {
        var ml = new MLContext(seed: 1);
        var train = TestData.CreditView(ml);
        var model = ml.Transforms.NormalizeMinMax("Features").Append(ml.DeepML().BinaryClassification.NeuralNetwork(Small(4))).Fit(train);
        var featurize = ml.Transforms.NormalizeMinMax("Features").Fit(train);

        NetworkScoringTransformer fitted = model.LastTransformer;
        var trainer = ml.DeepML().Compression.MagnitudePruning(fitted, new PruningOptions { FinalSparsity = 0.8 });
        using var pruned = trainer.Fit(featurize.Transform(train));
        var report = ml.DeepML().Compression.Sparsity(pruned);

        Assert.Equal(5, trainer.LastTraining!.EpochsRun);
        Assert.Equal((long)Math.Floor(0.8 * 224) + (long)Math.Floor(0.8 * 512) + (long)Math.Floor(0.8 * 16), report.PrunableZeros);
        var before = ml.BinaryClassification.Evaluate(model.Transform(train)).AreaUnderRocCurve;
        var after = ml.BinaryClassification.Evaluate(featurize.Append(pruned).Transform(train)).AreaUnderRocCurve;
        Assert.True(after > before - 0.05, $"AUC {before:F3} before, {after:F3} after pruning 80 % and fine-tuning 5 epochs");
        fitted.Dispose();
    }

    [Fact]
    public void The_catalog_fine_tunes_multiclass_and_regression_models_with_their_own_trainers()
    {
        var ml = new MLContext(seed: 1);
        var iris = TestData.IrisView(ml);
        using var classes = ml.DeepML().MulticlassClassification.NeuralNetwork(Small(5) with { Network = Networks.Mlp([16]) }).Fit(iris);
        var multiclass = ml.DeepML().Compression.MagnitudePruning(classes, new PruningOptions { FinalSparsity = 0.5 }, Small(2));
        Assert.IsType<MulticlassNeuralNetworkTrainer>(multiclass);
        using var prunedClasses = multiclass.Fit(iris);
        Assert.Equal([32L, 24], new[] { "0.weight", "2.weight" }.Select(n => ml.DeepML().Compression.Sparsity(prunedClasses)[n].Zeros)); // ⌊0.5·64⌋, ⌊0.5·48⌋

        var diabetes = TestData.DiabetesView(ml);
        using var values = ml.DeepML().Regression.NeuralNetwork(Small(5) with { Network = Networks.Mlp([16]) }).Fit(diabetes);
        var regression = ml.DeepML().Compression.MagnitudePruning(values, new PruningOptions { FinalSparsity = 0.5 });
        Assert.IsType<RegressionNeuralNetworkTrainer>(regression);
        Assert.False(regression.Options.StandardizeLabel); // the fitted head has the label scale folded in
        Assert.Equal(5, regression.Options.Epochs);         // EndEpoch 0 + five epochs at the final sparsity
        using var prunedValues = regression.Fit(diabetes);
        Assert.Equal([80L, 8], new[] { "0.weight", "2.weight" }.Select(n => ml.DeepML().Compression.Sparsity(prunedValues)[n].Zeros)); // ⌊0.5·160⌋, ⌊0.5·16⌋
        var before = ml.Regression.Evaluate(values.Transform(diabetes)).RSquared;
        var after = ml.Regression.Evaluate(prunedValues.Transform(diabetes)).RSquared;
        Assert.True(after > before - 0.1, $"R² {before:F3} before pruning, {after:F3} after: half the weights pruned and fine-tuned should fit about as well.");
    }
}
