using DeepML.Estimators.Tests.Trainers;
using Microsoft.ML;
using Xunit;

namespace DeepML.Estimators.Tests.Training;

/// <summary>
/// The schedules inside real training runs: the rate each SGD step takes (read back from the
/// weights), the rates reported in progress, the log and the summary, and the errors that the
/// options give before training.
/// </summary>
[Collection(TorchTrainingCollection.Name)]
public sealed class LearningRateScheduleTrainingTests : IDisposable
{
    private const double Base = 0.1;
    private readonly string _folder = Directory.CreateTempSubdirectory("deepml-lr-").FullName;

    public LearningRateScheduleTrainingTests() => TorchRuntime.EnsureLoaded();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>y = 3x + 1 on x in [−1, 1]: a linear network's MSE gradient has a closed form.</summary>
    private static ValueRow[] Line(int rows, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, rows).Select(_ =>
        {
            var x = (float)(rng.NextDouble() * 2 - 1);
            return new ValueRow { Features = [x], Label = 3 * x + 1 };
        }).ToArray();
    }

    private static IDataView View(MLContext ml, ValueRow[] rows) => ml.Data.LoadFromEnumerable(rows, TestData.Definition<ValueRow>(1));

    /// <summary>Each schedule with the closed form of the rate of every epoch (1-based) of a run of one step per epoch.</summary>
    public static TheoryData<string, int> Schedules => new() { { "cosine", 6 }, { "step", 6 }, { "plateau", 8 } };

    private static LearningRateSchedule Schedule(string name) => name switch
    {
        "cosine" => LearningRateSchedule.Cosine(minimum: 0.01).WithWarmUp(2, 0.25),
        "step" => LearningRateSchedule.StepDecay(stepEpochs: 2, gamma: 0.5).WithWarmUp(1, 0.5),
        // A min-delta no loss can beat: every epoch after the first is one without improvement, so the rate halves every other epoch down to the floor.
        _ => LearningRateSchedule.ReduceOnPlateau(factor: 0.5, patience: 1, minDelta: 1e3, cooldown: 1, minimum: Base / 8),
    };

    private static double ClosedForm(string name, int epoch) => name switch
    {
        "cosine" => epoch <= 2 ? Base * (0.25 + 0.75 * (epoch - 1) / 2.0) : 0.01 + (Base - 0.01) * (1 + Math.Cos(Math.PI * (epoch - 3) / 4)) / 2,
        "step" => epoch == 1 ? Base * 0.5 : Base * Math.Pow(0.5, (epoch - 2) / 2),
        _ => new[] { 1, 1, 0.5, 0.5, 0.25, 0.25, 0.125, 0.125 }[epoch - 1] * Base,
    };

    [Theory]
    [MemberData(nameof(Schedules))]
    public void EachSgdStepTakesTheScheduledRate(string name, int epochs)
    {
        var ml = new MLContext(1);
        var train = Line(64, 5);
        var path = Path.Combine(_folder, name + ".ckpt");
        var copies = new List<string>();
        var options = new NeuralNetworkOptions
        {
            Network = Networks.Linear(), Optimizer = OptimizerKind.Sgd, Momentum = 0, LearningRate = Base, Epochs = epochs, BatchSize = 64,
            ValidationData = View(ml, Line(16, 6)), LearningRateSchedule = Schedule(name), CheckpointPath = path, NumberOfThreads = 1, Seed = 3,
            StandardizeLabel = false, // the closed form below is the MSE gradient on the raw label, and the checkpoints hold the raw weights
            Progress = new Inline(p =>
            {
                var copy = Path.Combine(_folder, $"{name}.{p.Epoch}.ckpt"); // the checkpoint is written before progress is reported
                File.Copy(path, copy);
                copies.Add(copy);
            }),
        };
        var trainer = ml.DeepML().Regression.NeuralNetwork(options);
        using var fitted = trainer.Fit(View(ml, train));

        var weights = copies.Select(Weights).ToArray(); // (w, b) after each epoch
        var history = trainer.LastTraining!.History;
        for (var e = 1; e <= epochs; e++)
            Assert.Equal(ClosedForm(name, e), history[e - 1].LearningRate, 14);
        Assert.Equal(ClosedForm(name, epochs), trainer.LastTraining.FinalLearningRate, 14);
        for (var e = 2; e <= epochs; e++)
        {
            // One full-batch step: (w, b) ← (w, b) − lr·∇ MSE, with the MSE gradient computed here in double precision.
            var (w, b) = weights[e - 2];
            double gw = 0, gb = 0;
            foreach (var row in train)
            {
                var residual = w * row.Features[0] + b - row.Label;
                gw += 2 * residual * row.Features[0] / train.Length;
                gb += 2 * residual / train.Length;
            }
            var taken = (w - weights[e - 1].W) / gw; // the rate the step actually used
            Assert.True(Math.Abs(gw * ClosedForm(name, e)) > 1e-2, $"Epoch {e}: the step is too small to measure its rate.");
            Assert.True(Math.Abs(taken / ClosedForm(name, e) - 1) < 2e-4, $"Epoch {e}: the step took rate {taken:R}, the schedule says {ClosedForm(name, e):R}.");
            Assert.Equal(b - ClosedForm(name, e) * gb, weights[e - 1].B, 5);
        }
    }

    private static (double W, double B) Weights(string checkpoint)
    {
        var state = CheckpointFile.Load(checkpoint);
        try
        {
            return (state.Tensors["model/0.weight"].data<float>()[0], state.Tensors["model/0.bias"].data<float>()[0]);
        }
        finally
        {
            foreach (var t in state.Tensors.Values)
                t.Dispose();
        }
    }

    [Fact]
    public void ProgressAndLogReportTheRateOfEachEpochsLastStepAndEveryReduction()
    {
        var ml = new MLContext(1);
        var lines = new List<string>();
        ml.Log += (_, e) => lines.Add(e.Message);
        var options = new NeuralNetworkOptions
        {
            Network = Networks.Linear(), Optimizer = OptimizerKind.Sgd, Momentum = 0, LearningRate = Base, Epochs = 4, BatchSize = 16,
            ValidationData = View(ml, Line(16, 6)), NumberOfThreads = 1, Seed = 3,
            LearningRateSchedule = LearningRateSchedule.ReduceOnPlateau(factor: 0.5, patience: 1, minDelta: 1e3).WithWarmUp(2, 0.2),
        };
        var trainer = ml.DeepML().Regression.NeuralNetwork(options);
        using var _ = trainer.Fit(View(ml, Line(64, 5))); // 4 batches per epoch

        // Warm-up: the last step of epoch e is step 4e − 1 of 8; then plateau halves the rate after every epoch but the first after warm-up.
        double[] expected = [Base * (0.2 + 0.8 * 3 / 8.0), Base * (0.2 + 0.8 * 7 / 8.0), Base, Base / 2];
        var history = trainer.LastTraining!.History;
        for (var e = 0; e < 4; e++)
            Assert.Equal(expected[e], history[e].LearningRate, 15);
        Assert.Equal(Base / 2, trainer.LastTraining.FinalLearningRate); // the reduction after the last epoch is for a step that never comes
        Assert.Contains(lines, l => l.Contains("epoch 1/4: training loss ") && l.Contains($", learning rate {expected[0]:G4}, validation loss "));
        Assert.Contains(lines, l => l.Contains("epoch 3: learning rate reduced to 0.05 (validation loss on a plateau, ReduceOnPlateau(Factor=0.5, Patience=1, MinDelta=1000, Cooldown=0, Minimum=0, WarmUpEpochs=2, WarmUpStartFactor=0.2))."));
        Assert.Contains(lines, l => l.Contains("epoch 4: learning rate reduced to 0.025"));
        Assert.DoesNotContain(lines, l => l.Contains("epoch 2: learning rate reduced")); // warm-up epochs never count
    }

    [Fact]
    public void ReduceOnPlateauWithoutValidationDataFailsBeforeTrainingNamingTheOptionAndTheFix()
    {
        var ml = new MLContext(1);
        var options = new NeuralNetworkOptions
        {
            Network = Networks.Linear(), Epochs = 3, ValidationFraction = 0, NumberOfThreads = 1, Seed = 3,
            LearningRateSchedule = LearningRateSchedule.ReduceOnPlateau(patience: 2),
        };
        var trainer = ml.DeepML().Regression.NeuralNetwork(options);
        var e = Assert.Throws<ArgumentException>(() => trainer.Fit(View(ml, Line(64, 5))));
        Assert.Equal("LearningRateSchedule", e.ParamName);
        Assert.Equal("NeuralNetworkOptions: LearningRateSchedule ReduceOnPlateau(Factor=0.1, Patience=2, MinDelta=0, Cooldown=0, Minimum=0) watches the validation loss, " +
            "but this run has no validation data (ValidationData is null and ValidationFraction is 0). Set ValidationFraction above 0 (for example 0.1), pass ValidationData, " +
            "or choose a schedule that needs no validation (Cosine, StepDecay). (Parameter 'LearningRateSchedule')", e.Message);
        Assert.Null(trainer.LastTraining);

        // Either way of giving validation data makes the same options valid.
        using var withData = trainer.Fit(View(ml, Line(64, 5)), View(ml, Line(16, 6)));
        using var withFraction = ml.DeepML().Regression.NeuralNetwork(options with { ValidationFraction = 0.25 }).Fit(View(ml, Line(64, 5)));
    }

    [Fact]
    public void ScheduleValuesThatContradictOtherOptionsFailWhenTheTrainerIsMade()
    {
        var ml = new MLContext(1);
        var o = new NeuralNetworkOptions { LearningRate = 1e-3, Epochs = 5 };
        var warm = Assert.Throws<ArgumentException>(() => ml.DeepML().Regression.NeuralNetwork(o with { LearningRateSchedule = LearningRateSchedule.Cosine().WithWarmUp(5) }));
        Assert.Equal("LearningRateSchedule", warm.ParamName);
        Assert.StartsWith("NeuralNetworkOptions: LearningRateSchedule Cosine(Minimum=0, WarmUpEpochs=5, WarmUpStartFactor=0.1) warms up for 5 epochs, " +
            "which must be fewer than Epochs (5), or the rate never reaches LearningRate. Shorten the warm-up or raise Epochs.", warm.Message);
        var cosine = Assert.Throws<ArgumentException>(() => ml.DeepML().BinaryClassification.NeuralNetwork(o with { LearningRateSchedule = LearningRateSchedule.Cosine(minimum: 1e-3) }));
        Assert.StartsWith("NeuralNetworkOptions: LearningRateSchedule Cosine(Minimum=0.001) has Minimum 0.001, which must be below LearningRate (0.001), " +
            "the rate it decays from. Lower Minimum or raise LearningRate.", cosine.Message);
        var plateau = Assert.Throws<ArgumentException>(() => ml.DeepML().MulticlassClassification.NeuralNetwork(o with { LearningRateSchedule = LearningRateSchedule.ReduceOnPlateau(minimum: 0.01) }));
        Assert.Contains("has Minimum 0.01, which must be below LearningRate (0.001)", plateau.Message);
        Assert.NotNull(ml.DeepML().Regression.NeuralNetwork(o with { LearningRateSchedule = LearningRateSchedule.Cosine(1e-4).WithWarmUp(4) }));
    }

    private sealed class Inline(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
