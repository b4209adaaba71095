using System.Text.Json;
using static TorchSharp.torch;

namespace DeepML;

/// <summary>
/// On-the-fly augmentation as a training add-on (<see cref="ITrainingExtension"/>): <see cref="ITrainingExtension.BeforeForward"/>
/// replaces <see cref="TrainingStep.X"/> with the batch passed through the steps (<see cref="AugmentationOptions"/>), drawing from
/// generators seeded from (seed, epoch, batch index) (<see cref="AugmentationBatch"/>); with <see cref="Mixup"/>,
/// <see cref="ITrainingExtension.OnLoss"/> turns the task loss into the λ-mixture of the losses against both targets. Nothing is kept
/// between batches, so the checkpoint part holds only the options (a resume with other options, or without augmentation, is refused).
/// Validation never passes through here: the loop evaluates without its extensions.
/// </summary>
internal sealed class AugmentationRun : ITrainingExtension
{
    /// <summary>The checkpoint part's key.</summary>
    public const string PartName = "Augmentation";

    private readonly AugmentationOptions _options;
    private readonly int _seed;
    private readonly TensorShape? _imageShape;
    private readonly TaskLoss _loss;
    private readonly Tensor? _featureSd;
    private readonly Generator _generator = new(0, CPU);

    // The current batch's mixup (set in BeforeForward, used in OnLoss of the same step): λ and the permuted targets and weights.
    private double _lambda = 1;
    private Tensor? _mixedTarget;
    private int _mixedStep = -1;
    private int _step;

    public AugmentationRun(AugmentationOptions options, int seed, TensorShape? inputShape, TaskLoss loss, TrainingData? train, Device device)
    {
        _options = options;
        _seed = seed;
        _imageShape = inputShape is { Dims.Count: 3 } ? inputShape : null;
        _loss = loss;
        if (train is not null && options.Steps.OfType<GaussianNoise>().Any(n => n.Scale == NoiseScale.PerFeatureStandardDeviation))
            _featureSd = tensor(FeatureStandardDeviations(train)).to(device).DetachFromDisposeScope();
    }

    /// <summary>Checks every step against the input shape and the task, when the trainer is made.</summary>
    public static void CheckOptions(NeuralNetworkOptions options, PredictionKind task, string component)
    {
        if (options.Augmentation is not { } augmentation)
            return;
        foreach (var step in augmentation.Steps)
            step.Check(options.InputShape, task, component);
    }

    /// <summary>Each feature's standard deviation over the training rows (population form, in double precision).</summary>
    internal static float[] FeatureStandardDeviations(TrainingData data)
    {
        int n = data.Rows, f = data.FeatureCount;
        var mean = new double[f];
        var square = new double[f];
        for (var r = 0; r < n; r++)
        {
            var row = data.Features.AsSpan(r * f, f);
            for (var j = 0; j < f; j++)
                mean[j] += row[j];
        }
        for (var j = 0; j < f; j++)
            mean[j] /= Math.Max(1, n);
        for (var r = 0; r < n; r++)
        {
            var row = data.Features.AsSpan(r * f, f);
            for (var j = 0; j < f; j++)
                square[j] += (row[j] - mean[j]) * (row[j] - mean[j]);
        }
        return square.Select(s => (float)Math.Sqrt(s / Math.Max(1, n))).ToArray();
    }

    public string Name => PartName;

    /// <summary>The λ of the last mixed batch (1 when the batch was not mixed); for tests.</summary>
    internal double LastLambda => _lambda;

    void ITrainingExtension.BeforeForward(TrainingStep step) => step.X = Augment(step);

    /// <summary>The batch through every step, in the shape it came in.</summary>
    internal Tensor Augment(TrainingStep step)
    {
        _step++;
        _lambda = 1;
        _mixedTarget = null;
        var count = (int)step.X.shape[0];
        var batch = new AugmentationBatch(_seed, step.Epoch, step.BatchIndex, count, step.Device, _generator) { FeatureSd = _featureSd };
        var x = Apply(_options, step.X, _imageShape, batch, (lambda, permutation) =>
        {
            _lambda = lambda;
            _mixedTarget = step.Target.index_select(0, permutation);
            _mixedStep = _step;
        });
        return x;
    }

    /// <summary>
    /// <paramref name="input"/> (one example per row) through every step of <paramref name="options"/>, drawing from
    /// <paramref name="batch"/>; <paramref name="mixed"/> learns mixup's λ and pairing when the batch is mixed. Returns the input's shape.
    /// </summary>
    internal static Tensor Apply(AugmentationOptions options, Tensor input, TensorShape? imageShape, AugmentationBatch batch, Action<double, Tensor>? mixed)
    {
        var count = (int)input.shape[0];
        var flat = input.shape;
        var x = input;
        foreach (var s in options.Steps)
        {
            if (s is Mixup mixup)
            {
                if (batch.Applies(mixup.Probability)[0] && count > 1) // one draw per batch
                {
                    var lambda = batch.Beta(mixup.Alpha);
                    var permutation = batch.Indices(batch.Permutation(count));
                    x = Mixup.Mix(x, permutation, lambda);
                    mixed?.Invoke(lambda, permutation);
                }
                continue;
            }
            var applies = batch.Applies(s.Probability);
            if (!applies.Any(a => a))
                continue;
            var shaped = s.IsImageStep ? x.reshape([count, .. imageShape!.Dims.Select(d => (long)d)]) : x.reshape(count, -1);
            x = batch.Select(applies, s.Apply(shaped, applies, batch), shaped);
        }
        return ReferenceEquals(x, input) ? x : x.reshape(flat);
    }

    Tensor ITrainingExtension.OnLoss(TrainingStep step, Tensor loss) => MixedLoss(step, loss);

    /// <summary>
    /// With a mixed batch: <c>loss + (1 − λ)·(L(yⱼ) − L(yᵢ))</c>, which is <c>λ·L(yᵢ) + (1 − λ)·L(yⱼ)</c> plus whatever the loop added
    /// to the task loss (the L1 penalty, unscaled); otherwise <paramref name="loss"/> unchanged.
    /// </summary>
    internal Tensor MixedLoss(TrainingStep step, Tensor loss)
    {
        if (_mixedTarget is null || _mixedStep != _step)
            return loss;
        var output = step.Output ?? throw new InvalidOperationException("AugmentationRun: mixup's loss needs the network's output; the loop sets it after the forward pass.");
        var own = _loss.Weighted(output, step.Target, step.Weight);
        var partner = _loss.Weighted(output, _mixedTarget, step.Weight);
        return loss + (partner - own) * (1 - _lambda);
    }

    JsonElement? ITrainingExtension.Save(IDictionary<string, Tensor> tensors) => JsonSerializer.SerializeToElement(new AugmentationCheckpoint(_options.ToString()));

    void ITrainingExtension.Restore(JsonElement? header, IReadOnlyDictionary<string, Tensor> tensors)
    {
        var saved = header?.Deserialize<AugmentationCheckpoint>()
            ?? throw new ArgumentException("NeuralNetworkOptions: the checkpoint was trained without augmentation, but this run sets Augmentation. Resume without Augmentation, or train from the start.",
                nameof(NeuralNetworkOptions.Augmentation));
        if (saved.Options != _options.ToString())
            throw new ArgumentException($"NeuralNetworkOptions: the checkpoint was augmented with {saved.Options}, this run with {_options}. Resume with the same Augmentation, or train from the start.",
                nameof(NeuralNetworkOptions.Augmentation));
    }

    public void Dispose()
    {
        _featureSd?.Dispose();
        _generator.Dispose();
    }
}

/// <summary>Augmentation's part of a checkpoint header: the options, described (<see cref="AugmentationOptions.ToString"/>).</summary>
internal sealed record AugmentationCheckpoint(string Options);
