using DeepML.Estimators.Tests.Fairness;
using DeepML.Estimators.Tests.Trainers;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace DeepML.Estimators.Tests.Training.Streaming;

/// <summary>
/// Streamed training with a buffer smaller than the data: it converges (against the closed form of the model that made
/// the rows), is a function of the seed, refuses what it cannot support with a fixable message, and resumes at epoch boundaries.
/// </summary>
[Collection(TorchTrainingCollection.Name)]
public sealed class StreamingBehaviourTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("deepml-streaming-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly float[] TrueWeights = [1.5f, -1.0f, 0.8f, 0f, -0.5f, 1.2f, 0.3f, -0.9f];
    private const float TrueBias = -0.3f;

    /// <summary>Rows from a known logistic model: x ~ N(0, 1)⁸, P(y = 1 | x) = σ(w·x + b).</summary>
    private static (BinaryRow[] Rows, double[] Logits) Logistic(int count, int seed)
    {
        var rng = new Random(seed);
        var rows = new BinaryRow[count];
        var logits = new double[count];
        for (var i = 0; i < count; i++)
        {
            var x = new float[TrueWeights.Length];
            double z = TrueBias;
            for (var j = 0; j < x.Length; j++)
            {
                x[j] = (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
                z += TrueWeights[j] * x[j];
            }
            logits[i] = z;
            rows[i] = new BinaryRow { Features = x, Label = rng.NextDouble() < 1 / (1 + Math.Exp(-z)) };
        }
        return (rows, logits);
    }

    private static NeuralNetworkOptions Small(int seed) => new()
    {
        Network = Networks.Mlp([16]),
        Epochs = 3,
        BatchSize = 64,
        LearningRate = 3e-3,
        ValidationFraction = 0.1,
        Seed = seed,
        NumberOfThreads = 1,
        Streaming = new StreamingOptions { Mode = StreamingMode.Always, ShuffleBufferRows = 512 },
    };

    private static IDataView View(MLContext ml, BinaryRow[] rows) => ml.Data.LoadFromEnumerable(rows, TestData.Definition<BinaryRow>(TrueWeights.Length));

    [Fact]
    public void ASmallBufferConvergesToTheTrueModelsAucOnFreshRows()
    {
        var ml = new MLContext(seed: 1);
        var (train, _) = Logistic(20_000, seed: 1);
        var (fresh, logits) = Logistic(5_000, seed: 2);
        var trainer = ml.DeepML().BinaryClassification.NeuralNetwork(Small(4));
        using var model = trainer.Fit(View(ml, train));

        var scores = StreamingEquivalenceTests.Scores(model.Transform(View(ml, fresh))).Select(s => (double)s).ToArray();
        var labels = fresh.Select(r => r.Label).ToArray();
        var learned = DeepML.StreamingProbe.MannWhitney.Auc(scores, labels);
        var truth = DeepML.StreamingProbe.MannWhitney.Auc(logits, labels); // the Bayes-optimal ranking on the same rows

        Assert.True(trainer.LastTraining!.Streamed);
        Assert.InRange(truth, 0.80, 0.95);            // the task is learnable but noisy
        Assert.InRange(learned, truth - 0.01, truth);  // within 0.01 of the true model (it cannot rank better, up to sampling noise)
    }

    [Fact]
    public void TheSameSeedGivesTheSameModelAndAnotherSeedAnotherOrder()
    {
        var ml = new MLContext(seed: 1);
        var (rows, _) = Logistic(3_000, seed: 3);
        var data = View(ml, rows);
        float[] Fit(int seed)
        {
            using var model = ml.DeepML().BinaryClassification.NeuralNetwork(Small(seed) with { Epochs = 2 }).Fit(data);
            return StreamingEquivalenceTests.Scores(model.Transform(data));
        }
        var once = Fit(5);
        Assert.Equal(once, Fit(5));
        Assert.NotEqual(once, Fit(6));
    }

    [Fact]
    public void AutoReadsIntoMemoryWhenTheRowsFit()
    {
        var ml = new MLContext(seed: 1);
        var trainer = ml.DeepML().BinaryClassification.NeuralNetwork(Small(1) with { Epochs = 1, Streaming = new StreamingOptions() });
        using var _ = trainer.Fit(TestData.CreditView(ml));
        Assert.False(trainer.LastTraining!.Streamed);
    }

    [Fact]
    public void ANanLabelFailsNamingItsRowAsInMemory()
    {
        var ml = new MLContext(seed: 1);
        var (x, y) = TestData.Diabetes;
        var rows = x.Select((f, i) => new ValueRow { Features = f, Label = i == 37 ? float.NaN : y[i] }).ToArray();
        var data = ml.Data.LoadFromEnumerable(rows, TestData.Definition<ValueRow>(10));
        string Message(StreamingMode mode) => Assert.Throws<InvalidOperationException>(() =>
            ml.DeepML().Regression.NeuralNetwork(Small(1) with { Streaming = new StreamingOptions { Mode = mode } }).Fit(data)).Message;

        var streamed = Message(StreamingMode.Always);
        Assert.Equal("RegressionNeuralNetworkTrainer: training row 37, label column 'Label' holds NaN; regression labels must be finite. Filter or impute these rows first.", streamed);
        Assert.Equal(Message(StreamingMode.Never), streamed);
    }

    [Fact]
    public void AdversarialDebiasingIsRefusedNamingTheAddOnAndTheOption()
    {
        var ml = new MLContext(seed: 1);
        var data = ProxyBiasData.Load(ml, ProxyBiasData.Rows(200, 1));
        var e = Assert.Throws<NotSupportedException>(() => ml.DeepML().BinaryClassification.NeuralNetwork(Small(1) with
        {
            AdversarialDebiasing = new AdversarialDebiasingOptions { SensitiveColumnName = "Group" },
        }).Fit(data));
        Assert.Equal("BinaryNeuralNetworkTrainer: AdversarialDebiasing needs every training row's sensitive group held in memory, which streamed training does not keep " +
            "(Streaming.Mode is Always; see NeuralNetworkOptions.Streaming). To fix it, set Streaming = new StreamingOptions { Mode = StreamingMode.Auto } (or Never) " +
            "so that rows that fit are read into memory, or remove AdversarialDebiasing.", e.Message);
    }

    [Fact]
    public void CachedDistillationIsRefusedUnderAutoWithTheFixForDataThatDoNotFit()
    {
        var ml = new MLContext(seed: 1);
        var teacher = ml.Transforms.CopyColumns("A", "Features").Fit(TestData.CreditView(ml));
        var options = Small(1) with { Distillation = new DistillationOptions { Teacher = teacher } };
        // The wording for Auto (data too large) differs from Always only in the reason and the last fix.
        var e = StreamingPlan.Refusal("BinaryNeuralNetworkTrainer", "Distillation with Evaluation = Cached", "the teacher's outputs cached for every training row",
            "Streaming.Mode is Auto and the training data do not fit in memory (2,000,000 rows × 32 features)", "use Evaluation = TeacherEvaluation.PerBatch (a DeepML teacher scored on every batch), ");
        Assert.Equal("BinaryNeuralNetworkTrainer: Distillation with Evaluation = Cached needs the teacher's outputs cached for every training row, which streamed training does not keep " +
            "(Streaming.Mode is Auto and the training data do not fit in memory (2,000,000 rows × 32 features); see NeuralNetworkOptions.Streaming). " +
            "To fix it, use Evaluation = TeacherEvaluation.PerBatch (a DeepML teacher scored on every batch), train on a sample that fits in memory (ml.Data.TakeRows), " +
            "run with more memory, or remove Distillation with Evaluation = Cached.", e.Message);
        var fit = Assert.Throws<NotSupportedException>(() => ml.DeepML().BinaryClassification.NeuralNetwork(options).Fit(TestData.CreditView(ml)));
        Assert.Equal("BinaryNeuralNetworkTrainer: Distillation with Evaluation = Cached needs the teacher's outputs cached for every training row, which streamed training does not keep " +
            "(Streaming.Mode is Always; see NeuralNetworkOptions.Streaming). To fix it, use Evaluation = TeacherEvaluation.PerBatch (a DeepML teacher scored on every batch), " +
            "set Streaming = new StreamingOptions { Mode = StreamingMode.Auto } (or Never) so that rows that fit are read into memory, or remove Distillation with Evaluation = Cached.", fit.Message);
    }

    [Fact]
    public void CancellationStopsAStreamedEpochWithinOneBatch()
    {
        var ml = new MLContext(seed: 1);
        var (rows, _) = Logistic(5_000, seed: 5);
        using var cancel = new CancellationTokenSource();
        var batches = 0;
        var trainer = ml.DeepML().BinaryClassification.NeuralNetwork(Small(1) with { Epochs = 50, CancellationToken = cancel.Token });
        trainer.AdditionalExtensions = (_, _) => [new CancelAfter(3, cancel, () => batches++)];
        Assert.ThrowsAny<OperationCanceledException>(() => trainer.Fit(View(ml, rows)));
        Assert.Equal(3, batches); // the batch that cancelled was the last one trained
    }

    /// <summary>Cancels the run after its n-th optimizer step.</summary>
    private sealed class CancelAfter(int steps, CancellationTokenSource cancel, Action counted) : ITrainingExtension
    {
        private int _steps;

        public string Name => "cancel-after";

        public void Dispose()
        {
        }

        public void AfterStep(TrainingStep step)
        {
            counted();
            if (++_steps == steps)
                cancel.Cancel();
        }
    }

    [Fact]
    public void ADataFittedLayerIsRefusedWhenTheBufferDoesNotHoldEveryRow()
    {
        var ml = new MLContext(seed: 1);
        var options = Small(1) with { Network = Networks.MlpWithEmbeddings([16], NumericEmbeddingKind.PiecewiseLinear, slots: [0, 1], bins: 8), Epochs = 1 };
        var e = Assert.Throws<NotSupportedException>(() => ml.DeepML().BinaryClassification.NeuralNetwork(options).Fit(TestData.CreditView(ml)));
        Assert.Equal("BinaryNeuralNetworkTrainer: layer 0 (PiecewiseLinearEncoding) needs all the training rows to fit its buffers, which streamed training does not keep " +
            "(Streaming.Mode is Always; see NeuralNetworkOptions.Streaming). To fix it, raise Streaming.ShuffleBufferRows to at least the 900 training rows " +
            "(so that the buffer holds them all), set Streaming = new StreamingOptions { Mode = StreamingMode.Auto } (or Never) so that rows that fit are read into memory, " +
            "or remove layer 0 (PiecewiseLinearEncoding).", e.Message);
        // With a buffer that holds every row the layer fits its bins on them, as in memory.
        var whole = ml.DeepML().BinaryClassification.NeuralNetwork(options with { Streaming = options.Streaming with { ShuffleBufferRows = 1_000 } });
        using var _ = whole.Fit(TestData.CreditView(ml));
        Assert.True(whole.LastTraining!.Streamed);
    }

    [Fact]
    public void AStreamedRunResumedAtAnEpochBoundaryEndsAsAnUninterruptedOne()
    {
        var ml = new MLContext(seed: 1);
        var (rows, _) = Logistic(3_000, seed: 4);
        var data = View(ml, rows);
        var options = Small(9) with { Epochs = 4, Network = Networks.Mlp([16], dropout: 0.2) };
        using var uninterrupted = ml.DeepML().BinaryClassification.NeuralNetwork(options).Fit(data);

        var path = Path.Combine(_folder, "streamed.ckpt");
        using (ml.DeepML().BinaryClassification.NeuralNetwork(options with { Epochs = 2, CheckpointPath = path }).Fit(data)) { }
        var resumer = ml.DeepML().BinaryClassification.NeuralNetwork(options with { ResumeFromCheckpoint = path });
        using var resumed = resumer.Fit(data);

        Assert.True(resumer.LastTraining!.Streamed);
        Assert.Equal(4, resumer.LastTraining.History.Count);
        Assert.Equal(StreamingEquivalenceTests.Scores(uninterrupted.Transform(data)), StreamingEquivalenceTests.Scores(resumed.Transform(data)));
    }

    [Fact]
    public void AViewWhoseCursorsDisagreeWithItsRowCountFailsNamingBoth()
    {
        var ml = new MLContext(seed: 1);
        var data = new ClaimedRowCount(TestData.CreditView(ml), 1_200); // claims 1,200 rows, holds 1,000
        var e = Assert.Throws<InvalidOperationException>(() => ml.DeepML().BinaryClassification.NeuralNetwork(Small(1)).Fit(data));
        Assert.Equal("BinaryNeuralNetworkTrainer: the training data's cursor returned 1,000 rows where 1,200 were expected (its row count, or the rows of an earlier pass). " +
            "Streamed training reads the data once per epoch and needs a data view that returns the same rows on every cursor; cache it (ml.Data.Cache) or save it to a file first.", e.Message);
    }

    private sealed class ClaimedRowCount(IDataView inner, long rows) : IDataView
    {
        public bool CanShuffle => false;
        public DataViewSchema Schema => inner.Schema;
        public long? GetRowCount() => rows;
        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => inner.GetRowCursor(columnsNeeded);
        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [inner.GetRowCursor(columnsNeeded)];
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void ABufferOfNoRowsIsRefusedWhenBuilt(int rows)
    {
        var e = Assert.Throws<ArgumentException>(() => new StreamingOptions { ShuffleBufferRows = rows });
        Assert.Equal("ShuffleBufferRows", e.ParamName);
        Assert.StartsWith($"StreamingOptions: ShuffleBufferRows must be at least 1, got {rows}.", e.Message);
        Assert.Equal("Mode", Assert.Throws<ArgumentException>(() => new StreamingOptions { Mode = (StreamingMode)7 }).ParamName);
        Assert.Equal("Streaming", Assert.Throws<ArgumentNullException>(() => new NeuralNetworkOptions { Streaming = null! }).ParamName);
    }
}
