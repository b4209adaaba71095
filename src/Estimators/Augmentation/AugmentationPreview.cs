using static TorchSharp.torch;

namespace DeepML;

/// <summary>
/// Applies augmentation steps to examples outside training, exactly as a training batch would get them — to look at them
/// (for example as a <see cref="Explainability.HeatmapGrid"/>) or to check a pipeline of steps before a long run.
/// </summary>
public static class AugmentationPreview
{
    /// <summary>
    /// <paramref name="rows"/> examples of <paramref name="features"/> (row-major) as batch <paramref name="batchIndex"/> of epoch
    /// <paramref name="epoch"/> of a run seeded <paramref name="seed"/> would see them; mixup mixes them among themselves. On the CPU.
    /// </summary>
    /// <param name="options">The steps.</param>
    /// <param name="features">Row-major examples.</param>
    /// <param name="rows">Examples; at least 1.</param>
    /// <param name="inputShape">Each example's shape: <c>[C, H, W]</c> for image steps; null for vectors.</param>
    /// <param name="seed">The run's seed.</param>
    /// <param name="epoch">The epoch (1-based in training).</param>
    /// <param name="batchIndex">The batch within the epoch.</param>
    public static float[] Apply(AugmentationOptions options, float[] features, int rows, TensorShape? inputShape, int seed, int epoch = 1, int batchIndex = 0)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(features);
        if (rows < 1 || features.Length % rows != 0)
            throw new ArgumentException($"AugmentationPreview: {features.Length} values are not {rows} examples of equal size.", nameof(features));
        var size = features.Length / rows;
        if (inputShape is not null && inputShape.ElementCount != size)
            throw new ArgumentException($"AugmentationPreview: the input shape {inputShape} holds {inputShape.ElementCount} values, but each example has {size}.", nameof(inputShape));
        foreach (var step in options.Steps)
            step.Check(inputShape, PredictionKind.MulticlassClassification, "AugmentationPreview");
        if (options.Steps.OfType<GaussianNoise>().Any(n => n.Scale == NoiseScale.PerFeatureStandardDeviation))
            throw new ArgumentException("AugmentationPreview: GaussianNoise with Scale = PerFeatureStandardDeviation needs the training data's standard deviations, which a preview does not have; preview it with NoiseScale.Absolute.", nameof(options));
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        using var generator = new Generator(0, CPU);
        var batch = new AugmentationBatch(seed, epoch, batchIndex, rows, CPU, generator);
        var x = tensor(features, [rows, size]);
        var y = AugmentationRun.Apply(options, x, inputShape is { Dims.Count: 3 } ? inputShape : null, batch, null);
        return y.contiguous().data<float>().ToArray();
    }
}
