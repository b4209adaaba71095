using DeepML.Estimators.Tests.Trainers;
using Microsoft.ML;
using Xunit;

namespace DeepML.Estimators.Tests.Compression.Pruning;

/// <summary>
/// Pruning across a checkpoint: a run interrupted in the middle of its schedule and resumed ends bit-identical to an
/// uninterrupted one (masks and schedule state in the checkpoint); resuming with other pruning options, or without, is refused.
/// </summary>
[Collection(TorchTrainingCollection.Name)]
public sealed class PruningCheckpointTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("deepml-prune-").FullName;

    public PruningCheckpointTests() => TorchRuntime.EnsureLoaded();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>The schedule updates after epochs 1 to 4; the interruption comes after epoch 3, between two updates.</summary>
    private static NeuralNetworkOptions Options() => new()
    {
        Network = Networks.Mlp([16, 8], dropout: 0.2, batchNorm: true),
        Optimizer = OptimizerKind.AdamW,
        WeightDecay = 1e-3,
        Epochs = 6,
        BatchSize = 64,
        ValidationFraction = 0.2,
        Seed = 11,
        NumberOfThreads = 1,
        Pruning = new PruningOptions { FinalSparsity = 0.6, InitialSparsity = 0.2, BeginEpoch = 1, EndEpoch = 4, Scope = PruningScope.Global },
    };

    private static float[] AllWeights(NetworkScoringTransformer model) =>
        model.Model.Weights.Arrays.OrderBy(kv => kv.Key, StringComparer.Ordinal).SelectMany(kv => kv.Value.Data).ToArray();

    private static void Interrupt(MLContext ml, IDataView data, NeuralNetworkOptions options, string checkpoint)
    {
        using var cancel = new CancellationTokenSource();
        var interrupted = ml.DeepML().BinaryClassification.NeuralNetwork(options with
        {
            CheckpointPath = checkpoint,
            CancellationToken = cancel.Token,
            Progress = new Inline(p => { if (p.Epoch == 3) cancel.Cancel(); }),
        });
        Assert.ThrowsAny<OperationCanceledException>(() => interrupted.Fit(data));
    }

    [Fact]
    public void A_run_resumed_mid_schedule_ends_bit_identical_to_an_uninterrupted_one()
    {
        var ml = new MLContext(seed: 1);
        var data = TestData.CreditView(ml);
        using var uninterrupted = ml.DeepML().BinaryClassification.NeuralNetwork(Options()).Fit(data);

        var partial = Path.Combine(_folder, "partial.ckpt");
        Interrupt(ml, data, Options(), partial);
        var state = CheckpointFile.Load(partial);
        try
        {
            Assert.Equal(3, state.Epoch);
            Assert.Contains(PruningStep.PartName, state.Extensions.Keys);
            var prunable = PrunableWeights.Candidates(Options().Network.Bind(7, new DenseLayer(1)), includeEmbeddings: false);
            Assert.Equal(3, prunable.Count); // three dense matrices; batch-norm scales are not prunable
            var total = prunable.Sum(c => c.Shape[0] * c.Shape[1]);
            Assert.All(prunable, c => Assert.Contains("pruning/" + c.Name, state.Tensors.Keys)); // the masks, under their own prefix
            var zeros = prunable.Sum(c => state.Tensors["pruning/" + c.Name].data<float>().ToArray().Count(m => m == 0));
            Assert.Equal((int)Math.Floor(Options().Pruning!.SparsityAt(3) * total), zeros); // the masks of the update after epoch 3
        }
        finally
        {
            foreach (var t in state.Tensors.Values)
                t.Dispose();
        }

        var trainer = ml.DeepML().BinaryClassification.NeuralNetwork(Options() with { ResumeFromCheckpoint = partial });
        using var resumed = trainer.Fit(data);
        Assert.Equal(6, trainer.LastTraining!.History.Count);
        Assert.Equal(AllWeights(uninterrupted), AllWeights(resumed)); // bit-identical, masks and batch-norm buffers included
        var report = ml.DeepML().Compression.Sparsity(resumed);
        Assert.Equal((long)Math.Floor(0.6 * report.PrunableCount), report.PrunableZeros);
    }

    [Fact]
    public void Resuming_with_other_pruning_options_or_without_pruning_is_refused()
    {
        var ml = new MLContext(seed: 1);
        var data = TestData.CreditView(ml, take: 300);
        var partial = Path.Combine(_folder, "refused.ckpt");
        Interrupt(ml, data, Options(), partial);

        var other = Options() with { ResumeFromCheckpoint = partial, Pruning = Options().Pruning! with { FinalSparsity = 0.5 } };
        var e = Assert.Throws<ArgumentException>(() => ml.DeepML().BinaryClassification.NeuralNetwork(other).Fit(data));
        Assert.Equal("Pruning", e.ParamName);
        Assert.Contains("the checkpoint was pruned with Pruning(FinalSparsity=0.6, ", e.Message);
        Assert.Contains("this run with Pruning(FinalSparsity=0.5, ", e.Message);

        var without = Options() with { ResumeFromCheckpoint = partial, Pruning = null };
        var none = Assert.Throws<ArgumentException>(() => ml.DeepML().BinaryClassification.NeuralNetwork(without).Fit(data));
        Assert.Equal("ResumeFromCheckpoint", none.ParamName);
        Assert.Contains("holds the state of training add-on(s) 'Pruning', which this run does not use", none.Message);

        var plain = Path.Combine(_folder, "plain.ckpt");
        Interrupt(ml, data, Options() with { Pruning = null }, plain);
        var late = Assert.Throws<ArgumentException>(() => ml.DeepML().BinaryClassification.NeuralNetwork(Options() with { ResumeFromCheckpoint = plain }).Fit(data));
        Assert.Contains("the checkpoint was trained without pruning, but this run sets Pruning", late.Message);
    }

    private static long LiveTensorsAfter(Action fit)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var before = TorchSharp.torch.Tensor.TotalCount;
        fit();
        return TorchSharp.torch.Tensor.TotalCount - before; // no collection: an undisposed, unreachable tensor still counts
    }

    [Fact]
    public void A_pruning_run_with_checkpoints_leaves_no_more_tensors_alive_than_a_plain_run()
    {
        var ml = new MLContext(seed: 1);
        var data = TestData.CreditView(ml, take: 300);
        var options = Options() with { CheckpointPath = Path.Combine(_folder, "leak.ckpt") };
        ml.DeepML().BinaryClassification.NeuralNetwork(options with { Pruning = null }).Fit(data).Dispose(); // one-time allocations (first fit in the process)
        var plain = LiveTensorsAfter(() => ml.DeepML().BinaryClassification.NeuralNetwork(options with { Pruning = null }).Fit(data).Dispose());
        var pruned = LiveTensorsAfter(() => ml.DeepML().BinaryClassification.NeuralNetwork(options).Fit(data).Dispose());
        Assert.Equal(plain, pruned); // both hold only TorchSharp's per-parameter counter drift
        var resumed = LiveTensorsAfter(() => ml.DeepML().BinaryClassification.NeuralNetwork(options with { CheckpointPath = null, ResumeFromCheckpoint = options.CheckpointPath }).Fit(data).Dispose());
        Assert.Equal(plain, resumed);
    }

    private sealed class Inline(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
