using System.Runtime.InteropServices;
using DeepML.Core.Tests.Onnx;
using DeepML.Onnx.Proto;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;
using static DeepML.Core.Tests.Compression.QuantizationFixtures;

namespace DeepML.Core.Tests.Compression;

/// <summary>Which layers get int8, the exact int8 weight values, and what stays float and why.</summary>
public sealed class QuantizationLayerTests
{
    // Row 0: max |w| = 127/64, so scale = 1/64 exactly and w/scale = 127, −63.5, 0.5, 1.5, 2.5, −3.5, 10.
    // Row 1: max |w| = 1.27 → its own scale per channel; per tensor it shares row 0's 1/64.
    private static readonly float[] Row0 = [127f / 64, -63.5f / 64, 0.5f / 64, 1.5f / 64, 2.5f / 64, -3.5f / 64, 10f / 64];
    private static readonly float[] Row1 = [1.27f, 0.635f, -0.3f, 0f, 0.01f, 1.0f, -1.27f];

    /// <summary>round_half_to_even(w / scale): 127, −64, 0, 2, 2, −4, 10 (halves go to the even neighbour).</summary>
    private static readonly sbyte[] Row0Quantized = [127, -64, 0, 2, 2, -4, 10];

    private static NetworkModel HandBuilt()
    {
        var spec = new NetworkSpec([new DenseLayer(2), new ActivationLayer(ActivationKind.Relu), new DenseLayer(1)], 7);
        var arrays = new Dictionary<string, WeightArray>
        {
            ["0.weight"] = new([.. Row0, .. Row1], [2, 7]),
            ["0.bias"] = new([0.1f, -0.2f], [2]),
            ["2.weight"] = new([0.5f, -0.25f], [1, 2]),
            ["2.bias"] = new([0.05f], [1]),
        };
        return new NetworkModel(new NetworkWeights(spec, arrays), PredictionKind.BinaryClassification, "Features");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Int8_weights_are_round_half_even_of_w_over_max_abs_w_by_127(bool perChannel)
    {
        var ml = new MLContext(1);
        using var fitted = Fitted(ml, HandBuilt());
        var options = new QuantizationOptions { Method = QuantizationMethod.Static, PerChannel = perChannel };
        using var quantized = ml.DeepML().Compression.Quantize(fitted, Data(ml, 50, 3, inputs: 7), options).Transformer;
        var graph = Parse(quantized.ExportOnnx()).Graph;

        var weight = graph.Initializer.Single(t => t.Name == "0.weight_quantized");    // static Gemm keeps the layer's [U, K] layout
        var q = MemoryMarshal.Cast<byte, sbyte>(weight.RawData.Span).ToArray();
        var scales = MemoryMarshal.Cast<byte, float>(graph.Initializer.Single(t => t.Name == "0.weight_scale").RawData.Span).ToArray();
        Assert.Equal([2L, 7L], weight.Dims);
        Assert.Equal(Row0Quantized, q[..7]);
        if (perChannel)
        {
            Assert.Equal([1f / 64, 1.27f / 127], scales);
            Assert.Equal(Row1.Select(w => (sbyte)Math.Round(w / (1.27f / 127), MidpointRounding.ToEven)).ToArray(), q[7..]);
            Assert.Equal(127, q[7]);
            Assert.Equal(-127, q[13]);
        }
        else
        {
            Assert.Equal([1f / 64], scales);
            Assert.Equal(Row1.Select(w => (sbyte)Math.Round(w * 64, MidpointRounding.ToEven)).ToArray(), q[7..]);
        }
        Assert.All(graph.Initializer.Where(t => t.Name.EndsWith("weight_zero_point", StringComparison.Ordinal)), z => Assert.All(z.RawData.ToByteArray(), b => Assert.Equal(0, b)));
        // The model read back holds the dequantized weights: q · scale.
        var dequantized = quantized.Model.Weights["0.weight"].Data;
        Assert.Equal(Row0Quantized.Select(v => v / 64f), dequantized[..7]);
    }

    [Fact]
    public void Dynamic_stores_the_Gemm_weight_transposed_for_MatMulInteger()
    {
        var ml = new MLContext(1);
        using var fitted = Fitted(ml, HandBuilt());
        using var quantized = ml.DeepML().Compression.Quantize(fitted).Transformer;
        var graph = Parse(quantized.ExportOnnx()).Graph;
        var weight = graph.Initializer.Single(t => t.Name == "0.weight_transposed_quantized");
        Assert.Equal([7L, 2L], weight.Dims);
        var q = MemoryMarshal.Cast<byte, sbyte>(weight.RawData.Span).ToArray();
        Assert.Equal(Row0Quantized, Enumerable.Range(0, 7).Select(k => q[k * 2]).ToArray());   // column 0 of [K, U] = row 0 of [U, K]
        Assert.DoesNotContain(graph.Node, n => n.OpType == "DynamicQuantizeLinear");   // per row by default
        Assert.Equal(2, graph.Node.Count(n => n.OpType == "MatMulInteger"));
        Assert.DoesNotContain(graph.Node, n => n.OpType == "Gemm");
        Assert.Equal(Row0Quantized.Select(v => v / 64f), quantized.Model.Weights["0.weight"].Data[..7]);

        using var perBatch = ml.DeepML().Compression.Quantize(fitted, null, new QuantizationOptions { DynamicScale = DynamicActivationScale.PerBatch }).Transformer;
        var batchGraph = Parse(perBatch.ExportOnnx()).Graph;
        Assert.Equal(2, batchGraph.Node.Count(n => n.OpType == "DynamicQuantizeLinear"));
        Assert.DoesNotContain(batchGraph.Node, n => n.OpType == "ReduceMax");
    }

    /// <summary>
    /// Per-row dynamic Dense against a reference written from the pattern's definition: s = max|x|/127, q = clamp(round_half_even(x/s) + 128, 0, 255),
    /// y = Σ_k (q_k − 128)·w_q[k] · s · s_w + b. The integer sum is exact, so only the last float multiplications differ (≤ 1e-5 relative).
    /// </summary>
    [Fact]
    public void Per_row_dynamic_Dense_matches_its_integer_reference()
    {
        var ml = new MLContext(1);
        var spec = new NetworkSpec([new DenseLayer(1)], 7);
        var w = Row1;
        var model = new NetworkModel(new NetworkWeights(spec, new Dictionary<string, WeightArray> { ["0.weight"] = new(w, [1, 7]), ["0.bias"] = new([0.3f], [1]) }),
            PredictionKind.BinaryClassification, "Features");
        using var fitted = Fitted(ml, model);
        using var quantized = ml.DeepML().Compression.Quantize(fitted).Transformer;
        var data = Data(ml, 30, 12, inputs: 7);
        var actual = quantized.Transform(data).GetColumn<float>("Score").ToArray();

        var sw = w.Max(Math.Abs) / 127f;
        var wq = w.Select(v => (int)Math.Round(v / sw, MidpointRounding.ToEven)).ToArray();
        var expected = data.GetColumn<float[]>("Features").Select(x =>
        {
            var s = Math.Max(x.Max(Math.Abs), 1e-30f) / 127f;
            var q = x.Select(v => Math.Clamp((int)Math.Round(v / s, MidpointRounding.ToEven) + 128, 0, 255)).ToArray();
            var sum = q.Zip(wq, (a, b) => (a - 128) * b).Sum();
            return (double)(sum * (s * sw) + 0.3f);
        }).ToArray();
        TestModels.AssertClose(expected, actual, "per-row dynamic Dense");
    }

    [Fact]
    public void Conv2d_is_int8_in_static_QDQ_and_stays_float_with_a_reason_in_dynamic()
    {
        var ml = new MLContext(1);
        var spec = new NetworkSpec([new Conv2dLayer(4, 3, padding: 1), new ActivationLayer(ActivationKind.Relu), new GlobalAveragePoolLayer(), new DenseLayer(1)], new TensorShape(2, 6, 6));
        var model = new NetworkModel(RandomConvWeights(spec), PredictionKind.BinaryClassification, "Features");
        using var fitted = Fitted(ml, model);
        var data = Data(ml, 64, 3, inputs: 72);

        var result = ml.DeepML().Compression.Quantize(fitted, data, new QuantizationOptions { Method = QuantizationMethod.Static });
        ExportForChecker("conv2d-static", result.Transformer);
        using (result.Transformer)
        {
            Assert.Equal([("0", "Conv2d"), ("3", "Dense")], result.QuantizedLayers.Select(l => (l.Path, l.Kind)));
            var graph = Parse(result.Transformer.ExportOnnx()).Graph;
            var conv = graph.Node.Single(n => n.OpType == "Conv");
            Assert.All(conv.Input, i => Assert.Contains(graph.Node, n => n.OpType == "DequantizeLinear" && n.Output[0] == i));
            Assert.Equal((int)TensorProto.Types.DataType.Int32, graph.Initializer.Single(t => t.Name == "0.bias_quantized").DataType);
            var e = fitted.Transform(Data(ml, 40, 4, inputs: 72)).GetColumn<float>("Score").ToArray();
            var a = result.Transformer.Transform(Data(ml, 40, 4, inputs: 72)).GetColumn<float>("Score").ToArray();
            Assert.True(e.Zip(a, (x, y) => Math.Abs(x - y)).Max() < 0.05);
            AssertOptimizationLevelsAgree(result.Transformer.ExportOnnx(), 72);
        }

        var dynamic = ml.DeepML().Compression.Quantize(fitted);
        ExportForChecker("conv2d-dynamic", dynamic.Transformer);
        using (dynamic.Transformer)
        {
            Assert.Equal(["3"], dynamic.QuantizedLayers.Select(l => l.Path));
            var conv = Assert.Single(dynamic.FloatLayers);
            Assert.Equal(("0", "Conv2d"), (conv.Path, conv.Kind));
            Assert.Contains("QuantizationMethod.Static", conv.Reason);
            Assert.Equal(OnnxDataType.Float, Parse(dynamic.Transformer.ExportOnnx()).Graph.Initializer.Single(t => t.Name == "0.weight").DataType);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Attention_projections_are_int8_and_LayerNorm_stays_float_with_a_reason(bool isStatic)
    {
        var ml = new MLContext(1);
        var spec = new NetworkSpec([new MultiHeadSelfAttentionLayer(2), new LayerNormLayer(), new ClsPoolingLayer(), new DenseLayer(1)], new TensorShape(4, 8));
        var random = new Random(3);
        var arrays = spec.WeightShapes().ToDictionary(w => w.Name, w => new WeightArray(
            w.Name.StartsWith("1.", StringComparison.Ordinal) ? [.. Enumerable.Range(0, w.Shape[0]).Select(_ => (float)(0.8 + 0.4 * random.NextDouble()))]
                : [.. Enumerable.Range(0, w.Shape.Aggregate(1, (a, b) => a * b)).Select(_ => (float)(random.NextDouble() - 0.5))], w.Shape));
        using var fitted = Fitted(ml, new NetworkModel(new NetworkWeights(spec, arrays), PredictionKind.BinaryClassification, "Features"));
        var options = isStatic ? new QuantizationOptions { Method = QuantizationMethod.Static } : new QuantizationOptions();
        var result = ml.DeepML().Compression.Quantize(fitted, Data(ml, 128, 3, inputs: 32), options);
        ExportForChecker("attention" + (isStatic ? "-static" : "-dynamic"), result.Transformer);
        using var quantized = result.Transformer;

        var attention = result.QuantizedLayers.Single(l => l.Path == "0");
        Assert.Equal("MultiHeadSelfAttention", attention.Kind);
        Assert.Equal(MultiHeadSelfAttentionLayer.Projections.Select(p => $"0.{p}.weight"), attention.Weights);
        var norm = Assert.Single(result.FloatLayers);
        Assert.Equal(("1", "LayerNorm"), (norm.Path, norm.Kind));
        Assert.Contains("no int8 path", norm.Reason);
        Assert.Contains("LayerNormalization", norm.Reason);
        var e = fitted.Transform(Data(ml, 40, 4, inputs: 32)).GetColumn<float>("Score").ToArray();
        var a = quantized.Transform(Data(ml, 40, 4, inputs: 32)).GetColumn<float>("Score").ToArray();
        Assert.True(e.Zip(a, (x, y) => Math.Abs(x - y)).Max() < 0.1, $"max |Δ| = {e.Zip(a, (x, y) => Math.Abs(x - y)).Max()}");
        AssertOptimizationLevelsAgree(quantized.ExportOnnx(), 32);
    }

    [Fact]
    public void Conv1d_is_int8_in_static_QDQ()
    {
        var ml = new MLContext(1);
        var spec = new NetworkSpec([new Conv1dLayer(3, 3, padding: 1), new ActivationLayer(ActivationKind.Relu), new FlattenLayer(), new DenseLayer(1)], new TensorShape(2, 10));
        using var fitted = Fitted(ml, new NetworkModel(RandomConvWeights(spec), PredictionKind.BinaryClassification, "Features"));
        var result = ml.DeepML().Compression.Quantize(fitted, Data(ml, 64, 3, inputs: 20), new QuantizationOptions { Method = QuantizationMethod.Static });
        ExportForChecker("conv1d-static", result.Transformer);
        using var quantized = result.Transformer;
        Assert.Equal([("0", "Conv1d"), ("3", "Dense")], result.QuantizedLayers.Select(l => (l.Path, l.Kind)));
        var weight = Parse(quantized.ExportOnnx()).Graph.Initializer.Single(t => t.Name == "0.weight_quantized");
        Assert.Equal([3L, 2L, 3L], weight.Dims);
        var e = fitted.Transform(Data(ml, 40, 4, inputs: 20)).GetColumn<float>("Score").ToArray();
        var a = quantized.Transform(Data(ml, 40, 4, inputs: 20)).GetColumn<float>("Score").ToArray();
        Assert.True(e.Zip(a, (x, y) => Math.Abs(x - y)).Max() < 0.05);
        AssertOptimizationLevelsAgree(quantized.ExportOnnx(), 20);
    }

    /// <summary>A transformer block (nested paths): its attention and feed-forward Dense layers are int8, its LayerNorms stay float.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_transformer_block_quantizes_its_nested_attention_and_feed_forward_layers(bool isStatic)
    {
        var ml = new MLContext(1);
        var spec = new NetworkSpec([new TransformerBlockLayer(heads: 2, ffnHidden: 16, tokenDimension: 8), new ClsPoolingLayer(), new DenseLayer(1)], new TensorShape(4, 8));
        var random = new Random(4);
        var arrays = spec.WeightShapes().ToDictionary(w => w.Name, w => new WeightArray(
            w.Shape.Length == 1 && w.Name.Contains("norm", StringComparison.Ordinal) && w.Name.EndsWith("weight", StringComparison.Ordinal)
                ? [.. Enumerable.Range(0, w.Shape[0]).Select(_ => 1f)]
                : [.. Enumerable.Range(0, w.Shape.Aggregate(1, (a, b) => a * b)).Select(_ => (float)(random.NextDouble() - 0.5) * 0.5f)], w.Shape));
        using var fitted = Fitted(ml, new NetworkModel(new NetworkWeights(spec, arrays), PredictionKind.BinaryClassification, "Features"));
        var options = isStatic ? new QuantizationOptions { Method = QuantizationMethod.Static } : new QuantizationOptions();
        var result = ml.DeepML().Compression.Quantize(fitted, Data(ml, 128, 3, inputs: 32), options);
        ExportForChecker("transformer-block" + (isStatic ? "-static" : "-dynamic"), result.Transformer);
        using var quantized = result.Transformer;

        var leaves = LayerTree.Walk(spec.Root, spec.InputShape!).Where(l => l.Layer.WeightShapes(l.Input).Any()).ToArray();
        Assert.Equal(leaves.Where(l => l.Layer is DenseLayer or MultiHeadSelfAttentionLayer).Select(l => l.Path), result.QuantizedLayers.Select(l => l.Path));
        Assert.Equal(leaves.Where(l => l.Layer is LayerNormLayer).Select(l => l.Path), result.FloatLayers.Select(l => l.Path));
        Assert.Contains(result.QuantizedLayers, l => l.Kind == "MultiHeadSelfAttention" && l.Path.Contains('.', StringComparison.Ordinal));
        var e = fitted.Transform(Data(ml, 40, 4, inputs: 32)).GetColumn<float>("Score").ToArray();
        var a = quantized.Transform(Data(ml, 40, 4, inputs: 32)).GetColumn<float>("Score").ToArray();
        Assert.True(e.Zip(a, (x, y) => Math.Abs(x - y)).Max() < 0.1, $"max |Δ| = {e.Zip(a, (x, y) => Math.Abs(x - y)).Max()}");
        AssertOptimizationLevelsAgree(quantized.ExportOnnx(), 32);
    }

    /// <summary>ORT accepts the graph with optimizations off and on (fused int8 kernels) and both give the same scores within 0.01.</summary>
    private static void AssertOptimizationLevelsAgree(byte[] onnx, int inputs)
    {
        var x = Features(Data(new MLContext(1), 32, 17, inputs));
        var off = Run(onnx, x, 32, inputs, Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_DISABLE_ALL);
        var on = Run(onnx, x, 32, inputs, Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_ENABLE_ALL);
        Assert.True(off.Zip(on, (p, q) => Math.Abs(p - q)).Max() < 0.01, $"optimized vs unoptimized: {off.Zip(on, (p, q) => Math.Abs(p - q)).Max()}");
    }

    private static NetworkWeights RandomConvWeights(NetworkSpec spec)
    {
        var random = new Random(11);
        return new NetworkWeights(spec, spec.WeightShapes().ToDictionary(w => w.Name, w => new WeightArray(
            [.. Enumerable.Range(0, w.Shape.Aggregate(1, (a, b) => a * b)).Select(_ => (float)(random.NextDouble() - 0.5) * 0.6f)], w.Shape)));
    }
}
