using DeepML.Estimators.Tests.Trainers;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace DeepML.Estimators.Tests.Compression;

/// <summary>
/// Knowledge distillation end to end: a student trained on labels that carry no information still learns its teacher's
/// function when it learns from the teacher (and does not when it learns from the labels alone), for each task; the
/// per-batch teacher agrees with the cached one; checkpoints resume exactly and refuse another teacher or other options.
/// </summary>
[Collection(TorchTrainingCollection.Name)]
public sealed class DistillationTrainingTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("deepml-distil-").FullName;

    public DistillationTrainingTests() => TorchRuntime.EnsureLoaded();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static NeuralNetworkOptions Student(DistillationOptions? distillation, int epochs = 40) => new()
    {
        Network = Networks.Mlp([16]),
        Epochs = epochs,
        BatchSize = 64,
        LearningRate = 1e-2,
        Seed = 3,
        NumberOfThreads = 1,
        ValidationFraction = 0, // the last epoch's weights: validation on the (noise) labels would pick an early epoch
        Distillation = distillation,
    };

    /// <summary>German Credit with its labels replaced by coin flips: nothing to learn from them.</summary>
    private static IDataView RandomLabels(MLContext ml)
    {
        var (x, _) = TestData.Credit;
        var coin = new Random(17);
        var rows = x.Select(f => new BinaryRow { Features = f, Label = coin.Next(2) == 1 }).ToArray();
        return ml.Data.LoadFromEnumerable(rows, TestData.Definition<BinaryRow>(x[0].Length));
    }

    private static double Correlation(float[] a, float[] b)
    {
        double ma = a.Average(), mb = b.Average(), sab = 0, saa = 0, sbb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return sab / Math.Sqrt(saa * sbb);
    }

    [Fact]
    public void A_binary_student_learns_its_teachers_probabilities_not_the_noise_in_the_labels()
    {
        var ml = new MLContext(seed: 1);
        var teacher = ml.BinaryClassification.Trainers.LbfgsLogisticRegression().Fit(TestData.CreditView(ml));
        var noisy = RandomLabels(ml);
        var expected = teacher.Transform(noisy).GetColumn<float>("Probability").ToArray();

        using var distilled = ml.DeepML().BinaryClassification.NeuralNetwork(Student(new DistillationOptions { Teacher = teacher, SoftLossWeight = 1, Temperature = 1 })).Fit(noisy);
        using var plain = ml.DeepML().BinaryClassification.NeuralNetwork(Student(null)).Fit(noisy);
        var fromTeacher = distilled.Transform(noisy).GetColumn<float>("Probability").ToArray();
        var fromLabels = plain.Transform(noisy).GetColumn<float>("Probability").ToArray();

        Assert.True(Correlation(fromTeacher, expected) > 0.98, $"distilled student vs teacher: r = {Correlation(fromTeacher, expected):F3}");
        Assert.True(fromTeacher.Zip(expected).Average(p => Math.Abs(p.First - p.Second)) < 0.03);
        Assert.True(Correlation(fromLabels, expected) < 0.7, $"label-only student vs teacher: r = {Correlation(fromLabels, expected):F3}");
    }

    [Fact]
    public void A_multiclass_student_at_temperature_3_matches_its_teachers_class_probabilities()
    {
        var ml = new MLContext(seed: 1);
        var iris = TestData.IrisView(ml);
        var teacher = ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(maximumNumberOfIterations: 50).Fit(iris);
        var expected = teacher.Transform(iris).GetColumn<float[]>("Score").ToArray();

        using var student = ml.DeepML().MulticlassClassification.NeuralNetwork(Student(new DistillationOptions { Teacher = teacher, SoftLossWeight = 1, Temperature = 3 }, epochs: 150)).Fit(iris);
        var actual = student.Transform(iris).GetColumn<float[]>("Score").ToArray();
        var meanAbs = actual.Zip(expected).Average(p => p.First.Zip(p.Second).Average(q => Math.Abs(q.First - q.Second)));
        Assert.True(meanAbs < 0.03, $"mean |p_student − p_teacher| = {meanAbs:F4}");
    }

    [Fact]
    public void A_regression_student_learns_its_teachers_predictions_on_a_standardised_label()
    {
        var ml = new MLContext(seed: 1);
        var diabetes = TestData.DiabetesView(ml);
        var teacher = ml.Regression.Trainers.Sdca(maximumNumberOfIterations: 200).Fit(diabetes);
        // The labels are shuffled (same scale, no information); the teacher knows the real relation.
        var (x, y) = TestData.Diabetes;
        var order = new Random(5);
        var shuffled = y.OrderBy(_ => order.Next()).ToArray();
        var rows = x.Select((f, i) => new ValueRow { Features = f, Label = shuffled[i] }).ToArray();
        var noisy = ml.Data.LoadFromEnumerable(rows, TestData.Definition<ValueRow>(10));
        var expected = teacher.Transform(noisy).GetColumn<float>("Score").ToArray();

        using var student = ml.DeepML().Regression.NeuralNetwork(Student(new DistillationOptions { Teacher = teacher, SoftLossWeight = 1 }, epochs: 60)).Fit(noisy);
        var actual = student.Transform(noisy).GetColumn<float>("Score").ToArray();
        Assert.True(Correlation(actual, expected) > 0.98, $"student vs teacher: r = {Correlation(actual, expected):F3}");
        Assert.Equal(expected.Average(), actual.Average(), 0.05); // in label units (σ = 1 here): the standardisation is undone
    }

    [Fact]
    public void A_network_teacher_scored_per_batch_teaches_what_the_cached_teacher_teaches()
    {
        var ml = new MLContext(seed: 1);
        var credit = TestData.CreditView(ml);
        using var teacher = ml.DeepML().BinaryClassification.NeuralNetwork(Student(null, epochs: 10) with { Network = Networks.Mlp([32, 16]) }).Fit(credit);
        using var cached = ml.DeepML().BinaryClassification.NeuralNetwork(Student(new DistillationOptions { Teacher = teacher }, epochs: 8)).Fit(credit);
        using var perBatch = ml.DeepML().BinaryClassification.NeuralNetwork(Student(new DistillationOptions { Teacher = teacher, Evaluation = TeacherEvaluation.PerBatch }, epochs: 8)).Fit(credit);
        var a = cached.Transform(credit).GetColumn<float>("Probability").ToArray();
        var b = perBatch.Transform(credit).GetColumn<float>("Probability").ToArray();
        // Same seed and batches; the teacher's logits differ only by float rounding (ONNX Runtime's probability → logit vs the module's logit).
        Assert.True(a.Zip(b).Max(p => Math.Abs(p.First - p.Second)) < 1e-3);
    }

    [Fact]
    public void A_resumed_distilled_run_ends_with_the_weights_of_an_uninterrupted_one_and_another_teacher_is_refused()
    {
        var ml = new MLContext(seed: 1);
        var credit = TestData.CreditView(ml);
        var teacher = ml.BinaryClassification.Trainers.LbfgsLogisticRegression().Fit(credit);
        var options = Student(new DistillationOptions { Teacher = teacher, Temperature = 2 }, epochs: 4) with { ValidationFraction = 0.2 };
        using var straight = ml.DeepML().BinaryClassification.NeuralNetwork(options).Fit(credit);

        var path = Path.Combine(_folder, "distil.ckpt");
        using (var cancel = new CancellationTokenSource())
        {
            var interrupted = ml.DeepML().BinaryClassification.NeuralNetwork(options with
            {
                CheckpointPath = path, CancellationToken = cancel.Token, Progress = new Inline(p => { if (p.Epoch == 2) cancel.Cancel(); }),
            });
            Assert.ThrowsAny<OperationCanceledException>(() => interrupted.Fit(credit));
        }
        using var resumed = ml.DeepML().BinaryClassification.NeuralNetwork(options with { ResumeFromCheckpoint = path }).Fit(credit);
        Assert.Equal(Weights(straight), Weights(resumed));

        var other = ml.BinaryClassification.Trainers.LbfgsLogisticRegression(l2Regularization: 10).Fit(credit);
        var e = Assert.Throws<ArgumentException>(() => ml.DeepML().BinaryClassification.NeuralNetwork(
            options with { ResumeFromCheckpoint = path, Distillation = options.Distillation! with { Teacher = other } }).Fit(credit));
        Assert.Contains("Resume with the same teacher and DistillationOptions", e.Message);
        e = Assert.Throws<ArgumentException>(() => ml.DeepML().BinaryClassification.NeuralNetwork(
            options with { ResumeFromCheckpoint = path, Distillation = options.Distillation! with { SoftLossWeight = 0.9 } }).Fit(credit));
        Assert.Contains("SoftLossWeight = 0.9", e.Message);
        // A checkpoint written with distillation cannot continue without it (the part is not claimed).
        Assert.Throws<ArgumentException>(() => ml.DeepML().BinaryClassification.NeuralNetwork(options with { ResumeFromCheckpoint = path, Distillation = null }).Fit(credit));
    }

    private static float[] Weights(NetworkScoringTransformer model) =>
        model.Model.Weights.Arrays.OrderBy(kv => kv.Key, StringComparer.Ordinal).SelectMany(kv => kv.Value.Data).ToArray();

    private sealed class Inline(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
