using static TorchSharp.torch;

namespace DeepML;

/// <summary>
/// Rotates an image about its centre by an angle drawn uniformly per example from [<see cref="MinDegrees"/>, <see cref="MaxDegrees"/>]
/// (positive: counter-clockwise as displayed, as torchvision's <c>RandomRotation</c>), bilinear (<c>affine_grid</c> + <c>grid_sample</c>),
/// with <see cref="FillValue"/> where the rotated image does not reach. Default probability 1, angles [−15, 15].
/// </summary>
public sealed record RandomRotation : AugmentationStep
{
    private readonly double _minDegrees = -15;
    private readonly double _maxDegrees = 15;

    /// <summary>Rotations of up to 15° either way, always applied.</summary>
    public RandomRotation() : base(1) { }

    /// <summary>The smallest angle, in degrees, in [−180, 180] and at most <see cref="MaxDegrees"/>. Default −15.</summary>
    public double MinDegrees { get => _minDegrees; init => _minDegrees = InRange(value, -180, 180, nameof(MinDegrees), "Angles are in degrees, for example −15 to 15."); }

    /// <summary>The largest angle, in degrees, in [−180, 180] and at least <see cref="MinDegrees"/>. Default 15.</summary>
    public double MaxDegrees { get => _maxDegrees; init => _maxDegrees = InRange(value, -180, 180, nameof(MaxDegrees), "Angles are in degrees, for example −15 to 15."); }

    /// <summary>The value where the rotated image does not reach. Default 0.</summary>
    public double FillValue { get; init => field = double.IsFinite(value) ? value : throw new ArgumentException($"RandomRotation: FillValue must be finite, got {value}.", nameof(FillValue)); }

    internal override void Validate() => Ordered(MinDegrees, MaxDegrees, nameof(MinDegrees), nameof(MaxDegrees));

    internal override Tensor Apply(Tensor x, bool[] applies, AugmentationBatch batch)
    {
        var degrees = new double[batch.Count];
        for (var i = 0; i < degrees.Length; i++)
            degrees[i] = batch.Uniform(MinDegrees, MaxDegrees);
        return ImageOps.Affine(x, ImageOps.RotationTheta(degrees, x.shape[2], x.shape[3]).to(x.device), FillValue);
    }
}

/// <summary>
/// torchvision's <c>RandomResizedCrop</c> to the image's own size: per example, a box with an area fraction drawn uniformly from
/// [<see cref="MinScale"/>, <see cref="MaxScale"/>] and an aspect ratio (width / height) drawn log-uniformly from
/// [<see cref="MinAspectRatio"/>, <see cref="MaxAspectRatio"/>] is placed uniformly at random (10 tries; then the central crop
/// clamped to the ratio range) and stretched over the whole image, bilinear. Default probability 1.
/// </summary>
/// <remarks>The box is resampled in one pass (<c>affine_grid</c> + <c>grid_sample</c>, the grid clamped to the box's outermost pixel
/// centres), which gives what cropping and then <c>interpolate(bilinear, align_corners: false)</c> gives; torchvision's default
/// antialiasing when shrinking is not applied (a box is never larger than the image, so this step only ever enlarges).</remarks>
public sealed record RandomResizedCrop : AugmentationStep
{
    private readonly double _minScale = 0.08;
    private readonly double _maxScale = 1;
    private readonly double _minAspectRatio = 3.0 / 4;
    private readonly double _maxAspectRatio = 4.0 / 3;

    /// <summary>torchvision's defaults: scale [0.08, 1], ratio [3/4, 4/3], always applied.</summary>
    public RandomResizedCrop() : base(1) { }

    /// <summary>The smallest area fraction of the box, in (0, 1]. Default 0.08.</summary>
    public double MinScale { get => _minScale; init => _minScale = Positive(InRange(value, 0, 1, nameof(MinScale), "0.08 is torchvision's default."), nameof(MinScale)); }

    /// <summary>The largest area fraction of the box, in (0, 1]. Default 1.</summary>
    public double MaxScale { get => _maxScale; init => _maxScale = Positive(InRange(value, 0, 1, nameof(MaxScale), "1 allows the whole image."), nameof(MaxScale)); }

    /// <summary>The smallest aspect ratio (width / height) of the box, in (0, 100]. Default 3/4.</summary>
    public double MinAspectRatio { get => _minAspectRatio; init => _minAspectRatio = Positive(InRange(value, 0, 100, nameof(MinAspectRatio), "3/4 is torchvision's default."), nameof(MinAspectRatio)); }

    /// <summary>The largest aspect ratio (width / height) of the box, in (0, 100]. Default 4/3.</summary>
    public double MaxAspectRatio { get => _maxAspectRatio; init => _maxAspectRatio = Positive(InRange(value, 0, 100, nameof(MaxAspectRatio), "4/3 is torchvision's default."), nameof(MaxAspectRatio)); }

    private double Positive(double value, string option) => value > 0 ? value
        : throw new ArgumentException($"RandomResizedCrop: {option} must be above 0, got {value}.", option);

    internal override void Validate()
    {
        Ordered(MinScale, MaxScale, nameof(MinScale), nameof(MaxScale));
        Ordered(MinAspectRatio, MaxAspectRatio, nameof(MinAspectRatio), nameof(MaxAspectRatio));
    }

    /// <summary>torchvision's <c>RandomResizedCrop.get_params</c>: the box (top, left, height, width) in pixels.</summary>
    internal (double Top, double Left, double Height, double Width) Box(int height, int width, AugmentationBatch batch)
    {
        var area = (double)height * width;
        double logMin = Math.Log(MinAspectRatio), logMax = Math.Log(MaxAspectRatio);
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var target = area * batch.Uniform(MinScale, MaxScale);
            var ratio = Math.Exp(batch.Uniform(logMin, logMax));
            var w = Math.Round(Math.Sqrt(target * ratio));
            var h = Math.Round(Math.Sqrt(target / ratio));
            if (w >= 1 && h >= 1 && w <= width && h <= height)
                return (batch.Integer(0, height - (int)h), batch.Integer(0, width - (int)w), h, w);
        }
        // Fallback: the central crop, clamped to the ratio range.
        double inRatio = (double)width / height, cw = width, ch = height;
        if (inRatio < MinAspectRatio)
            ch = Math.Round(cw / MinAspectRatio);
        else if (inRatio > MaxAspectRatio)
            cw = Math.Round(ch * MaxAspectRatio);
        return (Math.Floor((height - ch) / 2), Math.Floor((width - cw) / 2), ch, cw);
    }

    internal override Tensor Apply(Tensor x, bool[] applies, AugmentationBatch batch)
    {
        int h = (int)x.shape[2], w = (int)x.shape[3];
        var boxes = Enumerable.Range(0, batch.Count).Select(_ => Box(h, w, batch)).ToArray();
        return ImageOps.ResizedCrop(x, boxes);
    }
}
