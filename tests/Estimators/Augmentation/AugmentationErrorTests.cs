using Microsoft.ML;
using Xunit;

namespace DeepML.Estimators.Tests.Augmentation;

/// <summary>Bad augmentation options fail where they are written or when the trainer is made, naming the option and saying what would fit.</summary>
public sealed class AugmentationErrorTests
{
    private static NeuralNetworkOptions Images(params AugmentationStep[] steps) => new()
    {
        Network = Networks.Cnn([4], [8]), InputShape = new TensorShape(1, 8, 8), Epochs = 1,
        Augmentation = new AugmentationOptions { Steps = steps },
    };

    [Fact]
    public void An_image_step_on_a_network_without_a_C_H_W_input_shape_is_refused_saying_what_the_input_is()
    {
        var ml = new MLContext(1);
        var flat = new NeuralNetworkOptions { Augmentation = new AugmentationOptions { Steps = [new HorizontalFlip()] } };
        var e = Assert.Throws<ArgumentException>(() => ml.DeepML().BinaryClassification.NeuralNetwork(flat));
        Assert.Equal("Augmentation", e.ParamName);
        Assert.StartsWith("BinaryNeuralNetworkTrainer: augmentation step HorizontalFlip works on images and needs an input of shape [C, H, W], but the network's input is a flat feature vector [F] (NeuralNetworkOptions.InputShape is null). " +
            "Declare InputShape = new TensorShape(channels, height, width), or use only GaussianNoise and Mixup on vector inputs.", e.Message);

        var vector = flat with { InputShape = new TensorShape(64), Augmentation = new AugmentationOptions { Steps = [new GaussianNoise(), new RandomCrop()] } };
        var v = Assert.Throws<ArgumentException>(() => ml.DeepML().MulticlassClassification.NeuralNetwork(vector));
        Assert.Contains("augmentation step RandomCrop works on images and needs an input of shape [C, H, W], but the network's input is [64].", v.Message);

        _ = ml.DeepML().BinaryClassification.NeuralNetwork(flat with { Augmentation = new AugmentationOptions { Steps = [new GaussianNoise(), new Mixup()] } }); // vector steps are fine
    }

    [Theory]
    [InlineData(-181.0)]
    [InlineData(180.5)]
    [InlineData(double.NaN)]
    public void A_rotation_angle_outside_minus_180_to_180_is_refused_naming_the_bound(double degrees)
    {
        var min = Assert.Throws<ArgumentException>(() => new RandomRotation { MinDegrees = degrees });
        Assert.Equal("MinDegrees", min.ParamName);
        Assert.StartsWith("RandomRotation: MinDegrees must be in [-180, 180], got ", min.Message);
        Assert.Equal("MaxDegrees", Assert.Throws<ArgumentException>(() => new RandomRotation { MaxDegrees = degrees }).ParamName);
        var swapped = Assert.Throws<ArgumentException>(() => new AugmentationOptions { Steps = [new RandomRotation { MinDegrees = 20, MaxDegrees = 10 }] });
        Assert.Equal("MinDegrees", swapped.ParamName); // where the options are written, not when training starts
        Assert.StartsWith("RandomRotation: MinDegrees (20) is above MaxDegrees (10); expected MinDegrees ≤ MaxDegrees. Swap them.", swapped.Message);
        Assert.Equal("MinArea", Assert.Throws<ArgumentException>(() => new AugmentationOptions { Steps = [new RandomErasing { MinArea = 0.5, MaxArea = 0.2 }] }).ParamName);
        Assert.Equal("MinAspectRatio", Assert.Throws<ArgumentException>(() => new AugmentationOptions { Steps = [new RandomResizedCrop { MinAspectRatio = 2, MaxAspectRatio = 1 }] }).ParamName);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.01)]
    [InlineData(double.PositiveInfinity)]
    public void A_probability_outside_0_to_1_is_refused_by_every_step(double p)
    {
        AugmentationStep Make(Func<AugmentationStep> step) => step();
        foreach (var make in new Func<AugmentationStep>[] { () => new HorizontalFlip { Probability = p }, () => new RandomErasing { Probability = p }, () => new Mixup { Probability = p }, () => new GaussianNoise { Probability = p } })
        {
            var e = Assert.Throws<ArgumentException>(() => Make(make));
            Assert.Equal("Probability", e.ParamName);
            Assert.Contains(": Probability must be in [0, 1] (the chance that an example is transformed), got ", e.Message);
        }
    }

    [Fact]
    public void Crop_translation_and_erasing_sizes_that_do_not_fit_the_image_are_refused_when_the_trainer_is_made()
    {
        var ml = new MLContext(1);
        var crop = Assert.Throws<ArgumentException>(() => ml.DeepML().MulticlassClassification.NeuralNetwork(Images(new RandomCrop { Padding = 8 })));
        Assert.Equal("Augmentation", crop.ParamName);
        Assert.StartsWith("MulticlassNeuralNetworkTrainer: augmentation step RandomCrop: Padding 8 does not fit the input images [1, 8, 8] (8×8 pixels). Use a Padding below 8", crop.Message);

        var shift = Assert.Throws<ArgumentException>(() => ml.DeepML().MulticlassClassification.NeuralNetwork(Images(new RandomTranslation { MaxFraction = 0.05 })));
        Assert.Contains("RandomTranslation: MaxFraction 0.05 does not fit the input images [1, 8, 8] (8×8 pixels). It rounds to a shift of 0 pixels", shift.Message);

        var erase = Assert.Throws<ArgumentException>(() => ml.DeepML().MulticlassClassification.NeuralNetwork(Images(new RandomErasing { MinArea = 0.001, MaxArea = 0.002 })));
        Assert.Contains("RandomErasing: area fraction [0.001, 0.002] with aspect ratio [0.3, 3.3] does not fit the input images [1, 8, 8] (8×8 pixels). No rectangle of these ranges covers at least one pixel", erase.Message);
        var whole = Assert.Throws<ArgumentException>(() => ml.DeepML().MulticlassClassification.NeuralNetwork(Images(new RandomErasing { MinArea = 0.95, MaxArea = 1, MinAspectRatio = 1, MaxAspectRatio = 1 })));
        Assert.Contains("is smaller than the image, so nothing would ever be erased", whole.Message);

        Assert.Equal("Padding", Assert.Throws<ArgumentException>(() => new RandomCrop { Padding = 0 }).ParamName);
        Assert.Equal("MaxArea", Assert.Throws<ArgumentException>(() => new RandomErasing { MaxArea = 1.5 }).ParamName);
        Assert.Equal("MinScale", Assert.Throws<ArgumentException>(() => new RandomResizedCrop { MinScale = 0 }).ParamName);
        _ = ml.DeepML().MulticlassClassification.NeuralNetwork(Images(new RandomCrop { Padding = 2 }, new RandomErasing(), new RandomResizedCrop(), new RandomTranslation()));
    }

    [Fact]
    public void Mixup_on_regression_is_refused_unless_AllowRegression_is_set()
    {
        var ml = new MLContext(1);
        var options = new NeuralNetworkOptions { Augmentation = new AugmentationOptions { Steps = [new Mixup()] } };
        var e = Assert.Throws<ArgumentException>(() => ml.DeepML().Regression.NeuralNetwork(options));
        Assert.Equal("AllowRegression", e.ParamName);
        Assert.StartsWith("RegressionNeuralNetworkTrainer: augmentation step Mixup mixes the targets of two examples, which is defined for classification; this trainer is for regression. " +
            "Set Mixup.AllowRegression = true to mix regression losses all the same, or remove the Mixup step.", e.Message);
        _ = ml.DeepML().Regression.NeuralNetwork(options with { Augmentation = new AugmentationOptions { Steps = [new Mixup { AllowRegression = true }] } });
        _ = ml.DeepML().BinaryClassification.NeuralNetwork(options);
    }

    [Fact]
    public void Empty_or_null_steps_two_mixups_and_a_bad_alpha_are_refused_where_they_are_written()
    {
        Assert.Equal("Steps", Assert.Throws<ArgumentException>(() => new AugmentationOptions { Steps = [] }).ParamName);
        Assert.Contains("Steps holds a null step", Assert.Throws<ArgumentException>(() => new AugmentationOptions { Steps = [null!] }).Message);
        Assert.Contains("more than one Mixup", Assert.Throws<ArgumentException>(() => new AugmentationOptions { Steps = [new Mixup(), new Mixup()] }).Message);
        Assert.Equal("Alpha", Assert.Throws<ArgumentException>(() => new Mixup { Alpha = 0 }).ParamName);
        Assert.Equal("Scale", Assert.Throws<ArgumentException>(() => new GaussianNoise { Scale = (NoiseScale)7 }).ParamName);
    }
}
