using static TorchSharp.torch;

namespace DeepML.Estimators.Tests.Augmentation;

/// <summary>Hand-made batches and an augmentation run over them, without a trainer.</summary>
internal static class AugmentationTestKit
{
    /// <summary>A batch of <paramref name="count"/> images [C, H, W] whose pixel values are all distinct: b·1000 + c·100 + y·10 + x.</summary>
    public static float[] Distinct(int count, int c, int h, int w)
    {
        var values = new float[count * c * h * w];
        for (var b = 0; b < count; b++)
            for (var ch = 0; ch < c; ch++)
                for (var y = 0; y < h; y++)
                    for (var x = 0; x < w; x++)
                        values[((b * c + ch) * h + y) * w + x] = b * 1000 + ch * 100 + y * 10 + x + 1;
        return values;
    }

    /// <summary>The batch's flat inputs [B, C·H·W], as the loop hands them to the add-ons.</summary>
    public static Tensor Flat(float[] values, int count) => tensor(values, [count, values.Length / count]);

    /// <summary>A training step over <paramref name="x"/> with class targets <paramref name="target"/> (weights 1).</summary>
    public static TrainingStep Step(Tensor x, Tensor target, int epoch = 1, int batchIndex = 0, Tensor? weight = null) => new()
    {
        Epoch = epoch, BatchIndex = batchIndex, Rows = new ArraySegment<int>(new int[x.shape[0]]), Data = null!, Device = CPU,
        X = x, Target = target, Weight = weight ?? ones(x.shape[0]),
    };

    /// <summary>An augmentation run of <paramref name="steps"/> over images of <paramref name="shape"/> (null: vectors), multiclass with 3 classes.</summary>
    public static AugmentationRun Run(TensorShape? shape, int seed, params AugmentationStep[] steps) =>
        new(new AugmentationOptions { Steps = steps }, seed, shape, new TaskLoss(PredictionKind.MulticlassClassification, LossKind.Default, 1, 3), null, CPU);

    /// <summary>The augmented batch of one step as managed values.</summary>
    public static float[] Augmented(AugmentationRun run, Tensor x, int epoch = 1, int batchIndex = 0)
    {
        using var scope = NewDisposeScope();
        var step = Step(x, zeros(x.shape[0], ScalarType.Int64), epoch, batchIndex);
        return run.Augment(step).contiguous().data<float>().ToArray();
    }

    /// <summary>Example <paramref name="b"/>'s pixel (c, y, x) of a flat batch of [C, H, W] images.</summary>
    public static float At(float[] values, int b, int c, int y, int x, int channels, int h, int w) => values[((b * channels + c) * h + y) * w + x];
}
