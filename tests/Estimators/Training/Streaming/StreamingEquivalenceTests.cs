using DeepML.Estimators.Tests.Trainers;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace DeepML.Estimators.Tests.Training.Streaming;

/// <summary>
/// The second path: when the shuffle buffer holds every row, streamed training (Streaming = Always) must reproduce the
/// in-memory trainer (Streaming = Never) bit for bit: the same per-epoch losses, the same weights, the same predictions,
/// with the validation split (ValidationFraction) and with separate ValidationData.
/// </summary>
[Collection(TorchTrainingCollection.Name)]
public sealed class StreamingEquivalenceTests
{
    private static readonly StreamingOptions Never = new() { Mode = StreamingMode.Never };
    private static readonly StreamingOptions AlwaysWholeBuffer = new() { Mode = StreamingMode.Always, ShuffleBufferRows = 100_000 };

    private static NeuralNetworkOptions Options(StreamingOptions streaming) => new()
    {
        Network = Networks.Mlp([16, 8], dropout: 0.1, batchNorm: true),
        Epochs = 3,
        BatchSize = 32,
        ValidationFraction = 0.2,
        EarlyStoppingPatience = 2,
        Seed = 5,
        NumberOfThreads = 1,
        Streaming = streaming,
    };

    internal static float[] Scores(IDataView scored)
    {
        var column = scored.Schema["Score"];
        var values = new List<float>();
        using var cursor = scored.GetRowCursor([column]);
        if (column.Type is VectorDataViewType)
        {
            var get = cursor.GetGetter<VBuffer<float>>(column);
            var v = default(VBuffer<float>);
            while (cursor.MoveNext())
            {
                get(ref v);
                values.AddRange(v.DenseValues());
            }
        }
        else
        {
            var get = cursor.GetGetter<float>(column);
            var f = 0f;
            while (cursor.MoveNext())
            {
                get(ref f);
                values.Add(f);
            }
        }
        return values.ToArray();
    }

    private static float[] Weights(NetworkScoringTransformer model) =>
        model.Model.Weights.Arrays.OrderBy(kv => kv.Key, StringComparer.Ordinal).SelectMany(kv => kv.Value.Data).ToArray();

    private static void AssertSameRun(Func<MLContext, NeuralNetworkOptions, (NeuralNetworkTrainerBase Trainer, IDataView Data)> make, Func<NeuralNetworkOptions, NeuralNetworkOptions>? adjust = null)
    {
        adjust ??= o => o;
        var ml = new MLContext(seed: 1);
        var (memoryTrainer, data) = make(ml, adjust(Options(Never)));
        using var memory = memoryTrainer.Fit(data);
        var (streamTrainer, sameData) = make(ml, adjust(Options(AlwaysWholeBuffer)));
        using var streamed = streamTrainer.Fit(sameData);

        Assert.False(memoryTrainer.LastTraining!.Streamed);
        Assert.True(streamTrainer.LastTraining!.Streamed);
        var a = memoryTrainer.LastTraining.History;
        var b = streamTrainer.LastTraining.History;
        Assert.Equal(a.Count, b.Count);
        Assert.Equal(a.Select(p => p.TrainingLoss), b.Select(p => p.TrainingLoss));     // bit for bit, epoch by epoch
        Assert.Equal(a.Select(p => p.ValidationLoss), b.Select(p => p.ValidationLoss));
        Assert.Equal(a.Select(p => p.ValidationMetric), b.Select(p => p.ValidationMetric));
        Assert.Equal(Weights(memory), Weights(streamed));
        Assert.Equal(Scores(memory.Transform(data)), Scores(streamed.Transform(data)));
    }

    [Fact]
    public void BinaryStreamedWithAWholeBufferIsTheInMemoryRun() =>
        AssertSameRun((ml, o) => (ml.DeepML().BinaryClassification.NeuralNetwork(o with { ExampleWeightColumnName = "Weight", ClassWeights = [1f, 2f] }),
            TestData.CreditView(ml, weight: i => 0.5f + i % 3)));

    [Fact]
    public void MulticlassStreamedWithAWholeBufferIsTheInMemoryRun() =>
        AssertSameRun((ml, o) => (ml.DeepML().MulticlassClassification.NeuralNetwork(o), TestData.IrisView(ml)));

    [Fact]
    public void RegressionStreamedWithAWholeBufferIsTheInMemoryRunWithTheStandardisedLabel() =>
        AssertSameRun((ml, o) => (ml.DeepML().Regression.NeuralNetwork(o with { StandardizeLabel = true }), TestData.DiabetesView(ml)));

    [Fact]
    public void SeparateValidationDataIsStreamedOrHeldAndGivesTheSameRun()
    {
        var validation = TestData.CreditView(new MLContext(seed: 3)); // 1,000 rows
        AssertSameRun((ml, o) => (ml.DeepML().BinaryClassification.NeuralNetwork(o), TestData.CreditView(ml, take: 600)),
            o => o with { ValidationData = validation });
    }

    [Fact]
    public void AddOnsThatWorkOnTheBatchGiveTheSameRunStreamed()
    {
        // Pruning's masks and a DeepML teacher scored on every batch see the same batches streamed as in memory.
        var ml = new MLContext(seed: 2);
        using var teacher = ml.DeepML().BinaryClassification.NeuralNetwork(Options(Never) with { Epochs = 2, ValidationFraction = 0 }).Fit(TestData.CreditView(ml));
        AssertSameRun((context, o) => (context.DeepML().BinaryClassification.NeuralNetwork(o), TestData.CreditView(context)),
            o => o with
            {
                Distillation = new DistillationOptions { Teacher = teacher, Evaluation = TeacherEvaluation.PerBatch },
                Pruning = new PruningOptions { FinalSparsity = 0.5, BeginEpoch = 1, EndEpoch = 3 },
            });
    }

    [Theory]
    [InlineData(64)]      // a buffer smaller than the data: validation rows are routed while streaming
    [InlineData(10_000)]  // a buffer that holds every row
    public void TheStreamedSplitHoldsOutTheRowsTheInMemoryTrainerHoldsOut(int bufferRows)
    {
        var ml = new MLContext(seed: 1);
        var data = TestData.CreditView(ml);
        var options = new NeuralNetworkOptions();
        var schema = TrainingSchema.Resolve(data.Schema, options, PredictionKind.BinaryClassification, "T");
        var all = TrainingData.Read(data, schema, PredictionKind.BinaryClassification, null, "T", "training", default);
        // The in-memory trainer's own split (private): its validation subset keeps each row's position in the view.
        var split = typeof(NeuralNetworkTrainerBase).GetMethod("Split", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;
        var (train, validation) = ((TrainingData, TrainingData))split.Invoke(null, [all, 0.3, 17])!;

        var streamed = StreamedTrainingRows.Open(data, schema, PredictionKind.BinaryClassification, null, 0.3, 17, _ => bufferRows, "T", default);

        Assert.Equal(validation.SourceRows.Order(), Enumerable.Range(0, all.Rows).Where(r => streamed.IsValidation(r)));
        Assert.Equal(train.Rows, streamed.Rows);
        Assert.Equal(train.ClassCounts(PredictionKind.BinaryClassification, 2), streamed.ClassCounts);
        if (streamed.HoldsAll) // then the held rows are the in-memory sets, row for row in the same order
        {
            Assert.Equal(train.Features, streamed.Buffered.Features);
            Assert.Equal(validation.Features, streamed.HeldValidation!.Features);
        }
    }

    [Fact]
    public void ValidationStreamedInChunksGivesTheOutputsAndLabelsOfTheRowsHeldInMemory()
    {
        // More rows than one 4,096-row chunk, so the streamed evaluation flushes twice; rows in the same order give the same chunks.
        var ml = new MLContext(seed: 1);
        var rows = Enumerable.Range(0, 5000).Select(i => new BinaryRow { Features = [i % 7 - 3f, (i * 13 % 11) / 5f - 1, i % 2], Label = i % 3 == 0, Weight = 1 + i % 2 }).ToArray();
        var data = ml.Data.LoadFromEnumerable(rows, TestData.Definition<BinaryRow>(3));
        var options = new NeuralNetworkOptions { ExampleWeightColumnName = "Weight", ClassWeights = [1f, 3f] };
        var schema = TrainingSchema.Resolve(data.Schema, options, PredictionKind.BinaryClassification, "T");
        var held = TrainingData.Read(data, schema, PredictionKind.BinaryClassification, options.ClassWeights, "T", "validation", default);
        var even = held.Subset(Enumerable.Range(0, 5000).Where(i => i % 4 != 1).ToArray());
        var streamed = StreamedValidationRows.Open(data, r => r % 4 != 1, schema, PredictionKind.BinaryClassification, options.ClassWeights, "T", "validation", default);
        var spec = Networks.Mlp([8]).Bind(TensorShape.Vector(3), new DenseLayer(1));
        using var network = TorchNetwork.Build(spec);
        TorchNetwork.Initialize(network, spec, options.Initializer);
        network.eval();

        var (expected, labels) = new InMemoryValidationRows(even).Forward(network, TorchSharp.torch.CPU, 1);
        var (actual, streamedLabels) = streamed.Forward(network, TorchSharp.torch.CPU, 1);

        Assert.Equal(even.Rows, streamedLabels.Rows);
        Assert.Equal(expected, actual);
        Assert.Equal(labels.Targets, streamedLabels.Targets);
        Assert.Equal(labels.Weights, streamedLabels.Weights);
        Assert.Empty(streamedLabels.Features); // the labels only: features are read again at each evaluation
    }
}
