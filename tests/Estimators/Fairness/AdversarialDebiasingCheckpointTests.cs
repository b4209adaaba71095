using DeepML;
using Microsoft.ML;
using TorchSharp;
using Xunit;

namespace DeepML.Estimators.Tests.Fairness;

/// <summary>
/// Checkpoints with adversarial debiasing: a resumed run ends bit-identical to an uninterrupted one
/// (the adversary's weights, Adam state, groups and warm-up travel with the checkpoint), and a
/// checkpoint written with other (or no) debiasing options, or data with a new group, is refused
/// before training with the mismatch named.
/// </summary>
[Collection(TorchTrainingCollection.Name)]
public sealed class AdversarialDebiasingCheckpointTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("deepml-adv-ckpt-").FullName;

    public AdversarialDebiasingCheckpointTests() => TorchRuntime.EnsureLoaded();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>As CheckpointTests' plain resume: dropout, batch norm, AdamW and a validation split, plus the adversary.</summary>
    private static NeuralNetworkOptions Options(int groups) => new()
    {
        Network = Networks.Mlp([16, 8], dropout: 0.2, batchNorm: true),
        Optimizer = OptimizerKind.AdamW,
        WeightDecay = 1e-3,
        Epochs = 6,
        BatchSize = 64,
        ValidationFraction = 0.2,
        Seed = 11,
        NumberOfThreads = 1,
        AdversarialDebiasing = new AdversarialDebiasingOptions
        {
            SensitiveColumnName = groups == 2 ? "Group" : "Region", Alpha = 1, WarmUpEpochs = 2,
            AdversaryHiddenUnits = groups == 2 ? 0 : 4, Objective = groups == 2 ? AdversarialObjective.EqualizedOdds : AdversarialObjective.DemographicParity,
        },
    };

    /// <summary>600 rows: 480 train (8 batches of 64 or fewer per epoch), 120 validate.</summary>
    private static IDataView Data(MLContext ml, int groups) => groups == 2
        ? ProxyBiasData.Load(ml, ProxyBiasData.Rows(600, seed: 5))
        : ThreeGroupProxyData.Load(ml, ThreeGroupProxyData.Rows(600, seed: 5));

    private static float[] AllWeights(NetworkScoringTransformer model) =>
        model.Model.Weights.Arrays.OrderBy(kv => kv.Key, StringComparer.Ordinal).SelectMany(kv => kv.Value.Data).ToArray();

    /// <summary>Runs <paramref name="options"/> with a checkpoint at <paramref name="path"/> and stops it after <paramref name="epoch"/>.</summary>
    private static void Interrupt(MLContext ml, NeuralNetworkOptions options, IDataView data, string path, int epoch)
    {
        using var cancel = new CancellationTokenSource();
        var interrupted = ml.DeepML().BinaryClassification.NeuralNetwork(options with
        {
            CheckpointPath = path,
            CancellationToken = cancel.Token,
            Progress = new Inline(p => { if (p.Epoch == epoch) cancel.Cancel(); }),
        });
        Assert.ThrowsAny<OperationCanceledException>(() => interrupted.Fit(data));
    }

    [Theory]
    [InlineData(2, 1)] // stopped inside the warm-up
    [InlineData(2, 4)]
    [InlineData(3, 1)]
    [InlineData(3, 4)]
    public void ResumedDebiasedRunEndsWithTheSameWeightsAsAnUninterruptedRun(int groups, int stopAfter)
    {
        var ml = new MLContext(seed: 1);
        var data = Data(ml, groups);
        using var uninterrupted = ml.DeepML().BinaryClassification.NeuralNetwork(Options(groups)).Fit(data);

        var partial = Path.Combine(_folder, $"partial-{groups}-{stopAfter}.ckpt");
        Interrupt(ml, Options(groups), data, partial, stopAfter);
        var saved = CheckpointFile.Load(partial);
        try
        {
            Assert.Equal(stopAfter, saved.Epoch);
            Assert.Equal(groups == 2 ? ["F", "M"] : new[] { "High", "Low", "Mid" }, saved.Adversary!.Groups);
            Assert.Equal(8L * stopAfter, saved.Adversary.OptimizerSteps);   // one adversary step per batch, 8 batches per epoch
            Assert.Equal(saved.OptimizerSteps, saved.Adversary.OptimizerSteps);
            Assert.Contains("adversary/model/c", saved.Tensors.Keys);
            Assert.Contains("adversary/second/0", saved.Tensors.Keys);
        }
        finally
        {
            foreach (var t in saved.Tensors.Values)
                t.Dispose();
        }

        var trainer = ml.DeepML().BinaryClassification.NeuralNetwork(Options(groups) with { ResumeFromCheckpoint = partial });
        using var resumed = trainer.Fit(data);
        Assert.Equal(6, trainer.LastTraining!.History.Count);
        Assert.Equal(AllWeights(uninterrupted), AllWeights(resumed));   // bit-identical

        // The adversary matters to these weights, so the equality above needed its state restored.
        using var plain = ml.DeepML().BinaryClassification.NeuralNetwork(Options(groups) with { AdversarialDebiasing = null }).Fit(data);
        Assert.NotEqual(AllWeights(plain), AllWeights(uninterrupted));
    }

    [Fact]
    public void ResumingWithOtherDebiasingOptionsFailsNamingTheDifference()
    {
        var ml = new MLContext(seed: 1);
        var data = Data(ml, 3);
        var path = Path.Combine(_folder, "three.ckpt");
        Interrupt(ml, Options(3), data, path, 1);
        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        var other = Options(3) with { AdversarialDebiasing = Options(3).AdversarialDebiasing! with { Alpha = 0.5, AdversaryHiddenUnits = 8 } };
        var e = Assert.Throws<ArgumentException>(() => ml.DeepML().BinaryClassification.NeuralNetwork(other with { ResumeFromCheckpoint = path }).Fit(data));
        Assert.Equal("AdversarialDebiasing", e.ParamName);
        Assert.Contains($"checkpoint '{path}' was written with different AdversarialDebiasing options: Alpha is 1 in the checkpoint but 0.5 in this run; AdversaryHiddenUnits is 4 in the checkpoint but 8 in this run.", e.Message);
        Assert.Contains("Resume with the checkpoint's AdversarialDebiasing options", e.Message);

        var none = Assert.Throws<ArgumentException>(() => ml.DeepML().BinaryClassification.NeuralNetwork(Options(3) with { AdversarialDebiasing = null, ResumeFromCheckpoint = path }).Fit(data));
        Assert.Equal("AdversarialDebiasing", none.ParamName);
        Assert.Contains($"checkpoint '{path}' was written with AdversarialDebiasing (SensitiveColumnName = Region, PrivilegedGroup = null, Alpha = 1,", none.Message);
        Assert.Contains("but this run has none. Set the same AdversarialDebiasing options to resume", none.Message);

        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount); // the loaded checkpoint's tensors were freed
    }

    [Fact]
    public void ResumingAPlainCheckpointWithDebiasingFails()
    {
        var ml = new MLContext(seed: 1);
        var data = Data(ml, 2);
        var path = Path.Combine(_folder, "plain.ckpt");
        Interrupt(ml, Options(2) with { AdversarialDebiasing = null }, data, path, 1);
        var e = Assert.Throws<ArgumentException>(() => ml.DeepML().BinaryClassification.NeuralNetwork(Options(2) with { ResumeFromCheckpoint = path }).Fit(data));
        Assert.Equal("AdversarialDebiasing", e.ParamName);
        Assert.Contains($"checkpoint '{path}' was written by a run without AdversarialDebiasing, so it holds no adversary, but this run sets AdversarialDebiasing.", e.Message);
    }

    [Fact]
    public void AGroupTheCheckpointDoesNotKnowFailsNamingTheColumnAndTheValue()
    {
        var ml = new MLContext(seed: 1);
        var rows = ProxyBiasData.Rows(600, seed: 5);
        var path = Path.Combine(_folder, "two.ckpt");
        Interrupt(ml, Options(2), ProxyBiasData.Load(ml, rows), path, 1);

        rows[7].Group = "X";
        var e = Assert.Throws<InvalidOperationException>(() =>
            ml.DeepML().BinaryClassification.NeuralNetwork(Options(2) with { ResumeFromCheckpoint = path }).Fit(ProxyBiasData.Load(ml, rows)));
        Assert.Contains("training row 7, sensitive column 'Group' holds \"X\", a group the checkpoint being resumed does not know (its groups: \"F\", \"M\").", e.Message);
        Assert.Contains("remove the rows of new groups, or train from the start without ResumeFromCheckpoint", e.Message);
    }

    private sealed class Inline(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
