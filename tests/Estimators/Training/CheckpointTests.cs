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
        using var cancel = new CancellationTokenSource();
        var interrupted = ml.DeepML().BinaryClassification.NeuralNetwork(Options(6) with
        {
            CheckpointPath = partial,
            CancellationToken = cancel.Token,
            Progress = new Inline(p => { if (p.Epoch == 3) cancel.Cancel(); }),
        });
        Assert.ThrowsAny<OperationCanceledException>(() => interrupted.Fit(data));

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
        Assert.Contains("different network", e.Message);
    }

    /// <summary>
    /// Rewrites a checkpoint as another format version, the way that version laid it out: version 1
    /// is version 2 without the header's "Adversary" member (which version 1 did not have). The
    /// SHA-256 trailer is recomputed, so the file is intact.
    /// </summary>
    private static void RewriteAs(int version, string source, string target)
    {
        var bytes = File.ReadAllBytes(source);
        using var reader = new BinaryReader(new MemoryStream(bytes, 0, bytes.Length - 32));
        var magic = reader.ReadBytes(8);
        Assert.Equal(CheckpointFile.FormatVersion, reader.ReadInt32());
        var header = System.Text.Json.Nodes.JsonNode.Parse(reader.ReadString())!.AsObject();
        Assert.True(header.Remove("Adversary"));                 // written (as null) by a plain run of version 2
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
        using var cancel = new CancellationTokenSource();
        var interrupted = ml.DeepML().BinaryClassification.NeuralNetwork(Options(6) with
        {
            CheckpointPath = partial,
            CancellationToken = cancel.Token,
            Progress = new Inline(p => { if (p.Epoch == 3) cancel.Cancel(); }),
        });
        Assert.ThrowsAny<OperationCanceledException>(() => interrupted.Fit(data));
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
        RewriteAs(3, path, future);
        var e = Assert.Throws<InvalidDataException>(() => CheckpointFile.Load(future));
        Assert.Contains("future.ckpt", e.Message);
        Assert.Contains("it has format version 3; this DeepML reads versions 1 to 2", e.Message);
    }

    private sealed class Inline(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
