using Xunit;
using static DeepML.Estimators.Tests.Augmentation.AugmentationTestKit;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace DeepML.Estimators.Tests.Augmentation;

/// <summary>
/// Each image step on tiny hand-made images against the pixels it must give: flips reverse an index, crops with padding move the
/// pixels by the drawn offset with zeros in the padding, erasing fills exactly one rectangle, a 90° rotation is a transpose and a
/// flip, brightness/contrast follow their formula, a resized crop equals cropping then an independent bilinear resize (interpolate).
/// </summary>
public sealed class AugmentationImageOpsTests
{
    public AugmentationImageOpsTests() => TorchRuntime.EnsureLoaded();

    private static readonly TensorShape Shape = new(2, 4, 5); // non-square, two channels: rows and columns cannot be mixed up

    [Fact]
    public void Horizontal_and_vertical_flips_reverse_the_column_and_row_index_of_every_example_with_probability_1()
    {
        const int n = 3, c = 2, h = 4, w = 5;
        var values = Distinct(n, c, h, w);
        using var x = Flat(values, n);
        using var horizontal = Run(Shape, 1, new HorizontalFlip { Probability = 1 });
        using var vertical = Run(Shape, 1, new VerticalFlip { Probability = 1 });
        var flippedH = Augmented(horizontal, x);
        var flippedV = Augmented(vertical, x);
        for (var b = 0; b < n; b++)
            for (var ch = 0; ch < c; ch++)
                for (var y = 0; y < h; y++)
                    for (var col = 0; col < w; col++)
                    {
                        Assert.Equal(At(values, b, ch, y, w - 1 - col, c, h, w), At(flippedH, b, ch, y, col, c, h, w));
                        Assert.Equal(At(values, b, ch, h - 1 - y, col, c, h, w), At(flippedV, b, ch, y, col, c, h, w));
                    }
    }

    [Fact]
    public void Probability_0_leaves_the_batch_unchanged_and_probability_one_half_flips_each_example_wholly_or_not_at_all()
    {
        const int n = 64, c = 2, h = 4, w = 5;
        var values = Distinct(n, c, h, w);
        using var x = Flat(values, n);
        using var never = Run(Shape, 1, new HorizontalFlip { Probability = 0 }, new RandomErasing { Probability = 0 }, new GaussianNoise { Probability = 0 });
        Assert.Equal(values, Augmented(never, x));

        using var half = Run(Shape, 1, new HorizontalFlip());
        var some = Augmented(half, x);
        var flipped = 0;
        for (var b = 0; b < n; b++)
        {
            var same = Enumerable.Range(0, c * h * w).All(i => some[b * c * h * w + i] == values[b * c * h * w + i]);
            var mirrored = Enumerable.Range(0, c * h * w).All(i => some[b * c * h * w + i] == At(values, b, i / (h * w), i / w % h, w - 1 - i % w, c, h, w));
            Assert.True(same ^ mirrored, $"example {b} is neither the original nor its mirror image");
            flipped += mirrored ? 1 : 0;
        }
        Assert.InRange(flipped, 16, 48); // Binomial(64, 0.5): outside [16, 48] has probability < 1e-4; the draw is seeded, so this is fixed
    }

    [Fact]
    public void Shift_moves_every_pixel_by_the_given_offset_with_the_fill_value_where_the_image_is_uncovered()
    {
        const int n = 2, c = 2, h = 4, w = 5;
        var values = Distinct(n, c, h, w);
        using var x = tensor(values, [n, c, h, w]);
        using var shifted = ImageOps.Shift(x, [1, -2], [-1, 2], 2, 2, fill: -7);
        var result = shifted.data<float>().ToArray();
        long[] dy = [1, -2], dx = [-1, 2];
        for (var b = 0; b < n; b++)
            for (var ch = 0; ch < c; ch++)
                for (var y = 0; y < h; y++)
                    for (var col = 0; col < w; col++)
                    {
                        int sy = y - (int)dy[b], sx = col - (int)dx[b];
                        var expected = sy >= 0 && sy < h && sx >= 0 && sx < w ? At(values, b, ch, sy, sx, c, h, w) : -7f;
                        Assert.Equal(expected, At(result, b, ch, y, col, c, h, w));
                    }
    }

    /// <summary>The (dy, dx) by which an example moved, found by search over [−p, p]²; null when no shift explains it.</summary>
    private static (int Dy, int Dx)? FindShift(float[] original, float[] moved, int b, int c, int h, int w, int p)
    {
        for (var dy = -p; dy <= p; dy++)
            for (var dx = -p; dx <= p; dx++)
            {
                var ok = true;
                for (var ch = 0; ch < c && ok; ch++)
                    for (var y = 0; y < h && ok; y++)
                        for (var col = 0; col < w && ok; col++)
                        {
                            int sy = y - dy, sx = col - dx;
                            var expected = sy >= 0 && sy < h && sx >= 0 && sx < w ? At(original, b, ch, sy, sx, c, h, w) : 0f;
                            ok = At(moved, b, ch, y, col, c, h, w) == expected;
                        }
                if (ok)
                    return (dy, dx);
            }
        return null;
    }

    [Fact]
    public void Random_crop_with_padding_moves_each_example_by_its_own_drawn_offset_with_zeros_in_the_padding()
    {
        const int n = 40, c = 2, h = 4, w = 5;
        var values = Distinct(n, c, h, w); // every value > 0, so a 0 can only come from the padding
        using var x = Flat(values, n);
        using var run = Run(Shape, 3, new RandomCrop { Padding = 2 });
        var cropped = Augmented(run, x);
        var shifts = Enumerable.Range(0, n).Select(b => FindShift(values, cropped, b, c, h, w, 2)).ToArray();
        Assert.All(shifts, s => Assert.NotNull(s)); // each example is its original moved by at most 2 pixels, zeros in the padding
        Assert.True(shifts.Distinct().Count() >= 10, "per-example offsets: 40 examples should draw many of the 25 offsets");
        Assert.Contains(shifts, s => s!.Value.Dy == -2 || s.Value.Dx == 2); // the extremes are drawn too

        using var translate = Run(Shape, 3, new RandomTranslation { MaxFraction = 0.25 }); // round(0.25·4) = 1 row, round(0.25·5) = 1 column
        var moved = Augmented(translate, x);
        Assert.All(Enumerable.Range(0, n), b => Assert.NotNull(FindShift(values, moved, b, c, h, w, 1)));
    }

    [Fact]
    public void Erase_writes_the_fill_value_in_exactly_the_given_rectangle_of_every_channel()
    {
        const int n = 2, c = 2, h = 4, w = 5;
        var values = Distinct(n, c, h, w);
        using var x = tensor(values, [n, c, h, w]);
        using var erased = ImageOps.Erase(x, top: [1, 0], left: [2, 0], height: [2, 0], width: [3, 0], fill: 0.5);
        var result = erased.data<float>().ToArray();
        for (var ch = 0; ch < c; ch++)
            for (var y = 0; y < h; y++)
                for (var col = 0; col < w; col++)
                {
                    var inside = y is >= 1 and < 3 && col is >= 2 and < 5;
                    Assert.Equal(inside ? 0.5f : At(values, 0, ch, y, col, c, h, w), At(result, 0, ch, y, col, c, h, w));
                    Assert.Equal(At(values, 1, ch, y, col, c, h, w), At(result, 1, ch, y, col, c, h, w)); // a 0×0 rectangle erases nothing
                }
    }

    [Fact]
    public void Random_erasing_fills_one_rectangle_per_example_whose_area_and_ratio_lie_in_the_drawn_ranges()
    {
        const int n = 30, c = 1, h = 10, w = 10;
        var values = Distinct(n, c, h, w);
        using var x = Flat(values, n);
        var step = new RandomErasing { Probability = 1, MinArea = 0.1, MaxArea = 0.3, MinAspectRatio = 0.5, MaxAspectRatio = 2, FillValue = -1 };
        using var run = Run(new TensorShape(c, h, w), 9, step);
        var erased = Augmented(run, x);
        var boxes = new HashSet<(int, int, int, int)>();
        for (var b = 0; b < n; b++)
        {
            var changed = Enumerable.Range(0, h * w).Where(i => erased[b * h * w + i] != values[b * h * w + i]).ToArray();
            Assert.All(changed, i => Assert.Equal(-1f, erased[b * h * w + i]));
            int top = changed.Min(i => i / w), bottom = changed.Max(i => i / w), left = changed.Min(i => i % w), right = changed.Max(i => i % w);
            int rh = bottom - top + 1, rw = right - left + 1;
            Assert.Equal(rh * rw, changed.Length); // exactly the rectangle, nothing outside it
            Assert.InRange(rh * rw, (int)Math.Floor(0.1 * 100 * 0.6), (int)Math.Ceiling(0.3 * 100 * 1.4)); // area 10–30 pixels, up to rounding
            Assert.InRange(rh / (double)rw, 0.5 / 1.6, 2 * 1.6);
            boxes.Add((top, left, rh, rw));
        }
        Assert.True(boxes.Count >= 10, "each example draws its own rectangle");
    }

    [Fact]
    public void A_90_degree_rotation_of_a_square_image_is_a_transpose_then_a_vertical_flip_counter_clockwise()
    {
        const int n = 2, c = 2, s = 5;
        var values = Distinct(n, c, s, s);
        using var x = Flat(values, n);
        using var run = Run(new TensorShape(c, s, s), 1, new RandomRotation { MinDegrees = 90, MaxDegrees = 90 });
        var rotated = Augmented(run, x);
        using var image = tensor(values, [n, c, s, s]);
        using var expected = image.transpose(2, 3).flip(2).contiguous(); // out[y, x] = in[x, S − 1 − y]: the top-right corner goes to the top left
        var e = expected.data<float>().ToArray();
        for (var i = 0; i < e.Length; i++)
            Assert.Equal(e[i], rotated[i], 2e-3f); // bilinear at exact pixel centres: only cos 90° ≈ 6e-17 rounding
        Assert.Equal(At(values, 0, 0, 0, s - 1, c, s, s), At(rotated, 0, 0, 0, 0, c, s, s), 2e-3f);

        using var none = Run(new TensorShape(c, s, s), 1, new RandomRotation { MinDegrees = 0, MaxDegrees = 0 });
        Assert.Equal(values, Augmented(none, x).Select(v => MathF.Round(v, 3)).ToArray()); // 0° is the identity
    }

    [Fact]
    public void Brightness_and_contrast_follow_c_times_b_x_minus_its_mean_plus_the_mean()
    {
        const int n = 2, c = 2, h = 2, w = 3;
        var values = Distinct(n, c, h, w).Select(v => v / 2000f).ToArray();
        using var x = tensor(values, [n, c, h, w]);
        using var b = tensor(new[] { 1.5f, 0.8f });
        using var k = tensor(new[] { 0.5f, 1.25f });
        using var result = ImageOps.BrightnessContrast(x, b, k);
        var got = result.data<float>().ToArray();
        var size = c * h * w;
        for (var e = 0; e < n; e++)
        {
            var bright = values.Skip(e * size).Take(size).Select(v => v * (double)(e == 0 ? 1.5f : 0.8f)).ToArray();
            var mean = bright.Average();
            var contrast = e == 0 ? 0.5 : 1.25;
            for (var i = 0; i < size; i++)
                Assert.Equal(contrast * (bright[i] - mean) + mean, got[e * size + i], 1e-5);
        }

        var pixels = Distinct(4, c, h, w);
        using var flat = Flat(pixels, 4);
        using var still = Run(new TensorShape(c, h, w), 1, new BrightnessContrast { Brightness = 0, Contrast = 0 });
        Assert.Equal(pixels, Augmented(still, flat)); // factors of exactly 1
    }

    [Fact]
    public void A_resized_crop_equals_cropping_then_an_independent_bilinear_resize_and_the_whole_image_box_is_the_identity()
    {
        const int c = 1, s = 4;
        var values = Distinct(1, c, s, s);
        using var x = tensor(values, [1, c, s, s]);
        (double, double, double, double)[] boxes = [(0, 0, 2, 2), (1, 2, 3, 2)];
        using var two = tensor(values.Concat(values).ToArray(), [2, c, s, s]);
        using var zoomed = ImageOps.ResizedCrop(two, boxes);
        var z = zoomed.data<float>().ToArray();
        for (var e = 0; e < 2; e++)
        {
            var (top, left, bh, bw) = boxes[e];
            using var box = x.narrow(2, (long)top, (long)bh).narrow(3, (long)left, (long)bw);
            using var reference = F.interpolate(box, [s, s], mode: InterpolationMode.Bilinear, align_corners: false); // crop, then resize
            var r = reference.contiguous().data<float>().ToArray();
            for (var i = 0; i < r.Length; i++)
                Assert.Equal(r[i], z[e * s * s + i], 1e-3f);
        }

        using var same = ImageOps.ResizedCrop(x, [(0, 0, s, s)]);
        Assert.Equal(values, same.data<float>().ToArray().Select(v => MathF.Round(v, 3)).ToArray());
    }

    [Fact]
    public void The_jitter_step_gives_each_example_its_own_brightness_and_contrast_factors_within_the_ranges()
    {
        const int n = 20, c = 2, h = 3, w = 3;
        var values = Distinct(n, c, h, w).Select(v => v / 5000f).ToArray();
        using var x = Flat(values, n);
        using var run = Run(new TensorShape(c, h, w), 6, new BrightnessContrast { Brightness = 0.3, Contrast = 0.4 });
        var jittered = Augmented(run, x);
        var size = c * h * w;
        var factors = new List<(double B, double C)>();
        for (var e = 0; e < n; e++)
        {
            // x' = c·b·x + (1 − c)·b·μ is affine in x: α = c·b, β = (1 − c)·b·μ, so b = α + β/μ and c = α/b.
            var input = values.Skip(e * size).Take(size).Select(v => (double)v).ToArray();
            var output = jittered.Skip(e * size).Take(size).Select(v => (double)v).ToArray();
            var alpha = (output[^1] - output[0]) / (input[^1] - input[0]);
            var beta = output[0] - alpha * input[0];
            var mean = input.Average();
            var b = alpha + beta / mean;
            var k = alpha / b;
            Assert.InRange(b, 0.7 - 1e-4, 1.3 + 1e-4);
            Assert.InRange(k, 0.6 - 1e-4, 1.4 + 1e-4);
            for (var i = 0; i < size; i++)
                Assert.Equal(k * (b * input[i] - b * mean) + b * mean, output[i], 1e-5);
            factors.Add((Math.Round(b, 3), Math.Round(k, 3)));
        }
        Assert.Equal(n, factors.Distinct().Count()); // per-example draws
    }

    [Fact]
    public void A_resized_crop_step_whose_box_must_be_the_whole_square_image_is_the_identity_and_a_smaller_box_zooms_within_the_examples_values()
    {
        const int n = 3, c = 1, s = 6;
        var values = Distinct(n, c, s, s);
        using var x = Flat(values, n);
        using var whole = Run(new TensorShape(c, s, s), 2, new RandomResizedCrop { MinScale = 1, MaxScale = 1, MinAspectRatio = 1, MaxAspectRatio = 1 });
        Assert.Equal(values, Augmented(whole, x).Select(v => MathF.Round(v, 2)).ToArray());

        using var zoom = Run(new TensorShape(c, s, s), 2, new RandomResizedCrop { MinScale = 0.25, MaxScale = 0.25, MinAspectRatio = 1, MaxAspectRatio = 1 });
        var zoomed = Augmented(zoom, x); // a 3×3 box stretched over 6×6: every output lies within its example's range of values
        for (var e = 0; e < n; e++)
            Assert.All(zoomed.Skip(e * s * s).Take(s * s), v => Assert.InRange(v, e * 1000 - 1e-3f, e * 1000 + 56 + 1e-3f));
        Assert.NotEqual(values, zoomed);
    }
}
