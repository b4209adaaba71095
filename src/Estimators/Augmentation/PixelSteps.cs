using System.Globalization;
using static TorchSharp.torch;

namespace DeepML;

/// <summary>
/// Brightness and contrast jitter (torchvision's <c>ColorJitter(brightness, contrast)</c>, in a fixed order and without clamping):
/// per example a brightness factor <c>b</c> uniform in [max(0, 1 − <see cref="Brightness"/>), 1 + <see cref="Brightness"/>] and a
/// contrast factor <c>c</c> uniform in [max(0, 1 − <see cref="Contrast"/>), 1 + <see cref="Contrast"/>], then
/// <c>x' = c·(b·x − m) + m</c> with <c>m</c> the mean of <c>b·x</c> over the example's channels and pixels. Default probability 1.
/// </summary>
/// <remarks>torchvision's contrast blends towards the mean of the greyscale image (for RGB a weighted mean of the channels); this
/// step uses the plain mean over all channels, which is the same for one channel. Values are not clamped, so normalised inputs
/// keep their range.</remarks>
public sealed record BrightnessContrast : AugmentationStep
{
    private readonly double _brightness = 0.2;
    private readonly double _contrast = 0.2;

    /// <summary>Brightness and contrast factors in [0.8, 1.2], always applied.</summary>
    public BrightnessContrast() : base(1) { }

    /// <summary>How far the brightness factor may move from 1, in [0, 10]; 0 leaves brightness alone. Default 0.2.</summary>
    public double Brightness { get => _brightness; init => _brightness = InRange(value, 0, 10, nameof(Brightness), "0.2 scales the pixels by a factor in [0.8, 1.2]."); }

    /// <summary>How far the contrast factor may move from 1, in [0, 10]; 0 leaves contrast alone. Default 0.2.</summary>
    public double Contrast { get => _contrast; init => _contrast = InRange(value, 0, 10, nameof(Contrast), "0.2 scales the deviations from the mean by a factor in [0.8, 1.2]."); }

    internal override Tensor Apply(Tensor x, bool[] applies, AugmentationBatch batch)
    {
        var b = new double[batch.Count];
        var c = new double[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            b[i] = batch.Uniform(Math.Max(0, 1 - Brightness), 1 + Brightness);
            c[i] = batch.Uniform(Math.Max(0, 1 - Contrast), 1 + Contrast);
        }
        return ImageOps.BrightnessContrast(x, batch.Values(b), batch.Values(c));
    }
}

/// <summary>
/// Random erasing (Zhong et al. 2017, "Random Erasing Data Augmentation"; torchvision's <c>RandomErasing</c>): per example, with
/// <see cref="AugmentationStep.Probability"/> (default 0.5), a rectangle with an area fraction uniform in [<see cref="MinArea"/>,
/// <see cref="MaxArea"/>] of the image and an aspect ratio (height / width) log-uniform in [<see cref="MinAspectRatio"/>,
/// <see cref="MaxAspectRatio"/>] is placed uniformly where it fits and every channel in it is set to <see cref="FillValue"/>;
/// after 10 draws that do not fit, the example is left as it is.
/// </summary>
public sealed record RandomErasing : AugmentationStep
{
    private readonly double _minArea = 0.02;
    private readonly double _maxArea = 0.33;
    private readonly double _minAspectRatio = 0.3;
    private readonly double _maxAspectRatio = 3.3;

    /// <summary>Zhong et al.'s defaults: area [0.02, 0.33], aspect ratio [0.3, 3.3], fill 0, probability 0.5.</summary>
    public RandomErasing() : base(0.5) { }

    /// <summary>The smallest area fraction of the rectangle, in (0, 1]. Default 0.02.</summary>
    public double MinArea { get => _minArea; init => _minArea = Above0(InRange(value, 0, 1, nameof(MinArea), "Zhong et al. use 0.02."), nameof(MinArea)); }

    /// <summary>The largest area fraction of the rectangle, in (0, 1]. Default 0.33.</summary>
    public double MaxArea { get => _maxArea; init => _maxArea = Above0(InRange(value, 0, 1, nameof(MaxArea), "Zhong et al. use 0.4; torchvision 0.33."), nameof(MaxArea)); }

    /// <summary>The smallest aspect ratio (height / width), in (0, 100]. Default 0.3.</summary>
    public double MinAspectRatio { get => _minAspectRatio; init => _minAspectRatio = Above0(InRange(value, 0, 100, nameof(MinAspectRatio), "0.3 is the usual value."), nameof(MinAspectRatio)); }

    /// <summary>The largest aspect ratio (height / width), in (0, 100]. Default 3.3.</summary>
    public double MaxAspectRatio { get => _maxAspectRatio; init => _maxAspectRatio = Above0(InRange(value, 0, 100, nameof(MaxAspectRatio), "3.3 (about 1 / 0.3) is the usual value."), nameof(MaxAspectRatio)); }

    /// <summary>The value written into the rectangle (in the units of the inputs). Default 0.</summary>
    public double FillValue { get; init => field = double.IsFinite(value) ? value : throw new ArgumentException($"RandomErasing: FillValue must be finite, got {value}.", nameof(FillValue)); }

    private double Above0(double value, string option) => value > 0 ? value
        : throw new ArgumentException($"RandomErasing: {option} must be above 0, got {value}.", option);

    /// <summary>The rectangle's height and width for an area fraction and a ratio, as torchvision rounds them.</summary>
    private static (int H, int W) Size(double fraction, double ratio, int height, int width)
    {
        var area = fraction * height * width;
        return ((int)Math.Round(Math.Sqrt(area * ratio)), (int)Math.Round(Math.Sqrt(area / ratio)));
    }

    private static bool Fits((int H, int W) s, int height, int width) => s.H >= 1 && s.W >= 1 && s.H < height && s.W < width;

    internal override void Validate()
    {
        Ordered(MinArea, MaxArea, nameof(MinArea), nameof(MaxArea));
        Ordered(MinAspectRatio, MaxAspectRatio, nameof(MinAspectRatio), nameof(MaxAspectRatio));
    }

    internal override void Check(TensorShape? shape, PredictionKind task, string component)
    {
        base.Check(shape, task, component);
        int h = shape!.Dims[1], w = shape.Dims[2];
        // Some rectangle of the ranges must fit (at least one pixel, smaller than the image), else erasing would never happen.
        var fits = false;
        for (var i = 0; i <= 20 && !fits; i++)
            for (var j = 0; j <= 20 && !fits; j++)
                fits = Fits(Size(MinArea + (MaxArea - MinArea) * i / 20, Math.Exp(Math.Log(MinAspectRatio) + (Math.Log(MaxAspectRatio) - Math.Log(MinAspectRatio)) * j / 20), h, w), h, w);
        if (!fits)
            throw DoesNotFit(component, shape, string.Create(CultureInfo.InvariantCulture, $"area fraction [{MinArea}, {MaxArea}] with aspect ratio [{MinAspectRatio}, {MaxAspectRatio}]"),
                "No rectangle of these ranges covers at least one pixel and is smaller than the image, so nothing would ever be erased; widen the ranges (for example MinArea 0.02, MaxArea 0.33, aspect ratio 0.3 to 3.3).");
    }

    internal override Tensor Apply(Tensor x, bool[] applies, AugmentationBatch batch)
    {
        int height = (int)x.shape[2], width = (int)x.shape[3];
        var top = new long[batch.Count];
        var left = new long[batch.Count];
        var h = new long[batch.Count];
        var w = new long[batch.Count];
        double logMin = Math.Log(MinAspectRatio), logMax = Math.Log(MaxAspectRatio);
        for (var i = 0; i < batch.Count; i++)
        {
            if (!applies[i])
                continue; // h = w = 0: nothing erased
            for (var attempt = 0; attempt < 10; attempt++)
            {
                var size = Size(batch.Uniform(MinArea, MaxArea), Math.Exp(batch.Uniform(logMin, logMax)), height, width);
                if (!Fits(size, height, width))
                    continue;
                (h[i], w[i]) = (size.H, size.W);
                top[i] = batch.Integer(0, height - size.H);
                left[i] = batch.Integer(0, width - size.W);
                break;
            }
        }
        return ImageOps.Erase(x, top, left, h, w, FillValue);
    }
}
