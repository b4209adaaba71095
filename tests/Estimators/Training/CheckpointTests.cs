using DeepML;
using Microsoft.ML;
using TorchSharp;
using Xunit;

namespace DeepML.Estimators.Tests.Training;

[Collection(TorchTrainingCollection.Name)] // fits share TorchSharp's global generator with other fitting tests
public sealed class CheckpointTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("deepml-ckpt-").FullName;

    public CheckpointTests() => TorchRuntime.EnsureLoaded();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private sealed class Row
    {
        public float[] Features { get; set; } = [];
        public bool Label { get; set; }
    }

    /// <summary>Two noisy Gaussian blobs in 4 dimensions, seeded.</summary>
    private static IDataView Blobs(MLContext ml, int rows = 600)
    {
        var rng = new Random(42);
        var data = new List<Row>(rows);
        for (var i = 0; i < rows; i++)
        {
            var label = i % 2 == 0;
            var f = new float[4];
            for (var j = 0; j < 4; j++)
                f[j] = (float)((label ? 0.7 : -0.7) * (j % 2 == 0 ? 1 : -1) + 1.2 * Gaussian(rng));
            data.Add(new Row { Features = f, Label = label });
        }
        var schema = Microsoft.ML.Data.SchemaDefinition.Create(typeof(Row));
        schema["Features"].ColumnType = new Microsoft.ML.Data.VectorDataViewType(Microsoft.ML.Data.NumberDataViewType.Single, 4);
        return ml.Data.LoadFromEnumerable(data, schema);
    }

    private static double Gaussian(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    private static NeuralNetworkOptions Options(int epochs) => new()
    {
        Network = Networks.Mlp([16, 8], dropout: 0.2, batchNorm: true),
        Optimizer = OptimizerKind.AdamW,
        WeightDecay = 1e-3,
        Epochs = epochs,
        BatchSize = 64,
        ValidationFraction = 0.2,
        Seed = 11,
        NumberOfThreads = 1,
    };

    private static float[] AllWeights(NetworkScoringTransformer model) =>
        model.Model.Weights.Arrays.OrderBy(kv => kv.Key, StringComparer.Ordinal).SelectMany(kv => kv.Value.Data).ToArray();

    [Fact]
    public void ResumedRunEndsWithTheSameWeightsAsAnUninterruptedRun()
    {
        var ml = new MLContext(seed: 1);
        var data = Blobs(ml);
        var full = Path.Combine(_folder, "full.ckpt");
        using var uninterrupted = ml.DeepML().BinaryClassification.NeuralNetwork(Options(6) with { CheckpointPath = full }).Fit(data);

        var partial = Path.Combine(_folder, "partial.ckpt");
        Interrupt(ml, data, Options(6), partial);

        var trainer = ml.DeepML().BinaryClassification.NeuralNetwork(Options(6) with { ResumeFromCheckpoint = partial });
        using var resumed = trainer.Fit(data);

        Assert.Equal(6, trainer.LastTraining!.History.Count);            // 3 epochs from the checkpoint + 3 run now
        Assert.Equal(AllWeights(uninterrupted), AllWeights(resumed));     // bit-identical, including batch-norm buffers
    }

    [Fact]
    public void AFailedWriteLeavesThePreviousCheckpointIntact()
    {
        var ml = new MLContext(seed: 1);
        var path = Path.Combine(_folder, "run.ckpt");
        using var _ = ml.DeepML().BinaryClassification.NeuralNetwork(Options(2) with { CheckpointPath = path }).Fit(Blobs(ml, 200));
        var before = File.ReadAllBytes(path);

        var broken = torch.zeros(3).DetachFromDisposeScope();
        broken.Dispose(); // writing a disposed tensor throws in the middle of the file
        var state = new CheckpointState
        {
            Epoch = 9, Seed = 1, Fingerprint = "x", OptimizerSteps = 1, BestLoss = 0, BestEpoch = 1, EpochsWithoutImprovement = 0,
            Stopped = false, History = [], Tensors = new Dictionary<string, torch.Tensor> { ["a"] = torch.ones(2), ["b"] = broken },
        };
        Assert.ThrowsAny<Exception>(() => CheckpointFile.Save(path, state));

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(_folder));                       // no temporary file left behind
        Assert.Equal(2, CheckpointFile.Load(path).Epoch);
    }

    [Fact]
    public void TruncatedOrAlteredCheckpointsAreRejectedWithTheFileName()
    {
        var ml = new MLContext(seed: 1);
        var path = Path.Combine(_folder, "ok.ckpt");
        using var _ = ml.DeepML().BinaryClassification.NeuralNetwork(Options(1) with { CheckpointPath = path }).Fit(Blobs(ml, 200));
        var bytes = File.ReadAllBytes(path);

        var truncated = Path.Combine(_folder, "truncated.ckpt");
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        var e1 = Assert.Throws<InvalidDataException>(() => CheckpointFile.Load(truncated));
        Assert.Contains("truncated.ckpt", e1.Message);
        Assert.Contains("checksum", e1.Message);

        var altered = Path.Combine(_folder, "altered.ckpt");
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(altered, bytes);
        Assert.Contains("checksum", Assert.Throws<InvalidDataException>(() => CheckpointFile.Load(altered)).Message);

        var notOurs = Path.Combine(_folder, "other.ckpt");
        File.WriteAllText(notOurs, "hello, this is not a checkpoint at all");
        Assert.Contains("signature", Assert.Throws<InvalidDataException>(() => CheckpointFile.Load(notOurs)).Message);
    }

    [Fact]
    public void ResumingWithADifferentNetworkFailsBeforeTraining()
    {
        var ml = new MLContext(seed: 1);
        var path = Path.Combine(_folder, "a.ckpt");
        var data = Blobs(ml, 200);
        using var _ = ml.DeepML().BinaryClassification.NeuralNetwork(Options(1) with { CheckpointPath = path }).Fit(data);
        var other = ml.DeepML().BinaryClassification.NeuralNetwork(Options(2) with { ResumeFromCheckpoint = path, Network = Networks.Mlp([32]) });
        var e = Assert.Throws<ArgumentException>(() => other.Fit(data));
        Assert.Contains("differs from this one in 1 setting(s): Network {\"kind\":\"Dense\",\"units\":16,", e.Message);
        Assert.Contains("(this run: {\"kind\":\"Dense\",\"units\":32,", e.Message);
        Assert.Equal("Network", e.ParamName);
    }

    /// <summary>
    /// Rewrites a checkpoint as another format version, the way that version laid it out: version 2
    /// is version 3 without the header's "Schedule" member and without the progress reports'
    /// "LearningRate", version 1 also without "Adversary"
    /// (members those versions did not have). The SHA-256 trailer is recomputed, so the file is intact.
    /// </summary>
    private static void RewriteAs(int version, string source, string target)
    {
        var bytes = File.ReadAllBytes(source);
        using var reader = new BinaryReader(new MemoryStream(bytes, 0, bytes.Length - 32));
        var magic = reader.ReadBytes(8);
        Assert.Equal(CheckpointFile.FormatVersion, reader.ReadInt32());
        var header = System.Text.Json.Nodes.JsonNode.Parse(reader.ReadString())!.AsObject();
        if (version < 4)
        {
            foreach (var member in new[] { "Settings", "LabelScale", "Elapsed" })
                Assert.True(header.Remove(member));              // added by version 4
        }
        if (version < 3)
        {
            Assert.True(header.Remove("Schedule"));              // written (as null) by a constant-rate run of version 3
            foreach (var report in header["History"]!.AsArray())
                Assert.True(report!.AsObject().Remove("LearningRate")); // nor did progress reports record the rate
        }
        if (version < 2)
            Assert.True(header.Remove("Adversary"));             // written (as null) by a plain run
        var tensors = bytes[(int)reader.BaseStream.Position..^32];
        using var body = new MemoryStream();
        using (var writer = new BinaryWriter(body, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(magic);
            writer.Write(version);
            writer.Write(header.ToJsonString());
            writer.Write(tensors);
        }
        File.WriteAllBytes(target, [.. body.ToArray(), .. System.Security.Cryptography.SHA256.HashData(body.ToArray())]);
    }

    [Fact]
    public void AVersion1CheckpointStillResumesAPlainRunBitIdentically()
    {
        var ml = new MLContext(seed: 1);
        var data = Blobs(ml);
        using var uninterrupted = ml.DeepML().BinaryClassification.NeuralNetwork(Options(6)).Fit(data);

        var partial = Path.Combine(_folder, "partial.ckpt");
        Interrupt(ml, data, Options(6), partial);
        var old = Path.Combine(_folder, "version1.ckpt");
        RewriteAs(1, partial, old);

        var loaded = CheckpointFile.Load(old);
        Assert.Equal(3, loaded.Epoch);
        Assert.Null(loaded.Adversary);
        foreach (var t in loaded.Tensors.Values)
            t.Dispose();
        using var resumed = ml.DeepML().BinaryClassification.NeuralNetwork(Options(6) with { ResumeFromCheckpoint = old }).Fit(data);
        Assert.Equal(AllWeights(uninterrupted), AllWeights(resumed));
    }

    [Fact]
    public void ANewerFormatVersionIsRejectedNamingBothVersions()
    {
        var ml = new MLContext(seed: 1);
        var path = Path.Combine(_folder, "now.ckpt");
        using var _ = ml.DeepML().BinaryClassification.NeuralNetwork(Options(1) with { CheckpointPath = path }).Fit(Blobs(ml, 200));
        var future = Path.Combine(_folder, "future.ckpt");
        RewriteAs(5, path, future);
        var e = Assert.Throws<InvalidDataException>(() => CheckpointFile.Load(future));
        Assert.Contains("future.ckpt", e.Message);
        Assert.Contains("it has format version 5; this DeepML reads versions 1 to 4", e.Message);
    }

    public static TheoryData<string> Schedules => ["warm-up", "step decay", "cosine", "plateau"];

    private static LearningRateSchedule Schedule(string name) => name switch
    {
        "warm-up" => LearningRateSchedule.Constant().WithWarmUp(4, 0.05),
        "step decay" => LearningRateSchedule.StepDecay(stepEpochs: 2, gamma: 0.3),
        "cosine" => LearningRateSchedule.Cosine(minimum: 1e-5).WithWarmUp(2),
        // No loss beats a min-delta of 1000: the rate falls after epochs 3 and 6, and the checkpoint after epoch 3 is in its cooldown.
        _ => LearningRateSchedule.ReduceOnPlateau(factor: 0.5, patience: 2, minDelta: 1e3, cooldown: 1),
    };

    /// <summary>Fits <paramref name="options"/> with a checkpoint at <paramref name="checkpoint"/>, cancelled after epoch 3.</summary>
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

    /// <summary>Fits <paramref name="options"/>, stopped after epoch 3 and resumed from its checkpoint.</summary>
    private (NetworkScoringTransformer Model, TrainingSummary Summary) Resumed(MLContext ml, IDataView data, NeuralNetworkOptions options, string name)
    {
        var partial = Path.Combine(_folder, name + ".ckpt");
        Interrupt(ml, data, options, partial);
        var trainer = ml.DeepML().BinaryClassification.NeuralNetwork(options with { ResumeFromCheckpoint = partial });
        return (trainer.Fit(data), trainer.LastTraining!);
    }

    [Theory]
    [MemberData(nameof(Schedules))]
    public void ResumedRunWithAScheduleEndsWithTheSameWeightsAndRates(string name)
    {
        var ml = new MLContext(seed: 1);
        var data = Blobs(ml);
        var options = Options(6) with { LearningRateSchedule = Schedule(name) };
        var trainer = ml.DeepML().BinaryClassification.NeuralNetwork(options);
        using var uninterrupted = trainer.Fit(data);
        var (resumed, summary) = Resumed(ml, data, options, name.Replace(' ', '-'));
        using var _ = resumed;

        var rates = trainer.LastTraining!.History.Select(h => h.LearningRate).ToArray();
        Assert.Equal(rates, summary.History.Select(h => h.LearningRate));
        Assert.True(rates.Skip(3).Distinct().Count() > 1 || rates[3] != rates[2], $"The rate should still change after the checkpoint: {string.Join(", ", rates)}.");
        Assert.Equal(AllWeights(uninterrupted), AllWeights(resumed));     // bit-identical
        if (name == "plateau")
            Assert.Equal([1e-3, 1e-3, 1e-3, 5e-4, 5e-4, 5e-4], rates);
    }

    [Fact]
    public void ResumingWithAnotherScheduleFailsBeforeTrainingNamingBoth()
    {
        var ml = new MLContext(seed: 1);
        var data = Blobs(ml, 200);
        var cosine = Path.Combine(_folder, "cosine.ckpt");
        var constant = Path.Combine(_folder, "constant.ckpt");
        var options = Options(2) with { LearningRateSchedule = LearningRateSchedule.Cosine(1e-5) };
        using (ml.DeepML().BinaryClassification.NeuralNetwork(options with { CheckpointPath = cosine }).Fit(data))
        using (ml.DeepML().BinaryClassification.NeuralNetwork(Options(2) with { CheckpointPath = constant }).Fit(data))
        {
        }
        ArgumentException Resume(NeuralNetworkOptions o, string path) =>
            Assert.Throws<ArgumentException>(() => ml.DeepML().BinaryClassification.NeuralNetwork(o with { ResumeFromCheckpoint = path }).Fit(data));

        var other = Resume(options with { LearningRateSchedule = LearningRateSchedule.StepDecay(2, 0.5) }, cosine);
        Assert.Equal("LearningRateSchedule", other.ParamName);
        Assert.Equal($"NeuralNetworkOptions: checkpoint '{cosine}' was written with LearningRateSchedule Cosine(Minimum=1E-05), but this run has StepDecay(StepEpochs=2, Gamma=0.5). " +
            "Resume with the checkpoint's schedule, or train from the start (without ResumeFromCheckpoint). (Parameter 'LearningRateSchedule')", other.Message);
        Assert.Equal($"NeuralNetworkOptions: checkpoint '{cosine}' was written with LearningRateSchedule Cosine(Minimum=1E-05), but this run has a constant learning rate. " +
            "Set the checkpoint's schedule to resume, or train from the start (without ResumeFromCheckpoint). (Parameter 'LearningRateSchedule')", Resume(Options(2), cosine).Message);
        Assert.Equal($"NeuralNetworkOptions: checkpoint '{constant}' was written with a constant learning rate, but this run has LearningRateSchedule Cosine(Minimum=1E-05). " +
            "Resume with LearningRateSchedule.Constant() (the default), or train from the start (without ResumeFromCheckpoint). (Parameter 'LearningRateSchedule')", Resume(options, constant).Message);
        Assert.Equal($"NeuralNetworkOptions: checkpoint '{cosine}' anneals its cosine schedule over Epochs = 2, but this run has Epochs = 4, which would change the rates of the epochs already run. " +
            "Resume with Epochs = 2, or train from the start (without ResumeFromCheckpoint). (Parameter 'LearningRateSchedule')", Resume(options with { Epochs = 4 }, cosine).Message);
        Assert.Contains("warms up", Resume(options with { LearningRateSchedule = LearningRateSchedule.Cosine(1e-5).WithWarmUp(3) }, cosine).Message); // options are checked first
        using var longer = ml.DeepML().BinaryClassification.NeuralNetwork(Options(4) with { ResumeFromCheckpoint = constant }).Fit(data); // a constant rate may run on
    }

    [Fact]
    public void TheFingerprintHoldsTheScheduleButNotAConstantRate()
    {
        var spec = Networks.Mlp([4]).Bind(3, new DenseLayer(1));
        var constant = TrainingLoop.Fingerprint(spec, Options(6));
        Assert.DoesNotContain("schedule", constant);                       // as before schedules: older checkpoints still match
        Assert.EndsWith("|init=Default", constant);
        Assert.EndsWith("|init=Default|schedule=Cosine(Minimum=0)|epochs=6", TrainingLoop.Fingerprint(spec, Options(6) with { LearningRateSchedule = LearningRateSchedule.Cosine() }));
        Assert.EndsWith("|init=Default|schedule=StepDecay(StepEpochs=2, Gamma=0.1)", TrainingLoop.Fingerprint(spec, Options(6) with { LearningRateSchedule = LearningRateSchedule.StepDecay(2) }));
        Assert.EndsWith("|schedule=Constant(WarmUpEpochs=1, WarmUpStartFactor=0.1)", TrainingLoop.Fingerprint(spec, Options(6) with { LearningRateSchedule = LearningRateSchedule.Constant().WithWarmUp(1) }));
        Assert.Equal(constant, TrainingLoop.Fingerprint(spec, Options(9)));  // a constant rate may train on for more epochs
    }

    [Fact]
    public void AVersion2CheckpointStillResumesAConstantRateRunBitIdentically()
    {
        var ml = new MLContext(seed: 1);
        var data = Blobs(ml);
        var trainer = ml.DeepML().BinaryClassification.NeuralNetwork(Options(6));
        using var uninterrupted = trainer.Fit(data);

        var partial = Path.Combine(_folder, "partial.ckpt");
        Interrupt(ml, data, Options(6), partial);
        var old = Path.Combine(_folder, "version2.ckpt");
        RewriteAs(2, partial, old);
        var loaded = CheckpointFile.Load(old);
        Assert.Null(loaded.Schedule);
        foreach (var t in loaded.Tensors.Values)
            t.Dispose();

        var resumer = ml.DeepML().BinaryClassification.NeuralNetwork(Options(6) with { ResumeFromCheckpoint = old });
        using var resumed = resumer.Fit(data);
        Assert.Equal(AllWeights(uninterrupted), AllWeights(resumed));
        Assert.All(resumer.LastTraining!.History, h => Assert.Equal(1e-3, h.LearningRate));
    }

    private sealed class Inline(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
