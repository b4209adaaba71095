using System.Globalization;
using System.IO.Compression;
using Microsoft.ML;
using Xunit;

namespace DeepML.Estimators.Tests.Trainers;

/// <summary>The trainer defects a trial run found (issue 9 item 4), each pinned by the values it got wrong.</summary>
[Collection(TorchTrainingCollection.Name)]
public sealed class TrainerDefectTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("deepml-defects-").FullName;

    public TrainerDefectTests() => TorchRuntime.EnsureLoaded();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static NeuralNetworkOptions Small(int epochs) => new()
    {
        Network = Networks.Mlp([8]), Epochs = epochs, BatchSize = 32, ValidationFraction = 0.2, Seed = 3, NumberOfThreads = 1,
    };

    /// <summary>Diabetes with its raw target (25–346, mean 152): the label a user has, not a standardised one.</summary>
    private static IDataView RawDiabetes(MLContext ml, IEnumerable<int> rows)
    {
        using var stream = new GZipStream(File.OpenRead(Path.Combine(TestData.DataDirectory, "sklearn", "diabetes_target.csv.gz")), CompressionMode.Decompress);
        var y = new StreamReader(stream).ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(s => float.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var x = TestData.Diabetes.X;
        return ml.Data.LoadFromEnumerable(rows.Select(i => new ValueRow { Features = x[i], Label = y[i] }).ToArray(), TestData.Definition<ValueRow>(10));
    }

    [Fact]
    public void ABinaryCheckpointIsRefusedByTheRegressionTrainerNamingEachDifference()
    {
        var ml = new MLContext(seed: 1);
        var path = Path.Combine(_folder, "binary.ckpt");
        using (ml.DeepML().BinaryClassification.NeuralNetwork(Small(1) with { CheckpointPath = path }).Fit(TestData.CreditView(ml, 200))) { }
        var regression = ml.DeepML().Regression.NeuralNetwork(Small(2) with { ResumeFromCheckpoint = path });

        var e = Assert.Throws<ArgumentException>(() => regression.Fit(RawDiabetes(ml, Enumerable.Range(0, 200))));
        Assert.Contains($"checkpoint '{path}' was written by a run that differs from this one in 6 setting(s): Task BinaryClassification (this run: Regression); ", e.Message);
        Assert.Contains("Task BinaryClassification (this run: Regression)", e.Message);
        Assert.Contains("FeatureCount 7 (this run: 10)", e.Message);
        Assert.Contains("InputShape [7] (this run: [10])", e.Message);
        Assert.Contains("ClassCount 2 (this run: none (regression))", e.Message);
        Assert.Contains("Loss BinaryCrossEntropy (this run: MeanSquaredError)", e.Message);
        Assert.Contains("StandardizeLabel none (classification) (this run: True)", e.Message);
        Assert.Equal("ResumeFromCheckpoint", e.ParamName);
    }

    [Fact]
    public void EachNetworkOrLossOptionThatDiffersIsNamedWithBothValues()
    {
        var ml = new MLContext(seed: 1);
        var path = Path.Combine(_folder, "regression.ckpt");
        var data = RawDiabetes(ml, Enumerable.Range(0, 200));
        using (ml.DeepML().Regression.NeuralNetwork(Small(1) with { CheckpointPath = path }).Fit(data)) { }
        ArgumentException Resume(NeuralNetworkOptions o) =>
            Assert.Throws<ArgumentException>(() => ml.DeepML().Regression.NeuralNetwork(o with { ResumeFromCheckpoint = path }).Fit(data));

        var huber = Resume(Small(2) with { Loss = LossKind.Huber, HuberDelta = 2 });
        Assert.Contains("in 2 setting(s): Loss MeanSquaredError (this run: Huber); HuberDelta 1 (this run: 2).", huber.Message);
        var raw = Resume(Small(2) with { StandardizeLabel = false });
        Assert.Contains("in 1 setting(s): StandardizeLabel True (this run: False).", raw.Message);
        Assert.Equal("StandardizeLabel", raw.ParamName);
        Assert.Contains("BatchSize 32 (this run: 64)", Resume(Small(2) with { BatchSize = 64 }).Message);
        Assert.Contains("Initializer Default (this run: HeNormal)", Resume(Small(2) with { Initializer = WeightInitializer.HeNormal }).Message);
        using var resumed = ml.DeepML().Regression.NeuralNetwork(Small(2) with { ResumeFromCheckpoint = path }).Fit(data); // the same settings resume
    }

    [Fact]
    public void RegressionOnARawLabelBeatsTheMeanAndScoresInLabelUnits()
    {
        var ml = new MLContext(seed: 1);
        var trainRows = Enumerable.Range(0, 442).Where(i => i % 5 != 0).ToArray();
        var testRows = Enumerable.Range(0, 442).Where(i => i % 5 == 0).ToArray();
        var options = new NeuralNetworkOptions { Seed = 1, NumberOfThreads = 1 };
        using var standardised = ml.DeepML().Regression.NeuralNetwork(options).Fit(RawDiabetes(ml, trainRows));
        using var raw = ml.DeepML().Regression.NeuralNetwork(options with { StandardizeLabel = false }).Fit(RawDiabetes(ml, trainRows));
        var test = RawDiabetes(ml, testRows);
        var r2 = ml.Regression.Evaluate(standardised.Transform(test)).RSquared;
        var r2Raw = ml.Regression.Evaluate(raw.Transform(test)).RSquared;

        Assert.True(r2 > 0.25, $"R² {r2:F3} with the standardised label (SDCA gets about 0.45 on such a split)");
        Assert.True(r2Raw < 0, $"R² {r2Raw:F3} on the raw label: the defect this option fixes (predictions stay near 0, the label's mean is 152)");
        var scores = ml.Data.CreateEnumerable<ScoreRow>(standardised.Transform(test), reuseRowObject: false).Select(s => s.Score).ToArray();
        Assert.InRange(scores.Average(), 120, 185); // label units: the test rows' label mean is 150
    }

    private sealed class ScoreRow
    {
        public float Score { get; set; }
    }

    [Fact]
    public void LabelScaleIsTheWeightedMeanAndStandardDeviationAndFoldsIntoTheOutputLayer()
    {
        var ml = new MLContext(seed: 1);
        var x = new[] { new[] { 0f }, [1f], [2f], [3f] };
        float[] y = [10, 20, 30, 70];
        float[] w = [1, 1, 2, 0];
        var view = ml.Data.LoadFromEnumerable(x.Select((f, i) => new ValueRow { Features = f, Label = y[i], Weight = w[i] }).ToArray(), TestData.Definition<ValueRow>(1));
        var o = new NeuralNetworkOptions { ExampleWeightColumnName = "Weight" };
        var data = TrainingData.Read(view, TrainingSchema.Resolve(view.Schema, o, PredictionKind.Regression, "t"), PredictionKind.Regression, null, "t", "training", default);
        var scale = LabelScale.Of(data);
        Assert.Equal(22.5, scale.Mean, 12);                                        // (10 + 20 + 2·30) / 4
        Assert.Equal(Math.Sqrt((12.5 * 12.5 + 2.5 * 2.5 + 2 * 7.5 * 7.5) / 4), scale.StandardDeviation, 12);
        Assert.Equal([(float)(-12.5 / scale.StandardDeviation), (float)(-2.5 / scale.StandardDeviation)], scale.Standardize(data).Targets[..2]);

        var spec = Networks.Linear().Bind(2, new DenseLayer(1));
        var weights = new NetworkWeights(spec, new Dictionary<string, WeightArray>
        {
            ["0.weight"] = new([0.5f, -2f], [1, 2]), ["0.bias"] = new([0.25f], [1]),
        });
        var folded = new LabelScale(100, 4).Fold(weights);
        Assert.Equal([2f, -8f], folded["0.weight"].Data);                          // σ·W
        Assert.Equal([101f], folded["0.bias"].Data);                               // σ·b + μ
    }

    [Fact]
    public void ASingleClassLeftByTheValidationSplitIsBlamedOnTheSplit()
    {
        var ml = new MLContext(seed: 1);
        var rows = new[] { new BinaryRow { Features = [0f, 1f], Label = false }, new BinaryRow { Features = [1f, 0f], Label = true } };
        var data = ml.Data.LoadFromEnumerable(rows, TestData.Definition<BinaryRow>(2));
        var e = Assert.Throws<InvalidOperationException>(() => ml.DeepML().BinaryClassification.NeuralNetwork(Small(1) with { ValidationFraction = 0.5 }).Fit(data));
        Assert.Contains("after the validation split (ValidationFraction = 0.5) the training rows hold a single class", e.Message);
        Assert.Contains("1 of 2 rows", e.Message);
        Assert.Contains("use a smaller ValidationFraction, pass ValidationData split by class (stratified", e.Message);
        // Without a split the old message stands: the data itself has one class.
        var one = ml.Data.LoadFromEnumerable(rows.Take(1).ToArray(), TestData.Definition<BinaryRow>(2));
        Assert.Contains("the training data holds a single class (false, 1 rows)", Assert.Throws<InvalidOperationException>(
            () => ml.DeepML().BinaryClassification.NeuralNetwork(Small(1) with { ValidationFraction = 0 }).Fit(one)).Message);
    }

    [Fact]
    public void ElapsedContinuesAcrossAResume()
    {
        var ml = new MLContext(seed: 1);
        var data = TestData.CreditView(ml, 200);
        var path = Path.Combine(_folder, "slow.ckpt");
        using var cancel = new CancellationTokenSource();
        // 400 ms in each of the first three reports: the interrupted run has trained for more than 1.2 s at epoch 3.
        var slow = Small(5) with { CheckpointPath = path, CancellationToken = cancel.Token, Progress = new Inline(p => { Thread.Sleep(400); if (p.Epoch == 3) cancel.Cancel(); }) };
        Assert.ThrowsAny<OperationCanceledException>(() => ml.DeepML().BinaryClassification.NeuralNetwork(slow).Fit(data));
        var saved = CheckpointFile.Load(path);
        foreach (var t in saved.Tensors.Values)
            t.Dispose();
        Assert.True(saved.Elapsed >= TimeSpan.FromMilliseconds(800), $"checkpoint elapsed {saved.Elapsed}");

        var trainer = ml.DeepML().BinaryClassification.NeuralNetwork(Small(5) with { ResumeFromCheckpoint = path });
        using var _ = trainer.Fit(data);
        var history = trainer.LastTraining!.History;
        Assert.True(history[3].Elapsed > saved.Elapsed, $"epoch 4 reports {history[3].Elapsed}, the checkpoint after epoch 3 {saved.Elapsed}");
        Assert.True(history[4].Elapsed > history[3].Elapsed);
    }

    [Fact]
    public void NaNFeaturesScoreNaNAndLeaveTheOtherRowsOfTheBatchUnchanged()
    {
        var ml = new MLContext(seed: 1);
        using var model = ml.DeepML().BinaryClassification.NeuralNetwork(Small(2)).Fit(TestData.CreditView(ml, 200));
        var clean = TestData.FeatureRows(TestData.Credit.X, 6);
        var dirty = clean.Select((r, i) => new FeatureRow { Features = i == 2 ? [.. r.Features[..3], float.NaN, .. r.Features[4..]] : r.Features }).ToArray();
        Scored[] Score(FeatureRow[] rows) => ml.Data.CreateEnumerable<Scored>(model.Transform(ml.Data.LoadFromEnumerable(rows, TestData.Definition<FeatureRow>(7))), reuseRowObject: false).ToArray();
        var before = Score(clean);
        var after = Score(dirty);

        Assert.True(float.IsNaN(after[2].Score) && float.IsNaN(after[2].Probability), "NaN in, NaN out");
        Assert.False(after[2].PredictedLabel);                                     // NaN > 0 is false: the negative class
        Assert.All(Enumerable.Range(0, 6).Where(i => i != 2), i => Assert.Equal(before[i].Score, after[i].Score));
        Assert.False(float.IsNaN(before[2].Score));
    }

    private sealed class Scored
    {
        public float Score { get; set; }
        public float Probability { get; set; }
        public bool PredictedLabel { get; set; }
    }

    private sealed class Inline(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
