using DeepML.Compression.Quantization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;
using static DeepML.Core.Tests.Compression.QuantizationFixtures;

namespace DeepML.Core.Tests.Compression;

/// <summary>Calibration ranges against independent computations, the options' validation and the calibration data's errors.</summary>
public sealed class QuantizationCalibrationTests
{
    [Fact]
    public void MinMax_range_of_the_input_is_the_observed_min_and_max_of_the_rows_read()
    {
        var ml = new MLContext(1);
        using var fitted = Fitted(ml, Mlp());
        var data = Data(ml, 300, 21);
        var options = new QuantizationOptions { Method = QuantizationMethod.Static, MaxCalibrationRows = 200 };
        var result = ml.DeepML().Compression.Quantize(fitted, data, options);
        using var _ = result.Transformer;

        var read = Features(data)[..(200 * Inputs)];             // only the first MaxCalibrationRows rows
        var input = result.ActivationRanges.Single(r => r.Tensor == OnnxNames.Features);
        Assert.Equal(200, result.CalibrationRows);
        Assert.Equal(read.Min(), input.Min);
        Assert.Equal(read.Max(), input.Max);
        var (scale, zero) = QuantizationMath.ActivationParameters(read.Min(), read.Max(), QuantizedActivationType.UInt8, symmetric: false);
        Assert.Equal((scale, zero), (input.Scale, input.ZeroPoint));
        // ReLU outputs are never negative: their calibrated minimum is exactly 0, and their uint8 zero point is 0.
        Assert.All(result.ActivationRanges.Where(r => r.Tensor.EndsWith("relu", StringComparison.Ordinal)), r => Assert.Equal((0f, 0), (r.Min, r.ZeroPoint)));
    }

    [Theory]
    [InlineData(99.99)]
    [InlineData(99.0)]
    [InlineData(90.0)]
    [InlineData(100.0)]
    public void Percentile_range_is_the_sorted_index_percentile_of_the_rows_read(double percentile)
    {
        var ml = new MLContext(1);
        using var fitted = Fitted(ml, Mlp());
        var data = Data(ml, 256, 22);
        var options = new QuantizationOptions { Method = QuantizationMethod.Static, Calibration = CalibrationMethod.Percentile, Percentile = percentile };
        var result = ml.DeepML().Compression.Quantize(fitted, data, options);
        using var _ = result.Transformer;

        var sorted = Features(data).Order().ToArray();
        var n = sorted.Length;                                                    // 256 · 16 = 4096 values
        var hi = sorted[(int)Math.Ceiling(percentile / 100 * (n - 1) - 1e-9)];
        var lo = sorted[(int)Math.Floor((1 - percentile / 100) * (n - 1) + 1e-9)];
        var input = result.ActivationRanges.Single(r => r.Tensor == OnnxNames.Features);
        Assert.Equal((lo, hi), (input.Min, input.Max));
        if (percentile == 100)
            Assert.Equal((sorted[0], sorted[^1]), (input.Min, input.Max));
    }

    [Fact]
    public void Percentile_on_a_known_list_clips_the_extremes()
    {
        var values = Enumerable.Range(0, 10001).Select(i => (float)i).ToArray();   // 0..10000, n − 1 = 10000
        Assert.Equal((1f, 9999f), CalibrationRanges.Percentile(values, 99.99));    // ⌈0.9999·10000⌉ = 9999, ⌊0.0001·10000⌋ = 1
        Assert.Equal((500f, 9500f), CalibrationRanges.Percentile(values, 95));
        Assert.Equal((0f, 10000f), CalibrationRanges.Percentile(values, 100));
    }

    [Fact]
    public void Entropy_threshold_is_at_most_max_abs_and_clips_a_lone_outlier()
    {
        // 20,000 values of a standard normal (Box–Muller, seeded) and one outlier at 50.
        var random = new Random(5);
        var values = Enumerable.Range(0, 20000).Select(_ => (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()))).Append(50f).ToArray();
        var threshold = CalibrationRanges.EntropyThreshold(values, 2048);
        Assert.True(threshold <= 50f);
        Assert.True(threshold < 10f, $"T = {threshold}: the outlier should be clipped");  // 2048 bins of 50/2048: T well inside the bulk's tail
        Assert.True(threshold > 2f, $"T = {threshold}: the normal's bulk (|x| ≤ 2 holds 95%) should be kept");
        var (min, max) = CalibrationRanges.Entropy(values, 2048);
        Assert.Equal(Math.Min(threshold, 50f), max);
        Assert.Equal(Math.Max(-threshold, values.Min()), min);

        // A uniform distribution has no tail worth clipping: the threshold is (within a bin or two) its maximum.
        var uniform = Enumerable.Range(0, 20000).Select(i => (float)(i / 20000.0 * 2 - 1)).ToArray();
        Assert.InRange(CalibrationRanges.EntropyThreshold(uniform, 2048), 0.95f, 1f);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(100.5)]
    [InlineData(double.NaN)]
    public void Percentile_outside_0_100_is_refused_naming_it(double percentile)
    {
        var error = Assert.Throws<ArgumentException>(() => new QuantizationOptions { Percentile = percentile });
        Assert.Equal(nameof(QuantizationOptions.Percentile), error.ParamName);
        Assert.Contains("(0, 100]", error.Message);
    }

    [Fact]
    public void Every_invalid_option_is_refused_naming_it()
    {
        Assert.Equal("Method", Assert.Throws<ArgumentException>(() => new QuantizationOptions { Method = (QuantizationMethod)7 }).ParamName);
        Assert.Equal("Calibration", Assert.Throws<ArgumentException>(() => new QuantizationOptions { Calibration = (CalibrationMethod)7 }).ParamName);
        Assert.Equal("ActivationType", Assert.Throws<ArgumentException>(() => new QuantizationOptions { ActivationType = (QuantizedActivationType)7 }).ParamName);
        Assert.Equal("MaxCalibrationRows", Assert.Throws<ArgumentException>(() => new QuantizationOptions { MaxCalibrationRows = 0 }).ParamName);
        Assert.Equal("HistogramBins", Assert.Throws<ArgumentException>(() => new QuantizationOptions { HistogramBins = 128 }).ParamName);
        var defaults = new QuantizationOptions();
        Assert.Equal((QuantizationMethod.Dynamic, CalibrationMethod.MinMax, 99.99, true, false, QuantizedActivationType.UInt8),
            (defaults.Method, defaults.Calibration, defaults.Percentile, defaults.PerChannel, defaults.SymmetricActivations, defaults.ActivationType));
    }

    [Fact]
    public void Static_without_calibration_rows_or_without_the_feature_column_fails_clearly()
    {
        var ml = new MLContext(1);
        using var fitted = Fitted(ml, Mlp());
        var options = new QuantizationOptions { Method = QuantizationMethod.Static };

        var none = Assert.Throws<ArgumentException>(() => ml.DeepML().Compression.Quantize(fitted, null, options));
        Assert.Equal("calibrationData", none.ParamName);
        Assert.Contains("'Features'", none.Message);

        var empty = Assert.Throws<ArgumentException>(() => ml.DeepML().Compression.Quantize(fitted, Data(ml, 0, 1), options));
        Assert.Equal("calibrationData", empty.ParamName);
        Assert.Contains("0 rows", empty.Message);
        Assert.Contains("'Features'", empty.Message);

        var renamed = ml.Transforms.CopyColumns("Pixels", "Features").Fit(Data(ml, 10, 1)).Transform(Data(ml, 10, 1));
        var other = ml.Transforms.DropColumns("Features").Fit(renamed).Transform(renamed);
        var missing = Assert.ThrowsAny<ArgumentException>(() => ml.DeepML().Compression.Quantize(fitted, other, options));
        Assert.Contains("Features", missing.Message);
        Assert.Contains("Pixels", missing.Message);     // the columns that exist are listed

        var wrongSize = Data(ml, 10, 1, inputs: 5);
        var size = Assert.ThrowsAny<ArgumentException>(() => ml.DeepML().Compression.Quantize(fitted, wrongSize, options));
        Assert.Contains("16", size.Message);
    }

    [Fact]
    public void Dynamic_needs_no_calibration_and_reports_no_ranges()
    {
        var ml = new MLContext(1);
        using var fitted = Fitted(ml, Mlp());
        var result = ml.DeepML().Compression.Quantize(fitted);
        using var _ = result.Transformer;
        Assert.Empty(result.ActivationRanges);
        Assert.Equal(0, result.CalibrationRows);
    }
}
