namespace DeepML.Compression.Quantization;

/// <summary>
/// The arithmetic of ONNX's <c>QuantizeLinear</c> (opset 13+): <c>q = saturate(round_half_to_even(x / scale) + zero_point)</c>
/// and of DeepML's scale choices. Everything here is what the written graph computes, so tests compare it with ONNX Runtime.
/// </summary>
internal static class QuantizationMath
{
    /// <summary>The largest int8 magnitude used for weights: symmetric weights take [−127, 127] (scale = max|w| / 127).</summary>
    public const int WeightMax = 127;

    /// <summary>ONNX <c>QuantizeLinear</c> of one value into [<paramref name="qmin"/>, <paramref name="qmax"/>].</summary>
    public static int Quantize(float x, float scale, int zeroPoint, int qmin, int qmax)
    {
        var r = Math.Round((double)(x / scale), MidpointRounding.ToEven) + zeroPoint;
        return (int)Math.Clamp(r, qmin, qmax);
    }

    /// <summary>ONNX <c>DequantizeLinear</c>: <c>(q − zero_point) · scale</c>.</summary>
    public static float Dequantize(int q, float scale, int zeroPoint) => (q - zeroPoint) * scale;

    /// <summary>The integer range of an activation type.</summary>
    public static (int Min, int Max) Range(QuantizedActivationType type) => type == QuantizedActivationType.Int8 ? (-128, 127) : (0, 255);

    /// <summary>
    /// Symmetric int8 weights: one scale per index of axis <paramref name="axis"/> of <paramref name="shape"/> (<paramref name="perChannel"/>)
    /// or one for the tensor. Scale = max|w| / 127 (1 where all are 0).
    /// </summary>
    public static (sbyte[] Values, float[] Scales) QuantizeWeight(float[] w, int[] shape, int axis, bool perChannel)
    {
        var channels = perChannel ? shape[axis] : 1;
        var inner = 1;
        for (var i = axis + 1; i < shape.Length; i++)
            inner *= shape[i];
        int Channel(int index) => perChannel ? index / inner % channels : 0;
        var absMax = new float[channels];
        for (var i = 0; i < w.Length; i++)
            absMax[Channel(i)] = Math.Max(absMax[Channel(i)], Math.Abs(w[i]));
        var scales = absMax.Select(m => m > 0 ? m / WeightMax : 1f).ToArray();
        var values = new sbyte[w.Length];
        for (var i = 0; i < w.Length; i++)
            values[i] = (sbyte)Quantize(w[i], scales[Channel(i)], 0, -WeightMax, WeightMax);
        return (values, scales);
    }

    /// <summary>
    /// Scale and zero point of an activation range (ONNX Runtime's rule): the range is widened to contain 0; symmetric ranges
    /// use max|x| (int8: zero point 0, scale max|x|/127; uint8: zero point 128, scale 2·max|x|/255); asymmetric ranges map
    /// [min, max] onto the whole integer range, zero point round_half_to_even(qmin − min/scale). A zero range gets scale 1.
    /// </summary>
    public static (float Scale, int ZeroPoint) ActivationParameters(float min, float max, QuantizedActivationType type, bool symmetric)
    {
        var (qmin, qmax) = Range(type);
        double lo = Math.Min(min, 0f), hi = Math.Max(max, 0f);
        if (symmetric)
        {
            var absMax = Math.Max(-lo, hi);
            if (absMax == 0)
                return (1f, type == QuantizedActivationType.Int8 ? 0 : 128);
            return type == QuantizedActivationType.Int8 ? ((float)(absMax / 127), 0) : ((float)(2 * absMax / 255), 128);
        }
        if (hi - lo == 0)
            return (1f, 0);
        var scale = (float)((hi - lo) / (qmax - qmin));
        var zeroPoint = (int)Math.Clamp(Math.Round(qmin - lo / scale, MidpointRounding.ToEven), qmin, qmax);
        return (scale, zeroPoint);
    }
}
