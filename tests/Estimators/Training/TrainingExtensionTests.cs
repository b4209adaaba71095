using System.Text.Json;
using DeepML;
using DeepML.Estimators.Tests.Trainers;
using Microsoft.ML;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace DeepML.Estimators.Tests.Training;

/// <summary>
/// The training extension point (<see cref="ITrainingExtension"/>, <see cref="TrainingExtensions"/>) driven through a real
/// trainer run, with extensions registered through <see cref="NeuralNetworkTrainerBase.AdditionalExtensions"/>.
/// </summary>
[Collection(TorchTrainingCollection.Name)] // fits share TorchSharp's global generator with other fitting tests
public sealed partial class TrainingExtensionTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("deepml-ext-").FullName;

    public TrainingExtensionTests() => TorchRuntime.EnsureLoaded();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Iris as a binary task (setosa or not): 150 rows, 4 features.</summary>
    private static NeuralNetworkOptions Base(int epochs) => new()
    {
        Network = Networks.Mlp([8, 6]),
        Epochs = epochs,
        BatchSize = 64,
        ValidationFraction = 0,
        Seed = 5,
        NumberOfThreads = 1,
        LearningRate = 0.02,
    };

    private static NeuralNetworkTrainerBase Trainer(MLContext ml, NeuralNetworkOptions options, Func<Sequential, IEnumerable<ITrainingExtension>>? extensions = null)
    {
        var trainer = ml.DeepML().BinaryClassification.NeuralNetwork(options);
        if (extensions is not null)
            trainer.AdditionalExtensions = (network, _) => extensions(network);
        return trainer;
    }

    private static float[] AllWeights(NetworkScoringTransformer model) =>
        model.Model.Weights.Arrays.OrderBy(kv => kv.Key, StringComparer.Ordinal).SelectMany(kv => kv.Value.Data).ToArray();

    private static float[] Values(Tensor t)
    {
        using var scope = NewDisposeScope();
        return t.detach().cpu().contiguous().data<float>().ToArray();
    }

    [Fact]
    public void HooksRunInTheDocumentedOrderPerBatchAndEpochInRegistrationOrder()
    {
        var ml = new MLContext(1);
        var messages = new List<string>();
        ml.Log += (_, e) => { lock (messages) messages.Add(e.Message); };
        var journal = new List<string>();
        Recorder? a = null, b = null;
        using var model = Trainer(ml, Base(2), _ => [a = new Recorder("A", journal), b = new Recorder("B", journal)]).Fit(TestData.IrisBinary(ml));

        var expected = new List<string>();
        for (var epoch = 1; epoch <= 2; epoch++)
        {
            for (var batch = 0; batch < 3; batch++) // 150 rows in batches of 64: 64, 64, 22
            {
                var rows = batch < 2 ? 64 : 22;
                expected.AddRange([
                    $"A.BeforeForward {epoch}/{batch} output=null", $"B.BeforeForward {epoch}/{batch} output=null",
                    $"A.OnLoss {epoch}/{batch} output=[{rows},1] rows={rows}", $"B.OnLoss {epoch}/{batch} output=[{rows},1] rows={rows}",
                    $"A.AfterStep {epoch}/{batch}", $"B.AfterStep {epoch}/{batch}"]);
            }
            expected.AddRange([$"A.EndEpoch {epoch}", $"B.EndEpoch {epoch}"]);
        }
        expected.AddRange(["A.Dispose", "B.Dispose"]); // neither takes over the backward pass, so Backward is never called
        Assert.Equal(expected, journal);

        // Each epoch's batches cover every training row once, in a shuffled order that differs between epochs.
        Assert.Equal(Enumerable.Range(0, 150), a!.RowsSeen.Take(150).Order());
        Assert.Equal(Enumerable.Range(0, 150), a.RowsSeen.Skip(150).Order());
        Assert.NotEqual(a.RowsSeen.Take(150), a.RowsSeen.Skip(150));
        Assert.Equal(a.RowsSeen, b!.RowsSeen);
        // OnLoss chains: B receives the very tensor A returned; EndEpoch's log reaches the trainer's channel.
        Assert.Same(a.Returned, b.Received);
        Assert.Contains(messages, m => m.Contains("B ended epoch 2", StringComparison.Ordinal));
        Assert.True(a.Disposed && b.Disposed);
    }

    [Fact]
    public void AnInputReplacedBeforeTheForwardPassIsWhatTheNetworkSees()
    {
        var ml = new MLContext(1);
        var data = TestData.IrisBinary(ml);
        ZeroInput? replaced = null, kept = null;
        using (Trainer(ml, Base(1), _ => [replaced = new ZeroInput(true, [])]).Fit(data))
        using (Trainer(ml, Base(1), _ => [kept = new ZeroInput(false, [])]).Fit(data))
        {
        }
        // Zero rows in: every row of a batch gets the same output. The real rows give outputs that differ.
        foreach (var batch in replaced!.Outputs)
            Assert.All(batch, o => Assert.Equal(batch[0], o));
        Assert.True(kept!.Outputs[0].Max() - kept.Outputs[0].Min() > 1e-3, "the untouched inputs should give different outputs");
    }

    [Fact]
    public void ALossTermChangesTheGradientByExactlyItsClosedForm()
    {
        // One full-batch SGD step without momentum: p1 = p0 − η(g + 2c·p0), so p1(with term) = p1(without) − 2ηc·p0.
        const double lr = 0.5, c = 0.1;
        var ml = new MLContext(1);
        var data = TestData.IrisBinary(ml);
        var options = Base(1) with { Optimizer = OptimizerKind.Sgd, Momentum = 0, WeightDecay = 0, GradientClipNorm = 0, LearningRate = lr, BatchSize = 150 };
        SquaredPenalty? plain = null, penalised = null;
        var plainTrainer = Trainer(ml, options, n => [plain = new SquaredPenalty(n, 0)]);
        var penalisedTrainer = Trainer(ml, options, n => [penalised = new SquaredPenalty(n, c)]);
        using (plainTrainer.Fit(data))
        using (penalisedTrainer.Fit(data))
        {
        }

        Assert.Equal(plain!.Before.Keys, penalised!.Before.Keys);
        Assert.Equal(6, plain.Before.Count); // weight and bias of the two hidden layers and of the output layer
        var largest = 0.0;
        foreach (var (name, p0) in plain.Before)
        {
            Assert.Equal(p0, penalised.Before[name]); // same seed: the same starting point, bit for bit
            for (var i = 0; i < p0.Length; i++)
            {
                var expected = plain.After[name][i] - 2 * lr * c * p0[i];
                Assert.True(Math.Abs(penalised.After[name][i] - expected) <= 2e-6, $"{name}[{i}]: {penalised.After[name][i]} vs closed form {expected}");
                largest = Math.Max(largest, Math.Abs(2 * lr * c * p0[i]));
            }
        }
        Assert.True(largest > 1e-2, $"the term moved no weight by more than {largest}: the comparison checks nothing");
        // The recorded training loss is the task loss, without the extension's term.
        Assert.Equal(plainTrainer.LastTraining!.FinalTrainingLoss, penalisedTrainer.LastTraining!.FinalTrainingLoss);
    }

    [Fact]
    public void TwoExtensionsWithOneNameAreRefusedAndDisposed()
    {
        var ml = new MLContext(1);
        var journal = new List<string>();
        Recorder? first = null, second = null;
        var trainer = Trainer(ml, Base(1), _ => [first = new Recorder("Same", journal), second = new Recorder("Same", journal)]);
        var e = Assert.Throws<ArgumentException>(() => trainer.Fit(TestData.IrisBinary(ml)));
        Assert.Equal("TrainingExtensions: two training extensions are named 'Same'; expected unique names (each names its part of the checkpoint). " +
            "Give each add-on its own name. (Parameter 'extensions')", e.Message);
        Assert.Equal(["Same.Dispose", "Same.Dispose"], journal); // refused before any batch, and nothing leaks
        Assert.True(first!.Disposed && second!.Disposed);
    }

    private static IEnumerable<ITrainingExtension> FirstThenFailure(Recorder first)
    {
        yield return first;
        throw new InvalidOperationException("the second add-on could not be built");
    }

    [Fact]
    public void AnExtensionThatFailsToBuildLeavesTheOnesBuiltBeforeItDisposed()
    {
        var ml = new MLContext(1);
        var journal = new List<string>();
        var first = new Recorder("First", journal);
        var trainer = Trainer(ml, Base(1), _ => FirstThenFailure(first));
        var e = Assert.Throws<InvalidOperationException>(() => trainer.Fit(TestData.IrisBinary(ml)));
        Assert.Equal("the second add-on could not be built", e.Message);
        Assert.Equal(["First.Dispose"], journal); // no batch ran, and the add-on built first did not leak
        Assert.True(first.Disposed);
    }

    [Fact]
    public void TwoExtensionsThatTakeOverTheBackwardPassAreRefusedBeforeTraining()
    {
        var ml = new MLContext(1);
        BackwardOwner? first = null, second = null;
        var trainer = Trainer(ml, Base(1), _ => [first = new BackwardOwner("First"), second = new BackwardOwner("Second")]);
        var e = Assert.Throws<ArgumentException>(() => trainer.Fit(TestData.IrisBinary(ml)));
        Assert.Equal("TrainingExtensions: both 'First' and 'Second' take over the backward pass; expected at most one. " +
            "Combine them into one extension, or train with one of them. (Parameter 'extensions')", e.Message);
        Assert.Equal(0, first!.Calls + second!.Calls); // refused when the run starts, not after one of them back-propagated
        Assert.True(first.Disposed && second.Disposed);

        // One owner alone is called once per batch, and its gradients train the network as the loop's own backward would.
        BackwardOwner? owner = null;
        using var owned = Trainer(ml, Base(2), _ => [owner = new BackwardOwner("Owner")]).Fit(TestData.IrisBinary(ml));
        using var plain = Trainer(ml, Base(2)).Fit(TestData.IrisBinary(ml));
        Assert.Equal(6, owner!.Calls); // 2 epochs × 3 batches
        Assert.Equal(AllWeights(plain), AllWeights(owned));
    }

    /// <summary>Fits with a checkpoint, cancelled after epoch 2 (the checkpoint is written before progress is reported).</summary>
    private static void Interrupt(MLContext ml, IDataView data, NeuralNetworkOptions options, string checkpoint, Func<Sequential, IEnumerable<ITrainingExtension>>? extensions)
    {
        using var cancel = new CancellationTokenSource();
        var trainer = Trainer(ml, options with
        {
            CheckpointPath = checkpoint,
            CancellationToken = cancel.Token,
            Progress = new Inline(p => { if (p.Epoch == 2) cancel.Cancel(); }),
        }, extensions);
        Assert.ThrowsAny<OperationCanceledException>(() => trainer.Fit(data));
    }

    [Fact]
    public void AnExtensionsStateRoundTripsAndTheResumedRunIsBitIdentical()
    {
        var ml = new MLContext(1);
        var data = TestData.IrisBinary(ml);
        Anchor? whole = null, resumed = null, forgetful = null;
        using var uninterrupted = Trainer(ml, Base(4), n => [whole = new Anchor(n)]).Fit(data);

        var partial = Path.Combine(_folder, "partial.ckpt");
        Interrupt(ml, data, Base(4), partial, n => [new Anchor(n)]);
        using var continued = Trainer(ml, Base(4) with { ResumeFromCheckpoint = partial }, n => [resumed = new Anchor(n)]).Fit(data);
        using var without = Trainer(ml, Base(4) with { ResumeFromCheckpoint = partial }, n => [forgetful = new Anchor(n, restore: false)]).Fit(data);

        Assert.Equal(12, whole!.Steps);                         // 4 epochs × 3 batches
        Assert.Equal(whole.Steps, resumed!.Steps);              // 6 from the header part + 6 run now
        Assert.Equal(whole.AnchorValues, resumed.AnchorValues); // the tensor, bit for bit
        Assert.Equal(8 * 4, whole.AnchorValues.Length);         // the first layer's weight [8, 4]
        Assert.Equal(AllWeights(uninterrupted), AllWeights(continued));
        // The state matters: a resumed run that drops it ends elsewhere (so the equality above is not vacuous).
        Assert.Equal(6, forgetful!.Steps);
        Assert.NotEqual(AllWeights(uninterrupted), AllWeights(without));
    }

    [Fact]
    public void CheckpointStateNoExtensionOfTheRunClaimsIsRefusedNamingResumeFromCheckpoint()
    {
        var ml = new MLContext(1);
        var data = TestData.IrisBinary(ml);
        var path = Path.Combine(_folder, "anchor.ckpt");
        using (Trainer(ml, Base(1) with { CheckpointPath = path }, n => [new Anchor(n)]).Fit(data))
        {
        }
        string Refusal(Func<Sequential, IEnumerable<ITrainingExtension>>? extensions)
        {
            var e = Assert.Throws<ArgumentException>(() => Trainer(ml, Base(2) with { ResumeFromCheckpoint = path }, extensions).Fit(data));
            Assert.Equal(nameof(NeuralNetworkOptions.ResumeFromCheckpoint), e.ParamName);
            return e.Message;
        }
        const string Fix = "Resume with the same add-ons the checkpoint was written with, or train from the start (without ResumeFromCheckpoint). (Parameter 'ResumeFromCheckpoint')";
        Assert.Equal($"NeuralNetworkOptions: checkpoint '{path}' holds the state of training add-on(s) 'Anchor', which this run does not use (it uses none). " + Fix, Refusal(null));
        var journal = new List<string>();
        Assert.Equal($"NeuralNetworkOptions: checkpoint '{path}' holds the state of training add-on(s) 'Anchor', which this run does not use (it uses 'Other'). " + Fix,
            Refusal(_ => [new Recorder("Other", journal)]));
        Assert.Equal(["Other.Dispose"], journal); // refused on resume, before any batch
    }

    [Fact]
    public void AnExtensionTensorUnderANameAlreadyTakenIsRefusedNotOverwritten()
    {
        var ml = new MLContext(1);
        var path = Path.Combine(_folder, "squat.ckpt");
        var e = Assert.Throws<InvalidOperationException>(() => Trainer(ml, Base(1) with { CheckpointPath = path }, _ => [new Squatter("rng")]).Fit(TestData.IrisBinary(ml)));
        Assert.Equal("TrainingExtensions: 'Squatter' saves checkpoint tensor 'rng', a name already taken; expected names of its own. Put its tensors under a prefix of its own (e.g. 'squatter/').", e.Message);
        Assert.False(File.Exists(path)); // nothing half-written
    }
}
