using Xunit;

namespace DeepML.Estimators.Tests.Augmentation;

/// <summary>The preview gives what a training batch gets: a flip with probability 1 mirrors every image; the same draws twice.</summary>
[Collection(TorchTrainingCollection.Name)]
public sealed class AugmentationPreviewTests
{
    [Fact]
    public void A_certain_horizontal_flip_mirrors_every_image_and_the_draws_repeat_for_a_seed()
    {
        var images = Enumerable.Range(0, 2 * 12).Select(i => (float)i).ToArray(); // 2 images [1, 3, 4]
        var shape = new TensorShape(1, 3, 4);
        var flipped = AugmentationPreview.Apply(new AugmentationOptions { Steps = [new HorizontalFlip { Probability = 1 }] }, images, 2, shape, seed: 1);
        for (var n = 0; n < 2; n++)
            for (var r = 0; r < 3; r++)
                for (var c = 0; c < 4; c++)
                    Assert.Equal(images[n * 12 + r * 4 + 3 - c], flipped[n * 12 + r * 4 + c]);
        var erasing = new AugmentationOptions { Steps = [new RandomErasing { Probability = 1, MinArea = 0.2, MaxArea = 0.3 }] };
        Assert.Equal(AugmentationPreview.Apply(erasing, images, 2, shape, seed: 5), AugmentationPreview.Apply(erasing, images, 2, shape, seed: 5));
        Assert.NotEqual(AugmentationPreview.Apply(erasing, images, 2, shape, seed: 5), AugmentationPreview.Apply(erasing, images, 2, shape, seed: 5, epoch: 2));
        var e = Assert.Throws<ArgumentException>(() => AugmentationPreview.Apply(erasing, images, 2, new TensorShape(1, 4, 4), seed: 1));
        Assert.Contains("holds 16 values, but each example has 12", e.Message, StringComparison.Ordinal);
    }
}
