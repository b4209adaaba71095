using DeepML.Compression.Quantization;
using DeepML.Onnx.Proto;
using Microsoft.ML.OnnxRuntime;
using Xunit;

namespace DeepML.Core.Tests.Compression;

/// <summary>
/// ONNX's quantization operators against their definitions (onnx/docs/Operators.md, opset 13+): a reference written here from the
/// text, ONNX Runtime on a one-node graph, and DeepML's <see cref="QuantizationMath"/> must agree exactly.
/// </summary>
public sealed class QuantizationOperatorTests
{
    // Halfway cases (x/scale = k + 0.5 exactly: scale 0.5 and x = 0.25·odd), saturation both ends, and ordinary values.
    private static readonly float[] Inputs = [0.25f, 0.75f, 1.25f, -0.25f, -0.75f, -1.25f, 0f, 3.1f, -3.1f, 63.75f, -64.25f, 1000f, -1000f, 127.25f, -127.75f, 0.1f];

    /// <summary>QuantizeLinear: y = saturate(round_half_to_even(x / scale) + zero_point) — the text of the ONNX definition.</summary>
    private static int Reference(float x, float scale, int zeroPoint, int qmin, int qmax)
    {
        var ratio = x / scale;                         // float division, as the definition's x / y_scale
        var floor = MathF.Floor(ratio);
        var fraction = ratio - floor;
        var rounded = fraction > 0.5f ? floor + 1 : fraction < 0.5f ? floor : (floor % 2 == 0 ? floor : floor + 1);
        return (int)Math.Min(qmax, Math.Max(qmin, rounded + zeroPoint));
    }

    [Theory]
    [InlineData(false, 0)]
    [InlineData(false, 128)]
    [InlineData(false, 3)]
    [InlineData(true, 0)]
    [InlineData(true, -5)]
    public void QuantizeLinear_matches_the_definition_in_ORT_and_in_DeepML(bool int8, int zeroPoint)
    {
        const float scale = 0.5f;
        var (qmin, qmax) = int8 ? (-128, 127) : (0, 255);
        var expected = Inputs.Select(x => Reference(x, scale, zeroPoint, qmin, qmax)).ToArray();

        var ort = RunQuantize(Inputs, scale, zeroPoint, int8);
        var deepml = Inputs.Select(x => QuantizationMath.Quantize(x, scale, zeroPoint, qmin, qmax)).ToArray();

        Assert.Equal(expected, ort);
        Assert.Equal(expected, deepml);
        // The definition's rounding, spelled out: 0.25/0.5 = 0.5 → 0, 0.75/0.5 = 1.5 → 2, 1.25/0.5 = 2.5 → 2, −0.5 → 0, −1.5 → −2, −2.5 → −2.
        if (zeroPoint - 2 >= qmin)
            Assert.Equal(new[] { 0, 2, 2, 0, -2, -2 }, expected.Take(6).Select(q => q - zeroPoint));
        Assert.Equal(qmax, expected[11]);  // 1000 saturates high
        Assert.Equal(qmin, expected[12]);  // −1000 saturates low
    }

    [Fact]
    public void DequantizeLinear_is_q_minus_zero_point_times_scale_in_ORT_and_in_DeepML()
    {
        byte[] q = [0, 1, 127, 128, 129, 255];
        var graph = new OnnxGraph("dq");
        graph.AddTypedInput("q", OnnxDataType.UInt8, (long)q.Length);
        var s = graph.Scalar("s", 0.125f);
        var z = graph.ConstantUInt8("z", [128]);
        graph.Node("dq", "DequantizeLinear", ["q", s, z], "y");
        graph.AddOutput("y", (long)q.Length);
        using var session = new InferenceSession(graph.Encode(Header()));
        using var input = OrtValue.CreateTensorValueFromMemory(q, [q.Length]);
        using var outputs = session.Run(new RunOptions(), ["q"], [input], ["y"]);
        var ort = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        Assert.Equal(new[] { -16f, -15.875f, -0.125f, 0f, 0.125f, 15.875f }, ort);
        Assert.Equal(ort, q.Select(v => QuantizationMath.Dequantize(v, 0.125f, 128)).ToArray());
    }

    [Fact]
    public void DynamicQuantizeLinear_matches_the_definition()
    {
        // Definition: x_min' = min(0, min x), x_max' = max(0, max x), scale = (x_max' − x_min') / 255,
        // zero_point = saturate(round_half_to_even(0 − x_min' / scale)), y = saturate(round_half_to_even(x / scale) + zero_point).
        float[] x = [-1.3f, 0.2f, 2.7f, 0.9f, -0.05f, 1.1f];
        var graph = new OnnxGraph("dql");
        graph.AddInput("x", (long)x.Length);
        var node = new NodeProto { Name = "dql", OpType = "DynamicQuantizeLinear" };
        node.Input.Add("x");
        node.Output.AddRange(["y", "y_scale", "y_zero_point"]);
        var model = graph.ToModel(Header());
        model.Graph.Node.Add(node);
        model.Graph.Output.Add(new OnnxTensorInfo("y", [(long)x.Length], OnnxDataType.UInt8).ToProto());
        model.Graph.Output.Add(new OnnxTensorInfo("y_scale", [], OnnxDataType.Float).ToProto());
        model.Graph.Output.Add(new OnnxTensorInfo("y_zero_point", [], OnnxDataType.UInt8).ToProto());
        using var session = new InferenceSession(Google.Protobuf.MessageExtensions.ToByteArray(model));
        using var input = OrtValue.CreateTensorValueFromMemory(x, [x.Length]);
        using var outputs = session.Run(new RunOptions(), ["x"], [input], ["y", "y_scale", "y_zero_point"]);

        var scale = (Math.Max(0f, x.Max()) - Math.Min(0f, x.Min())) / 255f;
        var zero = Reference(0 - Math.Min(0f, x.Min()) / scale, 1f, 0, 0, 255);
        Assert.Equal(scale, outputs[1].GetTensorDataAsSpan<float>()[0], 6);
        Assert.Equal(zero, outputs[2].GetTensorDataAsSpan<byte>()[0]);
        Assert.Equal(x.Select(v => Reference(v, scale, zero, 0, 255)).ToArray(), outputs[0].GetTensorDataAsSpan<byte>().ToArray().Select(b => (int)b).ToArray());
    }

    [Theory]
    [InlineData(-1f, 3f, false, false, 4f / 255, 64)]     // asymmetric uint8: zp = round(0 + 1/(4/255)) = round(63.75) = 64
    [InlineData(-1f, 3f, true, false, 4f / 255, -64)]     // asymmetric int8: zp = round(−128 + 63.75) = −64
    [InlineData(-1f, 3f, false, true, 6f / 255, 128)]     // symmetric uint8: scale 2·max|x|/255, zp 128
    [InlineData(-1f, 3f, true, true, 3f / 127, 0)]        // symmetric int8: scale max|x|/127, zp 0
    [InlineData(0.5f, 2f, false, false, 2f / 255, 0)]     // a positive range is widened to contain 0
    public void Activation_scale_and_zero_point_follow_the_ORT_rule(float min, float max, bool int8, bool symmetric, float scale, int zeroPoint)
    {
        var (s, z) = QuantizationMath.ActivationParameters(min, max, int8 ? QuantizedActivationType.Int8 : QuantizedActivationType.UInt8, symmetric);
        Assert.Equal(scale, s, 6);
        Assert.Equal(zeroPoint, z);
    }

    private static int[] RunQuantize(float[] x, float scale, int zeroPoint, bool int8)
    {
        var graph = new OnnxGraph("q");
        graph.AddInput("x", (long)x.Length);
        var s = graph.Scalar("s", scale);
        var z = int8 ? graph.ConstantInt8("z", [(sbyte)zeroPoint]) : graph.ConstantUInt8("z", [(byte)zeroPoint]);
        graph.Node("q", "QuantizeLinear", ["x", s, z], "y");
        graph.AddTypedOutput("y", int8 ? OnnxDataType.Int8 : OnnxDataType.UInt8, (long)x.Length);
        using var session = new InferenceSession(graph.Encode(Header()));
        using var input = OrtValue.CreateTensorValueFromMemory(x, [x.Length]);
        using var outputs = session.Run(new RunOptions(), ["x"], [input], ["y"]);
        return int8
            ? outputs[0].GetTensorDataAsSpan<sbyte>().ToArray().Select(v => (int)v).ToArray()
            : outputs[0].GetTensorDataAsSpan<byte>().ToArray().Select(v => (int)v).ToArray();
    }

    private static OnnxModelHeader Header() => new(OnnxExporter.IrVersion, OnnxExporter.Opset, "test", "0", []);
}
