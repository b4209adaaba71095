using System.Runtime.InteropServices;
using DeepML.Onnx.Proto;
using Google.Protobuf;

namespace DeepML.Compression.Quantization;

/// <summary>
/// Rewrites a float DeepML ONNX graph into its int8 form, in place on a copy of the <c>ModelProto</c>: the quantizable nodes'
/// float weights are replaced by int8 initializers <c>{weight}_quantized</c> with <c>{weight}_scale</c> and
/// <c>{weight}_zero_point</c>, and the nodes by the dynamic or the QDQ pattern. Node order stays topological; the same input
/// gives the same bytes.
/// </summary>
internal sealed class QuantizedGraphWriter
{
    /// <summary>Suffix of an int8 (weight) or int32 (bias) initializer that replaces the float one of the name before it.</summary>
    public const string QuantizedSuffix = "_quantized";

    /// <summary>Suffix of the scale (scalar, or one per channel) of a quantized initializer.</summary>
    public const string ScaleSuffix = "_scale";

    /// <summary>Suffix of the zero point of a quantized weight (always 0: weights are symmetric).</summary>
    public const string ZeroPointSuffix = "_zero_point";

    /// <summary>Inserted before <see cref="QuantizedSuffix"/> when the weight is stored transposed (<c>[K, U]</c>, channels on axis 1).</summary>
    public const string TransposedSuffix = "_transposed";

    private const int Int32 = (int)TensorProto.Types.DataType.Int32;
    private readonly GraphProto _graph;
    private readonly QuantizationOptions _options;
    private readonly List<NodeProto> _nodes = [];
    private readonly HashSet<string> _names;
    private readonly HashSet<string> _removed = [];

    private QuantizedGraphWriter(GraphProto graph, QuantizationOptions options)
    {
        _graph = graph;
        _options = options;
        _names = [.. graph.Node.SelectMany(n => n.Output.Concat([n.Name])), .. graph.Initializer.Select(t => t.Name), .. graph.Input.Select(i => i.Name)];
    }

    /// <summary>
    /// The dynamic pattern for every Gemm and MatMul of <paramref name="nodes"/> (Conv nodes are left float): the activation quantized
    /// to uint8 at run time (<see cref="DynamicPerRow"/> or <see cref="DynamicPerBatch"/>), <c>MatMulInteger</c> with the int8 weight
    /// and both zero points, <c>Cast</c> to float, <c>Mul</c> by activation scale · weight scale, <c>Add</c> of the float bias.
    /// </summary>
    public static void WriteDynamic(GraphProto graph, IReadOnlyList<QuantizableNode> nodes, QuantizationOptions options)
    {
        var writer = new QuantizedGraphWriter(graph, options);
        var byNode = nodes.Where(n => n.Op != QuantizableOp.Conv).ToDictionary(n => n.Node);
        var quantized = new Dictionary<string, (string Q, string Scale, string ZeroPoint)>();
        foreach (var node in graph.Node.ToArray())
        {
            if (!byNode.TryGetValue(node, out var q))
            {
                writer._nodes.Add(node);
                continue;
            }
            if (!quantized.TryGetValue(q.Activation, out var x))
            {
                x = options.DynamicScale == DynamicActivationScale.PerBatch ? writer.DynamicPerBatch(q.Activation) : writer.DynamicPerRow(q.Activation);
                quantized[q.Activation] = x;
            }
            var (wq, ws, wz) = writer.Weight(q, transposeForMatMul: q.Op == QuantizableOp.Gemm);
            var product = writer.Emit(node.Name + "_MatMulInteger", "MatMulInteger", [x.Q, wq, x.ZeroPoint, wz]);
            var cast = writer.Emit(node.Name + "_Cast", "Cast", [product], attributes: IntAttribute("to", OnnxDataType.Float));
            string Scaled(string[]? output)
            {
                if (options.DynamicScale == DynamicActivationScale.PerBatch) // quantize_dynamic's form, which ORT fuses (DynamicQuantizeMatMul)
                    return writer.Emit(node.Name + "_output_scale_mul", "Mul", [cast, writer.Emit(node.Name + "_scales_mul", "Mul", [x.Scale, ws])], output);
                // Per row: the weight scale first, then the [N, 1] row scale, so that no fusion takes the row scales for a per-tensor one.
                return writer.Emit(node.Name + "_row_scale_mul", "Mul", [writer.Emit(node.Name + "_weight_scale_mul", "Mul", [cast, ws]), x.Scale], output);
            }
            if (q.Bias is null)
                Scaled([q.Output]);
            else
                writer.Emit(node.Name + "_bias_add", "Add", [Scaled(null), q.Bias], [q.Output]);
            writer.Remove(q);
        }
        writer.Finish();
    }

    /// <summary>
    /// The QDQ pattern: every tensor of <paramref name="ranges"/> gets a <c>QuantizeLinear</c> → <c>DequantizeLinear</c> pair right
    /// after it is produced and its readers read the dequantized copy; each node's weight is an int8 initializer behind a
    /// <c>DequantizeLinear</c> (per-channel: <c>axis</c> = the output-channel axis), its bias an int32 initializer with scale
    /// <c>activation scale · weight scale</c> behind a <c>DequantizeLinear</c>, as ONNX Runtime's QDQ quantizer writes them.
    /// </summary>
    public static void WriteStatic(GraphProto graph, IReadOnlyList<QuantizableNode> nodes, IReadOnlyDictionary<string, ActivationRange> ranges, QuantizationOptions options)
    {
        var writer = new QuantizedGraphWriter(graph, options);
        var byNode = nodes.ToDictionary(n => n.Node);
        var dequantized = new Dictionary<string, string>();
        void QuantizeTensor(string tensor)
        {
            if (!ranges.TryGetValue(tensor, out var range) || dequantized.ContainsKey(tensor))
                return;
            var scale = writer.Constant(tensor + "_scale", OnnxDataType.Float, MemoryMarshal.AsBytes(new[] { range.Scale }.AsSpan()), []);
            var zero = options.ActivationType == QuantizedActivationType.Int8
                ? writer.Constant(tensor + "_zero_point", OnnxDataType.Int8, [unchecked((byte)(sbyte)range.ZeroPoint)], [])
                : writer.Constant(tensor + "_zero_point", OnnxDataType.UInt8, [(byte)range.ZeroPoint], []);
            var q = writer.Emit(tensor + "_QuantizeLinear", "QuantizeLinear", [tensor, scale, zero]);
            dequantized[tensor] = writer.Emit(tensor + "_DequantizeLinear", "DequantizeLinear", [q, scale, zero]);
        }

        foreach (var input in graph.Input)
            QuantizeTensor(input.Name);
        foreach (var node in graph.Node.ToArray())
        {
            var rewired = node.Clone();
            for (var i = 0; i < rewired.Input.Count; i++)
            {
                if (dequantized.TryGetValue(rewired.Input[i], out var dq))
                    rewired.Input[i] = dq;
            }
            if (byNode.TryGetValue(node, out var n))
            {
                if (n.Transpose is not null)
                    writer._removed.Add(n.Transpose.Name);
                var (wq, ws, wz) = writer.Weight(n, transposeForMatMul: false);
                rewired.Input[1] = writer.Emit(n.Weight + "_DequantizeLinear", "DequantizeLinear", [wq, ws, wz], attributes: writer.Axis(n.ChannelAxis));
                if (n.Bias is not null)
                    rewired.Input[2] = writer.Bias(n, ranges[n.Activation].Scale, ws);
                writer.Remove(n);
            }
            writer._nodes.Add(rewired);
            foreach (var output in node.Output)
                QuantizeTensor(output);
        }
        writer.Finish();
    }

    /// <summary>ONNX Runtime's <c>quantize_dynamic</c> activation: one <c>DynamicQuantizeLinear</c> (asymmetric uint8, one scale for the whole batch).</summary>
    private (string Q, string Scale, string ZeroPoint) DynamicPerBatch(string activation)
    {
        (string Q, string Scale, string ZeroPoint) x = (Name(activation + "_quantized"), Name(activation + "_scale"), Name(activation + "_zero_point"));
        Emit(activation + "_QuantizeLinear", "DynamicQuantizeLinear", [activation], [x.Q, x.Scale, x.ZeroPoint]);
        return x;
    }

    /// <summary>
    /// Symmetric uint8 per row (per token for <c>[N, T, K]</c>): <c>s = max(max|x_row|, 1e-30) / 127</c>, <c>q = Cast&lt;uint8&gt;(Clip(Round(x / s) + 128, 0, 255))</c>
    /// (<c>Round</c> is half to even), zero point 128. Every row is quantized on its own, so a row's result never depends on the rows batched with it.
    /// </summary>
    private (string Q, string Scale, string ZeroPoint) DynamicPerRow(string activation)
    {
        var absMax = Emit(activation + "_ReduceMax", "ReduceMax", [Emit(activation + "_Abs", "Abs", [activation])], null, IntsAttribute("axes", -1), IntAttribute("keepdims", 1));
        var floor = Constant(activation + "_tiny", OnnxDataType.Float, MemoryMarshal.AsBytes(new[] { 1e-30f }.AsSpan()), []);
        var levels = Constant(activation + "_levels", OnnxDataType.Float, MemoryMarshal.AsBytes(new[] { 127f }.AsSpan()), []);
        var scale = Emit(activation + "_scale_div", "Div", [Emit(activation + "_Max", "Max", [absMax, floor]), levels]);
        var offset = Constant(activation + "_offset", OnnxDataType.Float, MemoryMarshal.AsBytes(new[] { 128f }.AsSpan()), []);
        var low = Constant(activation + "_low", OnnxDataType.Float, MemoryMarshal.AsBytes(new[] { 0f }.AsSpan()), []);
        var high = Constant(activation + "_high", OnnxDataType.Float, MemoryMarshal.AsBytes(new[] { 255f }.AsSpan()), []);
        var rounded = Emit(activation + "_Round", "Round", [Emit(activation + "_Div", "Div", [activation, scale])]);
        var clipped = Emit(activation + "_Clip", "Clip", [Emit(activation + "_Add", "Add", [rounded, offset]), low, high]);
        var q = Emit(activation + "_Cast", "Cast", [clipped], null, IntAttribute("to", OnnxDataType.UInt8));
        var zero = Constant(activation + "_zero_point", OnnxDataType.UInt8, [128], []);
        return (q, scale, zero);
    }

    private static AttributeProto IntsAttribute(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    /// <summary>The int8 weight (and, for Gemm in the dynamic graph, transposed to <c>[K, U]</c>), its scale and zero point.</summary>
    private (string Q, string Scale, string ZeroPoint) Weight(QuantizableNode n, bool transposeForMatMul)
    {
        (float[] values, int[] shape, int axis) = transposeForMatMul
            ? (QuantizableNode.Transposed(n.Values, n.Shape[0], n.Shape[1]), new[] { n.Shape[1], n.Shape[0] }, 1)
            : (n.Values, n.Shape, n.ChannelAxis);
        var (q, scales) = QuantizationMath.QuantizeWeight(values, shape, axis, _options.PerChannel);
        long[] dims = scales.Length == 1 ? [] : [scales.Length];
        // A weight stored as [K, U] (the transpose of the layer's [U, K]) is named so, for OnnxNetworkReader to read it back.
        var stem = transposeForMatMul || n.Transpose is not null ? n.Weight + TransposedSuffix : n.Weight;
        return (Constant(stem + QuantizedSuffix, OnnxDataType.Int8, MemoryMarshal.AsBytes(q.AsSpan()), shape.Select(d => (long)d).ToArray()),
            Constant(stem + ScaleSuffix, OnnxDataType.Float, MemoryMarshal.AsBytes(scales.AsSpan()), dims),
            Constant(stem + ZeroPointSuffix, OnnxDataType.Int8, new byte[scales.Length], dims));
    }

    /// <summary>The bias as int32 <c>round_half_to_even(b / (sₓ·s_w[c]))</c> behind a <c>DequantizeLinear</c> with that scale.</summary>
    private string Bias(QuantizableNode n, float activationScale, string weightScales)
    {
        var weightScale = MemoryMarshal.Cast<byte, float>(_graph.Initializer.Single(t => t.Name == weightScales).RawData.Span).ToArray();
        var bias = QuantizableNode.Floats(_graph.Initializer.Single(t => t.Name == n.Bias));
        var scales = bias.Select((_, c) => activationScale * weightScale[weightScale.Length == 1 ? 0 : c]).ToArray();
        var q = bias.Select((b, c) => (int)Math.Clamp(Math.Round((double)(b / scales[c]), MidpointRounding.ToEven), int.MinValue, int.MaxValue)).ToArray();
        var name = n.Bias!;
        var bq = Constant(name + QuantizedSuffix, Int32, MemoryMarshal.AsBytes(q.AsSpan()), [bias.Length]);
        var bs = Constant(name + ScaleSuffix, OnnxDataType.Float, MemoryMarshal.AsBytes(scales.AsSpan()), [bias.Length]);
        _removed.Add(name);
        return Emit(name + "_DequantizeLinear", "DequantizeLinear", [bq, bs], attributes: IntAttribute("axis", 0)); // a 1-D scale needs axis 0 even per tensor
    }

    private AttributeProto[] Axis(int axis) => _options.PerChannel ? [IntAttribute("axis", axis)] : [];

    private static AttributeProto IntAttribute(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private void Remove(QuantizableNode n)
    {
        _removed.Add(n.Weight);
        if (n.Transpose is not null)
            _removed.Add(n.Transpose.Name);
    }

    /// <summary>Drops the replaced nodes (by identity or by name), the float weights they read, and writes the new node list.</summary>
    private void Finish()
    {
        var kept = _nodes.Where(n => !_removed.Contains(n.Name)).ToList();
        _graph.Node.Clear();
        _graph.Node.AddRange(kept);
        var initializers = _graph.Initializer.Where(t => !_removed.Contains(t.Name)).ToList();
        _graph.Initializer.Clear();
        _graph.Initializer.AddRange(initializers);
    }

    private string Emit(string name, string op, string[] inputs, string[]? outputs = null, params AttributeProto[] attributes)
    {
        var node = new NodeProto { Name = Name(name), OpType = op };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs ?? [Name(name + "_output")]);
        node.Attribute.AddRange(attributes);
        _nodes.Add(node);
        return node.Output[0];
    }

    private string Constant(string name, int type, ReadOnlySpan<byte> raw, long[] dims)
    {
        var tensor = new TensorProto { Name = Name(name), DataType = type, RawData = ByteString.CopyFrom(raw) };
        tensor.Dims.AddRange(dims);
        _graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    private string Name(string wanted)
    {
        var candidate = wanted;
        for (var i = 1; !_names.Add(candidate); i++)
            candidate = $"{wanted}_{i}";
        return candidate;
    }
}
