using DeepML.Onnx.Proto;

namespace DeepML.Compression.Quantization;

/// <summary>The operator of a quantizable node.</summary>
internal enum QuantizableOp
{
    /// <summary><c>Gemm(A, W, C)</c> with <c>transB = 1</c>: W is <c>[U, K]</c> (a Dense layer over <c>[N, F]</c>).</summary>
    Gemm,

    /// <summary><c>MatMul(A, Transpose(W))</c>: the weight as used is <c>[K, U]</c> (Dense over higher ranks, attention projections).</summary>
    MatMul,

    /// <summary><c>Conv(X, W, B)</c>: W is <c>[O, I/groups, k...]</c> (Conv1d, Conv2d).</summary>
    Conv,
}

/// <summary>
/// One node whose weight can be stored as int8: the node, its activation input, its weight initializer (in the layout the
/// node consumes, after any <c>Transpose</c> is applied), the output-channel axis of that layout, and its float bias initializer
/// (Gemm and Conv; MatMul's bias is a separate <c>Add</c> that stays float).
/// </summary>
internal sealed record QuantizableNode(NodeProto Node, QuantizableOp Op, string Activation, string Weight, float[] Values, int[] Shape,
    int ChannelAxis, string? Bias, NodeProto? Transpose)
{
    /// <summary>The node's output tensor.</summary>
    public string Output => Node.Output[0];

    /// <summary>
    /// Finds the quantizable nodes of a float DeepML graph: each <c>Gemm</c> (transB = 1, no alpha/beta) and <c>Conv</c> whose
    /// weight is a float initializer, and each <c>MatMul</c> whose weight is a float initializer behind a <c>Transpose</c> with
    /// perm [1, 0] (as DeepML lowers Dense and attention projections), the weight read by no other node.
    /// </summary>
    public static List<QuantizableNode> Find(GraphProto graph)
    {
        var initializers = graph.Initializer.Where(t => t.DataType == OnnxDataType.Float).ToDictionary(t => t.Name);
        var readers = new Dictionary<string, int>();
        foreach (var input in graph.Node.SelectMany(n => n.Input))
            readers[input] = readers.GetValueOrDefault(input) + 1;
        var producers = graph.Node.SelectMany(n => n.Output.Select(o => (o, n))).ToDictionary(p => p.o, p => p.n);
        bool Single(string tensor) => readers.GetValueOrDefault(tensor) == 1 && graph.Output.All(o => o.Name != tensor);

        var found = new List<QuantizableNode>();
        foreach (var node in graph.Node)
        {
            if (node.Input.Count < 2 || !Single(node.Input[1]))
                continue;
            var bias = node.Input.Count > 2 && initializers.ContainsKey(node.Input[2]) && Single(node.Input[2]) ? node.Input[2] : null;
            switch (node.OpType)
            {
                case "Gemm" when Int(node, "transB") == 1 && Int(node, "transA") == 0 && !Has(node, "alpha") && !Has(node, "beta")
                                 && initializers.TryGetValue(node.Input[1], out var w):
                    found.Add(new(node, QuantizableOp.Gemm, node.Input[0], w.Name, Floats(w), Dims(w), 0, bias, null));
                    break;
                case "MatMul" when producers.TryGetValue(node.Input[1], out var t) && t.OpType == "Transpose"
                                   && t.Attribute.Any(a => a.Name == "perm" && a.Ints.SequenceEqual([1L, 0L]))
                                   && initializers.TryGetValue(t.Input[0], out var w) && w.Dims.Count == 2 && Single(t.Input[0]):
                    var dims = Dims(w);
                    found.Add(new(node, QuantizableOp.MatMul, node.Input[0], w.Name, Transposed(Floats(w), dims[0], dims[1]), [dims[1], dims[0]], 1, null, t));
                    break;
                case "Conv" when initializers.TryGetValue(node.Input[1], out var w):
                    found.Add(new(node, QuantizableOp.Conv, node.Input[0], w.Name, Floats(w), Dims(w), 0, bias, null));
                    break;
            }
        }
        return found;
    }

    /// <summary>The float values of an initializer (raw data or float_data).</summary>
    public static float[] Floats(TensorProto tensor) => tensor.RawData.IsEmpty
        ? tensor.FloatData.ToArray()
        : System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray();

    /// <summary>Row-major transpose of a <c>[rows, columns]</c> matrix.</summary>
    public static float[] Transposed(float[] values, int rows, int columns)
    {
        var result = new float[values.Length];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
                result[c * rows + r] = values[r * columns + c];
        }
        return result;
    }

    private static int[] Dims(TensorProto tensor) => tensor.Dims.Select(d => (int)d).ToArray();

    private static bool Has(NodeProto node, string name) => node.Attribute.Any(a => a.Name == name);

    private static long Int(NodeProto node, string name) => node.Attribute.FirstOrDefault(a => a.Name == name)?.I ?? 0;
}
