using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace DeepML;

/// <summary>
/// The image steps' arithmetic as batch tensor operations on <c>[B, C, H, W]</c>, with every random parameter passed in
/// (one per example), so each is a pure function that tests check pixel by pixel. No per-pixel managed loops.
/// </summary>
internal static class ImageOps
{
    /// <summary>
    /// Each example moved by whole pixels, <c>out[b, :, y, x] = in[b, :, y − dy[b], x − dx[b]]</c>, with <paramref name="fill"/>
    /// where that falls outside the image; |dy| ≤ <paramref name="maxY"/>, |dx| ≤ <paramref name="maxX"/>. Padding by the maxima
    /// then cropping back at offset (maxY − dy, maxX − dx) is torchvision's <c>RandomCrop(padding)</c>.
    /// </summary>
    public static Tensor Shift(Tensor x, long[] dy, long[] dx, int maxY, int maxX, double fill)
    {
        long b = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        var padded = F.pad(x, [maxX, maxX, maxY, maxY], PaddingModes.Constant, fill); // [B, C, H + 2maxY, W + 2maxX]
        var device = x.device;
        var top = tensor(dy.Select(d => maxY - d).ToArray()).to(device).view(b, 1);  // [B, 1]
        var left = tensor(dx.Select(d => maxX - d).ToArray()).to(device).view(b, 1);
        var rows = (top + arange(h, device: device).view(1, h)).view(b, 1, h, 1).expand(b, c, h, padded.shape[3]);
        var cols = (left + arange(w, device: device).view(1, w)).view(b, 1, 1, w).expand(b, c, h, w);
        return padded.gather(2, rows).gather(3, cols); // [B, C, H, W]
    }

    /// <summary>
    /// Each example resampled through its own affine map <paramref name="theta"/> [B, 2, 3] (output → input, in the normalised
    /// coordinates of <c>affine_grid</c>, corners not aligned), bilinear, with <paramref name="fill"/> outside the input.
    /// </summary>
    public static Tensor Affine(Tensor x, Tensor theta, double fill)
    {
        var grid = F.affine_grid(theta.to(x.dtype), [x.shape[0], x.shape[1], x.shape[2], x.shape[3]], align_corners: false);
        var sampled = F.grid_sample(x, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: false);
        if (fill == 0)
            return sampled;
        // The share of each output pixel that came from inside the image; the rest is filled.
        var inside = F.grid_sample(ones_like(x), grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: false);
        return sampled + (1 - inside) * fill;
    }

    /// <summary>
    /// The rotation's map for angles in degrees (positive: counter-clockwise as the image is displayed, as torchvision), about
    /// the image's centre, corrected for the aspect ratio so that a non-square image rotates rigidly.
    /// </summary>
    public static Tensor RotationTheta(double[] degrees, long height, long width)
    {
        var theta = new float[degrees.Length * 6];
        for (var i = 0; i < degrees.Length; i++)
        {
            var r = degrees[i] * Math.PI / 180;
            double cos = Math.Cos(r), sin = Math.Sin(r);
            // Output pixel p samples the input at R(−θ)·p in pixel units (y down); in normalised units S⁻¹·R(−θ)·S, S = diag(W/2, H/2).
            theta[6 * i + 0] = (float)cos;
            theta[6 * i + 1] = (float)(-sin * height / width);
            theta[6 * i + 3] = (float)(sin * width / height);
            theta[6 * i + 4] = (float)cos;
        }
        return tensor(theta, [degrees.Length, 2, 3]);
    }

    /// <summary>The map that stretches the box (top, left, height, width), in pixels, over the whole output (a resized crop).</summary>
    public static Tensor CropTheta(IReadOnlyList<(double Top, double Left, double Height, double Width)> boxes, long height, long width)
    {
        var theta = new float[boxes.Count * 6];
        for (var i = 0; i < boxes.Count; i++)
        {
            var (top, left, h, w) = boxes[i];
            theta[6 * i + 0] = (float)(w / width);
            theta[6 * i + 2] = (float)((2 * left + w) / width - 1);
            theta[6 * i + 4] = (float)(h / height);
            theta[6 * i + 5] = (float)((2 * top + h) / height - 1);
        }
        return tensor(theta, [boxes.Count, 2, 3]);
    }

    /// <summary>
    /// <paramref name="fill"/> written into each example's rectangle rows [top, top + h) × columns [left, left + w), every channel;
    /// a rectangle of height or width 0 leaves its example unchanged.
    /// </summary>
    public static Tensor Erase(Tensor x, long[] top, long[] left, long[] height, long[] width, double fill)
    {
        long b = x.shape[0], h = x.shape[2], w = x.shape[3];
        var device = x.device;
        var rows = arange(h, device: device).view(1, h);
        var cols = arange(w, device: device).view(1, w);
        var t = tensor(top).to(device).view(b, 1);
        var l = tensor(left).to(device).view(b, 1);
        var inRows = rows.ge(t).logical_and(rows.lt(t + tensor(height).to(device).view(b, 1)));  // [B, H]
        var inCols = cols.ge(l).logical_and(cols.lt(l + tensor(width).to(device).view(b, 1)));   // [B, W]
        var mask = inRows.view(b, 1, h, 1).logical_and(inCols.view(b, 1, 1, w));                 // [B, 1, H, W]
        return x.masked_fill(mask.expand_as(x), fill);
    }

    /// <summary>
    /// Each example's box (top, left, height, width, in whole pixels) resized to the whole image, bilinear, as cropping then
    /// <c>interpolate(align_corners: false)</c> would: the sampling grid is clamped to the box's outermost pixel centres, so
    /// nothing from beyond the box blends in.
    /// </summary>
    public static Tensor ResizedCrop(Tensor x, IReadOnlyList<(double Top, double Left, double Height, double Width)> boxes)
    {
        long b = x.shape[0], h = x.shape[2], w = x.shape[3];
        using var theta = CropTheta(boxes, h, w);
        var grid = F.affine_grid(theta.to(x.dtype).to(x.device), [b, x.shape[1], h, w], align_corners: false); // [B, H, W, 2]: (x, y)
        var low = new float[b * 2];
        var high = new float[b * 2];
        for (var i = 0; i < boxes.Count; i++)
        {
            var (top, left, bh, bw) = boxes[i];
            low[2 * i] = (float)((2 * left + 1) / w - 1);             // the centre of the box's first column
            high[2 * i] = (float)((2 * (left + bw) - 1) / w - 1);     // and of its last
            low[2 * i + 1] = (float)((2 * top + 1) / h - 1);
            high[2 * i + 1] = (float)((2 * (top + bh) - 1) / h - 1);
        }
        var lo = tensor(low, [b, 1, 1, 2]).to(x.dtype).to(x.device);
        var hi = tensor(high, [b, 1, 1, 2]).to(x.dtype).to(x.device);
        return F.grid_sample(x, grid.maximum(lo).minimum(hi), GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: false);
    }

    /// <summary>
    /// Brightness then contrast, per example: <c>x' = c·(b·x − m) + m</c> with <c>m</c> the mean of <c>b·x</c> over the example's
    /// channels and pixels (factors <paramref name="brightness"/> b and <paramref name="contrast"/> c, one per example). No clamping.
    /// </summary>
    public static Tensor BrightnessContrast(Tensor x, Tensor brightness, Tensor contrast)
    {
        var b = x.shape[0];
        var bright = x * brightness.to(x.dtype).view(b, 1, 1, 1);
        var mean = bright.mean([1, 2, 3], keepdim: true);
        return (bright - mean) * contrast.to(x.dtype).view(b, 1, 1, 1) + mean;
    }
}
