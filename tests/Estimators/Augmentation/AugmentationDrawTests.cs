using Xunit;
using static DeepML.Estimators.Tests.Augmentation.AugmentationTestKit;
using static TorchSharp.torch;

namespace DeepML.Estimators.Tests.Augmentation;

/// <summary>
/// The draws: seeded by (seed, epoch, batch index) alone; mixup's inputs are λ·xᵢ + (1 − λ)·xⱼ for one drawn λ and pairing, and its
/// loss equals the λ-mixture of the two task losses computed independently; Gaussian noise has the asked spread, absolute or per feature.
/// </summary>
public sealed class AugmentationDrawTests
{
    public AugmentationDrawTests() => TorchRuntime.EnsureLoaded();

    private static readonly AugmentationStep[] Mixed = [new HorizontalFlip(), new RandomCrop { Padding = 1 }, new RandomErasing(), new RandomRotation(), new GaussianNoise()];

    [Fact]
    public void The_same_seed_epoch_and_batch_draw_the_same_augmentation_and_another_epoch_batch_or_seed_draws_anew()
    {
        const int n = 16;
        var values = Distinct(n, 2, 4, 5);
        using var x = Flat(values, n);
        var shape = new TensorShape(2, 4, 5);
        using var first = Run(shape, 7, Mixed);
        using var again = Run(shape, 7, Mixed);
        using var other = Run(shape, 8, Mixed);
        var a = Augmented(first, x, epoch: 3, batchIndex: 2);
        Assert.Equal(a, Augmented(again, x, epoch: 3, batchIndex: 2)); // a fresh run (a resumed process) draws the same
        Assert.Equal(a, Augmented(first, x, epoch: 3, batchIndex: 2)); // and the same run again: no state carried between batches
        Assert.NotEqual(a, Augmented(first, x, epoch: 4, batchIndex: 2));
        Assert.NotEqual(a, Augmented(first, x, epoch: 3, batchIndex: 1));
        Assert.NotEqual(a, Augmented(other, x, epoch: 3, batchIndex: 2));
        Assert.NotEqual(values, a);
    }

    [Fact]
    public void Mixup_mixes_each_input_with_one_partner_and_its_loss_is_the_lambda_mixture_of_the_two_losses_computed_independently()
    {
        const int n = 8, f = 3, classes = 3;
        var rng = new Random(4);
        var values = Enumerable.Range(0, n * f).Select(_ => (float)rng.NextDouble()).ToArray();
        long[] labels = [0, 1, 2, 0, 1, 2, 0, 1];
        float[] weights = [1, 2, 0.5f, 1, 1, 3, 1, 0.25f];
        using var run = Run(null, 5, new Mixup { Alpha = 1 }); // α = 1: λ uniform, far from 0 and 1 in general
        using var scope = NewDisposeScope();
        var step = Step(Flat(values, n), tensor(labels), weight: tensor(weights));
        var mixed = run.Augment(step).data<float>().ToArray();
        var lambda = run.LastLambda;
        Assert.InRange(lambda, 0.01, 0.99);

        // Each mixed row is λ·xᵢ + (1 − λ)·xⱼ for exactly one j; together the partners are a permutation.
        var partner = new int[n];
        for (var i = 0; i < n; i++)
        {
            var fits = Enumerable.Range(0, n).Where(j => Enumerable.Range(0, f).All(k => Math.Abs(mixed[i * f + k] - (lambda * values[i * f + k] + (1 - lambda) * values[j * f + k])) < 1e-5)).ToArray();
            partner[i] = Assert.Single(fits);
        }
        Assert.Equal(Enumerable.Range(0, n), partner.Order());

        // The network's output for the mixed batch (any logits will do) and the loop's task loss against the own labels.
        var logits = Enumerable.Range(0, n * classes).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        step.Output = tensor(logits, [n, classes]);
        var task = new TaskLoss(PredictionKind.MulticlassClassification, LossKind.Default, 1, classes);
        var own = task.Weighted(step.Output, step.Target, step.Weight);
        var loss = run.MixedLoss(step, own).item<float>();

        double CrossEntropy(int i, long y)
        {
            var row = logits.Skip(i * classes).Take(classes).Select(v => (double)v).ToArray();
            var max = row.Max();
            return max + Math.Log(row.Sum(v => Math.Exp(v - max))) - row[y];
        }
        double Weighted(Func<int, long> target) => Enumerable.Range(0, n).Sum(i => weights[i] * CrossEntropy(i, target(i))) / weights.Sum();
        var expected = lambda * Weighted(i => labels[i]) + (1 - lambda) * Weighted(i => labels[partner[i]]);
        Assert.Equal(expected, loss, 1e-5);
    }

    [Fact]
    public void Mixup_with_probability_0_or_on_a_batch_of_one_leaves_inputs_and_loss_alone()
    {
        using var run = Run(null, 5, new Mixup { Probability = 0 });
        using var scope = NewDisposeScope();
        var step = Step(tensor(new float[] { 1, 2, 3, 4 }, [2, 2]), tensor(new long[] { 0, 1 }));
        Assert.Equal([1f, 2, 3, 4], run.Augment(step).data<float>().ToArray());
        using var loss = tensor(0.75f);
        step.Output = zeros(2, 3);
        Assert.Same(loss, run.MixedLoss(step, loss));
        Assert.Equal(1, run.LastLambda);
    }

    [Fact]
    public void Gaussian_noise_has_the_asked_spread_absolute_and_scaled_by_each_features_training_standard_deviation()
    {
        const int n = 4000;
        using var x = zeros(n, 3);
        using var absolute = Run(null, 2, new GaussianNoise { StandardDeviation = 0.5 });
        var noisy = Augmented(absolute, x);
        double Sd(float[] v, int feature) => Math.Sqrt(Enumerable.Range(0, n).Select(i => (double)v[i * 3 + feature]).Select(d => d * d).Average());
        for (var k = 0; k < 3; k++)
            Assert.InRange(Sd(noisy, k), 0.47, 0.53); // σ̂ of 4,000 draws: 0.5 ± 0.011 (1σ)

        using var sd = tensor(new float[] { 2, 0, 0.1f });
        var scaled = new float[n * 3];
        using (NewDisposeScope())
        {
            using var generator = new Generator(0, CPU);
            var batch = new AugmentationBatch(2, 1, 0, n, CPU, generator) { FeatureSd = sd };
            new GaussianNoise { StandardDeviation = 0.5, Scale = NoiseScale.PerFeatureStandardDeviation }.Apply(x, new bool[n], batch).data<float>().ToArray().CopyTo(scaled, 0);
        }
        Assert.InRange(Sd(scaled, 0), 0.94, 1.06); // 0.5 × 2
        Assert.Equal(0, Sd(scaled, 1));            // a constant feature gets no noise
        Assert.InRange(Sd(scaled, 2), 0.047, 0.053);
    }
}
