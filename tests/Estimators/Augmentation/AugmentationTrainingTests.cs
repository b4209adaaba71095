using DeepML.Estimators.Tests.Trainers;
using DeepML.Examples;
using Microsoft.ML;
using Microsoft.ML.Data;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace DeepML.Estimators.Tests.Augmentation;

/// <summary>
/// Augmentation in real runs on a small Fashion-MNIST subset (a tiny CNN on [1, 28, 28]) and on German Credit: reproducible with a
/// seed, bit-identical to a plain run when every probability is 0, never applied to validation (the reported validation loss and
/// accuracy are those of the clean images), bit-identical across a checkpoint resume, refused on a resume with other options, and
/// leak-free.
/// </summary>
[Collection(TorchTrainingCollection.Name)]
public sealed class AugmentationTrainingTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("deepml-aug-").FullName;

    public AugmentationTrainingTests() => TorchRuntime.EnsureLoaded();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly Lazy<(List<FashionRow> Train, List<FashionRow> Valid)> Rows = new(() =>
    {
        var all = FashionMnistData.Load(FashionMnistData.Folder(full: false), train: true, limit: 400);
        return (all.Take(300).ToList(), all.Skip(300).ToList());
    });

    private static (IDataView Train, IDataView Valid) Fashion(MLContext ml)
    {
        var labels = ml.Transforms.Conversion.MapValueToKey("Label", "Class", keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
            .Fit(ml.Data.LoadFromEnumerable(Rows.Value.Train));
        return (labels.Transform(ml.Data.LoadFromEnumerable(Rows.Value.Train)), labels.Transform(ml.Data.LoadFromEnumerable(Rows.Value.Valid)));
    }

    private static readonly AugmentationOptions Images = new()
    {
        Steps = [new HorizontalFlip(), new RandomCrop { Padding = 2 }, new RandomRotation { MinDegrees = -10, MaxDegrees = 10 }, new BrightnessContrast(),
            new RandomErasing(), new GaussianNoise { StandardDeviation = 0.05 }, new Mixup { Alpha = 0.4, Probability = 0.5 }],
    };

    private static NeuralNetworkOptions Cnn(int epochs = 2) => new()
    {
        FeatureColumnName = "Pixels",
        Network = Networks.Cnn([4], [16], dropout: 0.2),
        InputShape = new TensorShape(1, 28, 28),
        Epochs = epochs,
        BatchSize = 32,
        LearningRate = 3e-3,
        ValidationFraction = 0,
        Seed = 3,
        NumberOfThreads = 1,
        Augmentation = Images,
    };

    private static float[] AllWeights(NetworkScoringTransformer model) =>
        model.Model.Weights.Arrays.OrderBy(kv => kv.Key, StringComparer.Ordinal).SelectMany(kv => kv.Value.Data).ToArray();

    [Fact]
    public void The_same_seed_gives_identical_weights_another_seed_others_and_every_probability_0_trains_exactly_like_no_augmentation()
    {
        var ml = new MLContext(seed: 1);
        var (train, _) = Fashion(ml);
        using var first = ml.DeepML().MulticlassClassification.NeuralNetwork(Cnn()).Fit(train);
        using var second = ml.DeepML().MulticlassClassification.NeuralNetwork(Cnn()).Fit(train);
        Assert.Equal(AllWeights(first), AllWeights(second));
        using var other = ml.DeepML().MulticlassClassification.NeuralNetwork(Cnn() with { Seed = 4 }).Fit(train);
        Assert.NotEqual(AllWeights(first), AllWeights(other));

        // Probability 0 everywhere: no step runs, and augmentation draws from its own generators (never TorchSharp's global one,
        // which dropout uses), so the run is bit-identical to one without augmentation; with the probabilities up, it is not.
        var off = new AugmentationOptions { Steps = Images.Steps.Select(s => s with { Probability = 0 }).ToArray() };
        using var plain = ml.DeepML().MulticlassClassification.NeuralNetwork(Cnn() with { Augmentation = null }).Fit(train);
        using var zero = ml.DeepML().MulticlassClassification.NeuralNetwork(Cnn() with { Augmentation = off }).Fit(train);
        Assert.Equal(AllWeights(plain), AllWeights(zero));
        Assert.NotEqual(AllWeights(plain), AllWeights(first));
    }

    /// <summary>Records the inputs the network is trained on (registered after augmentation, so it sees the augmented batch).</summary>
    private sealed class InputProbe : ITrainingExtension
    {
        public List<float[]> Batches { get; } = [];
        public string Name => "InputProbe";
        public void BeforeForward(TrainingStep step) => Batches.Add(step.X.cpu().data<float>().ToArray());
        public void Dispose() { }
    }

    /// <summary>Checks, in the run itself, that every example the network gets is its training row mirrored left to right.</summary>
    private sealed class MirrorCheck : ITrainingExtension
    {
        public int Checked { get; private set; }
        public string Name => "MirrorCheck";
        public void BeforeForward(TrainingStep step)
        {
            var x = step.X.cpu().data<float>().ToArray();
            for (var i = 0; i < step.Rows.Count; i++)
            {
                var row = step.Data.Features.AsSpan(step.Rows[i] * 784, 784);
                for (var p = 0; p < 784; p++)
                    Assert.Equal(row[p / 28 * 28 + 27 - p % 28], x[i * 784 + p]);
                Checked++;
            }
        }
        public void Dispose() { }
    }

    [Fact]
    public void In_a_real_run_the_network_gets_each_rows_own_image_flipped_rows_and_labels_stay_together()
    {
        var ml = new MLContext(seed: 1);
        var (train, _) = Fashion(ml);
        var trainer = ml.DeepML().MulticlassClassification.NeuralNetwork(Cnn(1) with { Augmentation = new AugmentationOptions { Steps = [new HorizontalFlip { Probability = 1 }] } });
        MirrorCheck? check = null;
        trainer.AdditionalExtensions = (_, _) => [check = new MirrorCheck()];
        using var model = trainer.Fit(train);
        Assert.Equal(300, check!.Checked);
    }

    [Fact]
    public void Validation_never_sees_augmentation_the_reported_loss_and_accuracy_are_those_of_the_clean_validation_images()
    {
        var ml = new MLContext(seed: 1);
        var (train, valid) = Fashion(ml);
        // A step that wrecks every training image: 90 % of it set to 5 (pixels are in [0, 1]).
        var wreck = new AugmentationOptions { Steps = [new RandomErasing { Probability = 1, MinArea = 0.9, MaxArea = 0.9, MinAspectRatio = 1, MaxAspectRatio = 1, FillValue = 5 }] };
        var trainer = ml.DeepML().MulticlassClassification.NeuralNetwork(Cnn(3) with { Augmentation = wreck });
        InputProbe? probe = null;
        trainer.AdditionalExtensions = (_, _) => [probe = new InputProbe()];
        using var model = trainer.Fit(train, valid);

        // Training saw the wreck: every example has its 27×27 square of 5s (round(√(0.9·784)) = 27).
        Assert.All(probe!.Batches, batch => Assert.All(batch.Chunk(784), image => Assert.Equal(27 * 27, image.Count(v => v == 5f))));
        Assert.Equal(3 * 10, probe.Batches.Count); // 300 rows, batches of 32: 10 a epoch

        // The loop's validation numbers for the kept epoch equal those of the fitted model (ONNX Runtime, no augmentation) on the clean images.
        var summary = trainer.LastTraining!;
        var kept = summary.History[summary.BestEpoch - 1];
        var scored = model.Transform(valid);
        var accuracy = ml.MulticlassClassification.Evaluate(scored).MicroAccuracy;
        Assert.Equal(accuracy, kept.ValidationMetric!.Value, 6);
        var probabilities = scored.GetColumn<float[]>("Score").ToArray();
        var labels = scored.GetColumn<uint>("Label").ToArray();
        var crossEntropy = probabilities.Zip(labels, (p, y) => -Math.Log(p[y - 1])).Average();
        Assert.Equal(crossEntropy, summary.BestValidationLoss!.Value, 4);

        // Control: the same model on wrecked validation images reports a loss far outside the 1e-4 the comparison above allows
        // (the network barely learns from wrecked images, so it is near ln 10 both ways, but not within 1e-2).
        var wrecked = Rows.Value.Valid.Select(r => new FashionRow { Class = r.Class, Pixels = r.Pixels.Select((v, i) => i / 28 < 27 && i % 28 < 27 ? 5f : v).ToArray() }).ToList();
        var labelled = ml.Transforms.Conversion.MapValueToKey("Label", "Class", keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
            .Fit(ml.Data.LoadFromEnumerable(Rows.Value.Train)).Transform(ml.Data.LoadFromEnumerable(wrecked));
        var wreckedLoss = model.Transform(labelled).GetColumn<float[]>("Score").Zip(labels, (p, y) => -Math.Log(p[y - 1])).Average();
        Assert.True(Math.Abs(wreckedLoss - crossEntropy) > 1e-2, $"validation loss {crossEntropy:F4} clean, {wreckedLoss:F4} wrecked: the control cannot tell them apart");
    }

    private static void Interrupt(MLContext ml, IDataView data, NeuralNetworkOptions options, string checkpoint, int after)
    {
        using var cancel = new CancellationTokenSource();
        var interrupted = ml.DeepML().MulticlassClassification.NeuralNetwork(options with
        {
            CheckpointPath = checkpoint,
            CancellationToken = cancel.Token,
            Progress = new Inline(p => { if (p.Epoch == after) cancel.Cancel(); }),
        });
        Assert.ThrowsAny<OperationCanceledException>(() => interrupted.Fit(data));
    }

    [Fact]
    public void A_run_resumed_from_a_checkpoint_mid_training_ends_bit_identical_and_other_options_are_refused()
    {
        var ml = new MLContext(seed: 1);
        var (train, _) = Fashion(ml);
        var options = Cnn(4) with { ValidationFraction = 0.2 };
        using var uninterrupted = ml.DeepML().MulticlassClassification.NeuralNetwork(options).Fit(train);

        var partial = Path.Combine(_folder, "partial.ckpt");
        Interrupt(ml, train, options, partial, after: 2);
        var trainer = ml.DeepML().MulticlassClassification.NeuralNetwork(options with { ResumeFromCheckpoint = partial });
        using var resumed = trainer.Fit(train);
        Assert.Equal(4, trainer.LastTraining!.History.Count);
        Assert.Equal(AllWeights(uninterrupted), AllWeights(resumed)); // the same draws in epochs 3 and 4 as without the interruption

        var other = options with { ResumeFromCheckpoint = partial, Augmentation = new AugmentationOptions { Steps = [new HorizontalFlip()] } };
        var e = Assert.Throws<ArgumentException>(() => ml.DeepML().MulticlassClassification.NeuralNetwork(other).Fit(train));
        Assert.Equal("Augmentation", e.ParamName);
        Assert.Contains("the checkpoint was augmented with Augmentation[HorizontalFlip{\"Probability\":0.5}, RandomCrop{", e.Message);
        Assert.Contains("this run with Augmentation[HorizontalFlip{\"Probability\":0.5}]. Resume with the same Augmentation, or train from the start.", e.Message);
        var without = Assert.Throws<ArgumentException>(() => ml.DeepML().MulticlassClassification.NeuralNetwork(options with { ResumeFromCheckpoint = partial, Augmentation = null }).Fit(train));
        Assert.Contains("holds the state of training add-on(s) 'Augmentation', which this run does not use", without.Message);

        var plain = Path.Combine(_folder, "plain.ckpt");
        Interrupt(ml, train, options with { Augmentation = null }, plain, after: 1);
        var late = Assert.Throws<ArgumentException>(() => ml.DeepML().MulticlassClassification.NeuralNetwork(options with { ResumeFromCheckpoint = plain }).Fit(train));
        Assert.Equal("Augmentation", late.ParamName);
        Assert.Contains("the checkpoint was trained without augmentation, but this run sets Augmentation", late.Message);
    }

    private static long LiveTensorsAfter(Action fit)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var before = Tensor.TotalCount;
        fit();
        return Tensor.TotalCount - before; // no collection: an undisposed, unreachable tensor still counts
    }

    [Fact]
    public void An_augmented_run_with_checkpoints_leaves_no_more_tensors_alive_than_a_plain_run()
    {
        var ml = new MLContext(seed: 1);
        var (train, _) = Fashion(ml);
        var options = Cnn(2) with { CheckpointPath = Path.Combine(_folder, "leak.ckpt") };
        ml.DeepML().MulticlassClassification.NeuralNetwork(options with { Augmentation = null }).Fit(train).Dispose(); // one-time allocations
        var plain = LiveTensorsAfter(() => ml.DeepML().MulticlassClassification.NeuralNetwork(options with { Augmentation = null }).Fit(train).Dispose());
        var augmented = LiveTensorsAfter(() => ml.DeepML().MulticlassClassification.NeuralNetwork(options).Fit(train).Dispose());
        Assert.Equal(plain, augmented);
    }

    [Fact]
    public void Tabular_noise_per_feature_and_mixup_train_binary_and_regression_networks_that_still_fit()
    {
        var ml = new MLContext(seed: 1);
        var credit = TestData.CreditView(ml);
        var tabular = new AugmentationOptions { Steps = [new GaussianNoise { StandardDeviation = 0.1, Scale = NoiseScale.PerFeatureStandardDeviation }, new Mixup { Alpha = 0.2 }] };
        var options = new NeuralNetworkOptions { Network = Networks.Mlp([16]), Epochs = 15, BatchSize = 64, LearningRate = 1e-2, Seed = 2, ValidationFraction = 0, NumberOfThreads = 1 };
        var normalize = ml.Transforms.NormalizeMeanVariance("Features").Fit(credit);
        var data = normalize.Transform(credit);
        using var plain = ml.DeepML().BinaryClassification.NeuralNetwork(options).Fit(data);
        using var mixed = ml.DeepML().BinaryClassification.NeuralNetwork(options with { Augmentation = tabular }).Fit(data);
        Assert.NotEqual(AllWeights(plain), AllWeights(mixed));
        var aucPlain = ml.BinaryClassification.Evaluate(plain.Transform(data)).AreaUnderRocCurve;
        var aucMixed = ml.BinaryClassification.Evaluate(mixed.Transform(data)).AreaUnderRocCurve;
        Assert.True(aucMixed > 0.7 && aucMixed > aucPlain - 0.1, $"training AUC {aucPlain:F3} plain, {aucMixed:F3} with noise and mixup: the augmented network should still fit");

        var diabetes = TestData.DiabetesView(ml);
        var regression = options with { Augmentation = new AugmentationOptions { Steps = [new Mixup { AllowRegression = true }] } };
        using var values = ml.DeepML().Regression.NeuralNetwork(regression).Fit(diabetes);
        Assert.True(ml.Regression.Evaluate(values.Transform(diabetes)).RSquared > 0.2, "mixup on regression, allowed explicitly, should still fit the diabetes data");
    }

    [Fact]
    public void The_package_readme_example_trains_a_cnn_with_augmentation_and_the_tabular_steps_build()
    {
        var ml = new MLContext(seed: 1);
        var (train, valid) = Fashion(ml);
        var options = new NeuralNetworkOptions
        {
            FeatureColumnName = "Pixels",
            Network = Networks.Cnn(channels: [16, 32], denseUnits: [64]),
            InputShape = new TensorShape(1, 28, 28),                        // image steps need [C, H, W]
            Epochs = 2, // the readme says 15
            Augmentation = new AugmentationOptions
            {
                Steps = [new HorizontalFlip(), new RandomCrop { Padding = 2 }, new RandomErasing(), new Mixup { Alpha = 0.2 }],
            },
        };
        using var model = ml.DeepML().MulticlassClassification.NeuralNetwork(options).Fit(train);
        var tabular = new AugmentationOptions
        {
            Steps = [new GaussianNoise { StandardDeviation = 0.1, Scale = NoiseScale.PerFeatureStandardDeviation }, new Mixup()],
        };
        Assert.Equal(2, tabular.Steps.Count);
        var accuracy = ml.MulticlassClassification.Evaluate(model.Transform(valid)).MicroAccuracy;
        Assert.True(accuracy > 0.3, $"validation accuracy {accuracy:P1} after 2 epochs on 300 images: chance is 10 %");
        Assert.Equal("Augmentation[HorizontalFlip{\"Probability\":0.5}, RandomCrop{\"Padding\":2,\"FillValue\":0,\"Probability\":1}, " +
            "RandomErasing{\"MinArea\":0.02,\"MaxArea\":0.33,\"MinAspectRatio\":0.3,\"MaxAspectRatio\":3.3,\"FillValue\":0,\"Probability\":0.5}, " +
            "Mixup{\"Alpha\":0.2,\"AllowRegression\":false,\"Probability\":1}]", options.Augmentation.ToString());
    }

    private sealed class Inline(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
