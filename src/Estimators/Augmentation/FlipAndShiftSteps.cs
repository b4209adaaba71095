using System.Globalization;
using static TorchSharp.torch;

namespace DeepML;

/// <summary>Mirrors an image left to right (the column order reversed), with <see cref="AugmentationStep.Probability"/> (default 0.5).</summary>
public sealed record HorizontalFlip : AugmentationStep
{
    /// <summary>A horizontal flip with probability 0.5 (torchvision's default).</summary>
    public HorizontalFlip() : base(0.5) { }

    internal override Tensor Apply(Tensor x, bool[] applies, AugmentationBatch batch) => x.flip(3);
}

/// <summary>Mirrors an image top to bottom (the row order reversed), with <see cref="AugmentationStep.Probability"/> (default 0.5).</summary>
public sealed record VerticalFlip : AugmentationStep
{
    /// <summary>A vertical flip with probability 0.5 (torchvision's default).</summary>
    public VerticalFlip() : base(0.5) { }

    internal override Tensor Apply(Tensor x, bool[] applies, AugmentationBatch batch) => x.flip(2);
}

/// <summary>
/// torchvision's <c>RandomCrop(size, padding)</c> with the size of the image: the image is padded by <see cref="Padding"/> pixels
/// of <see cref="FillValue"/> on every side, then cropped back to its size at an offset drawn uniformly per example from
/// [0, 2·Padding] in each direction, so the content moves by up to <see cref="Padding"/> pixels and the uncovered border holds
/// <see cref="FillValue"/>. Default probability 1.
/// </summary>
public sealed record RandomCrop : AugmentationStep
{
    private readonly int _padding = 4;

    /// <summary>A crop with padding 4 (the usual CIFAR setting), always applied.</summary>
    public RandomCrop() : base(1) { }

    /// <summary>Pixels of padding on each side, at least 1 and less than the image's height and width. Default 4.</summary>
    public int Padding
    {
        get => _padding;
        init => _padding = value >= 1 ? value
            : throw new ArgumentException($"RandomCrop: Padding must be at least 1 pixel, got {value}. Use 4 for 32×32 images, 2 for 28×28.", nameof(Padding));
    }

    /// <summary>The value of the padding pixels (in the units of the inputs, after any normalisation). Default 0.</summary>
    public double FillValue { get; init => field = double.IsFinite(value) ? value : throw new ArgumentException($"RandomCrop: FillValue must be finite, got {value}.", nameof(FillValue)); }

    internal override void Check(TensorShape? shape, PredictionKind task, string component)
    {
        base.Check(shape, task, component);
        if (Padding >= Math.Min(shape!.Dims[1], shape.Dims[2]))
            throw DoesNotFit(component, shape, $"Padding {Padding}", $"Use a Padding below {Math.Min(shape.Dims[1], shape.Dims[2])} (a crop could otherwise lie wholly in the padding), for example {Math.Max(1, Math.Min(shape.Dims[1], shape.Dims[2]) / 8)}.");
    }

    internal override Tensor Apply(Tensor x, bool[] applies, AugmentationBatch batch)
    {
        var dy = new long[batch.Count];
        var dx = new long[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            dy[i] = Padding - batch.Integer(0, 2 * Padding); // crop offset o ∈ [0, 2p] moves the content by p − o
            dx[i] = Padding - batch.Integer(0, 2 * Padding);
        }
        return ImageOps.Shift(x, dy, dx, Padding, Padding, FillValue);
    }
}

/// <summary>
/// Moves an image by whole pixels: per example, a vertical shift drawn uniformly from [−round(f·H), round(f·H)] and a horizontal
/// one from [−round(f·W), round(f·W)] (<c>f</c> = <see cref="MaxFraction"/>, as torchvision's <c>RandomAffine(translate=(f, f))</c>
/// without interpolation); the uncovered border holds <see cref="FillValue"/>. Default probability 1.
/// </summary>
public sealed record RandomTranslation : AugmentationStep
{
    private readonly double _maxFraction = 0.1;

    /// <summary>Shifts of up to a tenth of the image, always applied.</summary>
    public RandomTranslation() : base(1) { }

    /// <summary>The largest shift as a fraction of the image's height (vertically) and width (horizontally), in (0, 1). Default 0.1.</summary>
    public double MaxFraction
    {
        get => _maxFraction;
        init => _maxFraction = double.IsFinite(value) && value > 0 && value < 1 ? value
            : throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"RandomTranslation: MaxFraction must be in (0, 1) (the largest shift as a fraction of the image's size), got {value}. 0.1 moves a 28×28 image by up to 3 pixels."), nameof(MaxFraction));
    }

    /// <summary>The value of the uncovered pixels. Default 0.</summary>
    public double FillValue { get; init => field = double.IsFinite(value) ? value : throw new ArgumentException($"RandomTranslation: FillValue must be finite, got {value}.", nameof(FillValue)); }

    internal int MaxPixels(int size) => (int)Math.Round(MaxFraction * size, MidpointRounding.AwayFromZero);

    internal override void Check(TensorShape? shape, PredictionKind task, string component)
    {
        base.Check(shape, task, component);
        if (MaxPixels(shape!.Dims[1]) == 0 && MaxPixels(shape.Dims[2]) == 0)
            throw DoesNotFit(component, shape, string.Create(CultureInfo.InvariantCulture, $"MaxFraction {MaxFraction}"),
                string.Create(CultureInfo.InvariantCulture, $"It rounds to a shift of 0 pixels, so nothing would move; use at least {0.5 / Math.Max(shape.Dims[1], shape.Dims[2]):G3}."));
    }

    internal override Tensor Apply(Tensor x, bool[] applies, AugmentationBatch batch)
    {
        int maxY = MaxPixels((int)x.shape[2]), maxX = MaxPixels((int)x.shape[3]);
        var dy = new long[batch.Count];
        var dx = new long[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            dy[i] = batch.Integer(-maxY, maxY);
            dx[i] = batch.Integer(-maxX, maxX);
        }
        return ImageOps.Shift(x, dy, dx, maxY, maxX, FillValue);
    }
}
