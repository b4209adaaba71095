using DeepML.Onnx.Proto;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Xunit;

namespace DeepML.Core.Tests.Onnx;

/// <summary>
/// The graph builder over the generated ONNX types: int64 / int8 / uint8 initializers, ints / floats /
/// string / tensor attributes and value infos come out as onnx.proto defines them, ONNX Runtime runs
/// a graph that uses them, and encoding is deterministic.
/// </summary>
public sealed class OnnxGraphTests
{
    private static readonly OnnxModelHeader Header = new(8, 17, "test", "0", [new("k", "v")]);

    /// <summary>y = DequantizeLinear(int8 w, scale, 0) · x + Reshape(x, [-1, 2, 2]) summed back, exercising every constant type.</summary>
    private static OnnxGraph Quantized()
    {
        var g = new OnnxGraph("q");
        g.AddInput("x", "N", 4L);
        var w = g.ConstantInt8("w", [-128, -1, 0, 127], 4);
        var zero = g.ConstantInt8("zero", [0]);
        var dequantized = g.Node("dq", "DequantizeLinear", [w, g.Scalar("scale", 0.5f), zero]);
        var u = g.Node("du", "DequantizeLinear", [g.ConstantUInt8("u", [0, 1, 2, 255], 4), g.Scalar("uscale", 1f), g.ConstantUInt8("uzero", [1])]);
        var scaled = g.Node("mul", "Mul", [g.Node("add", "Add", ["x", dequantized]), u]);
        var reshaped = g.Node("reshape", "Reshape", [scaled, g.ConstantInt64("shape", [-1, 2, 2], 3)]);
        g.AddValueInfo(reshaped, OnnxDataType.Float, "N", 2L, 2L);
        var summed = g.Node("sum", "ReduceSum", [reshaped, g.ConstantInt64("axes", [2], 1)], null, new OnnxAttribute("keepdims", Int: 0));
        g.Node("out", "Identity", [summed], "y");
        g.AddOutput("y", "N", 2L);
        return g;
    }

    [Fact]
    public void ConstantsOfEveryElementTypeRunInOnnxRuntime()
    {
        var bytes = Quantized().Encode(Header);
        using var session = new InferenceSession(bytes);
        float[] x = [1, 2, 3, 4, -1, -2, -3, -4];
        using var input = OrtValue.CreateTensorValueFromMemory(x, [2, 4]);
        using var outputs = session.Run(new RunOptions(), ["x"], [input], ["y"]);
        var y = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        // w = 0.5·[-128, -1, 0, 127] = [-64, -0.5, 0, 63.5]; u = [0, 1, 2, 255] − 1 = [-1, 0, 1, 254].
        float[] w = [-64f, -0.5f, 0f, 63.5f], u = [-1f, 0f, 1f, 254f];
        float[] expected = [(x[0] + w[0]) * u[0] + (x[1] + w[1]) * u[1], (x[2] + w[2]) * u[2] + (x[3] + w[3]) * u[3],
                            (x[4] + w[0]) * u[0] + (x[5] + w[1]) * u[1], (x[6] + w[2]) * u[2] + (x[7] + w[3]) * u[3]];
        Assert.Equal(expected, y);
    }

    [Fact]
    public void EncodingWritesOnnxFieldsAndIsDeterministic()
    {
        var bytes = Quantized().Encode(Header);
        Assert.Equal(bytes, Quantized().Encode(Header));
        var model = ModelProto.Parser.ParseFrom(bytes);
        Assert.Equal((8L, "", 17L), (model.IrVersion, model.OpsetImport.Single().Domain, model.OpsetImport.Single().Version));
        Assert.Equal(("k", "v"), (model.MetadataProps.Single().Key, model.MetadataProps.Single().Value));
        var initializers = model.Graph.Initializer.ToDictionary(t => t.Name);
        Assert.Equal((int)TensorProto.Types.DataType.Int8, initializers["w"].DataType);
        Assert.Equal(new byte[] { 0x80, 0xFF, 0x00, 0x7F }, initializers["w"].RawData.ToByteArray());
        Assert.Equal((int)TensorProto.Types.DataType.Uint8, initializers["u"].DataType);
        Assert.Equal((int)TensorProto.Types.DataType.Int64, initializers["shape"].DataType);
        Assert.Equal([-1L, 2, 2], System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(initializers["shape"].RawData.Span).ToArray());
        Assert.Equal([3L], initializers["shape"].Dims);
        Assert.Empty(initializers["scale"].Dims); // rank 0
        var info = model.Graph.ValueInfo.Single();
        Assert.Equal(["N", "2", "2"], info.Type.TensorType.Shape.Dim.Select(d => d.HasDimParam ? d.DimParam : d.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal("y", model.Graph.Output.Single().Name);
        Assert.Equal("N", model.Graph.Input.Single().Type.TensorType.Shape.Dim[0].DimParam);
    }

    [Fact]
    public void AttributesOfEveryKindAreTyped()
    {
        var tensor = new TensorProto { DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(BitConverter.GetBytes(2.5f)) };
        var attributes = new[]
        {
            new OnnxAttribute("i", Int: 3), new OnnxAttribute("f", Float: 0.25f), new OnnxAttribute("ints", Ints: [1, 2, 3]),
            new OnnxAttribute("floats", Floats: [0.5f, 1.5f]), new OnnxAttribute("s", String: "NOTSET"), new OnnxAttribute("t", Tensor: tensor),
        }.Select(a => a.ToProto()).ToArray();
        Assert.Equal([AttributeProto.Types.AttributeType.Int, AttributeProto.Types.AttributeType.Float, AttributeProto.Types.AttributeType.Ints,
            AttributeProto.Types.AttributeType.Floats, AttributeProto.Types.AttributeType.String, AttributeProto.Types.AttributeType.Tensor], attributes.Select(a => a.Type));
        Assert.Equal([1L, 2, 3], attributes[2].Ints);
        Assert.Equal("NOTSET", attributes[4].S.ToStringUtf8());
        var e = Assert.Throws<InvalidOperationException>(() => new OnnxAttribute("both", Float: 1, Int: 1).ToProto());
        Assert.Equal("OnnxAttribute 'both': exactly one value must be set, 2 are.", e.Message);

        // A tensor attribute in a real graph: Constant(value = 2.5) + x.
        var g = new OnnxGraph("c");
        g.AddInput("x", "N", 1L);
        g.Node("sum", "Add", ["x", g.Node("c", "Constant", [], null, new OnnxAttribute("value", Tensor: tensor))], "y");
        g.AddOutput("y", "N", 1L);
        using var session = new InferenceSession(g.Encode(Header));
        using var input = OrtValue.CreateTensorValueFromMemory(new float[] { 1, -1 }, [2, 1]);
        using var outputs = session.Run(new RunOptions(), ["x"], [input], ["y"]);
        Assert.Equal([3.5f, 1.5f], outputs[0].GetTensorDataAsSpan<float>().ToArray());
    }
}
