using System.Text.Json.Nodes;

namespace DeepML;

/// <summary>
/// A long short-term memory layer (stack) over a batch-first sequence <c>[T, F]</c> (PyTorch's <c>nn.LSTM</c>,
/// ONNX <c>LSTM</c>): <c>i = σ(W_i x + b_i + U_i h + c_i)</c>, <c>f</c>, <c>o</c> alike, <c>g = tanh(…)</c>,
/// <c>c' = f·c + i·g</c>, <c>h' = o·tanh(c')</c>. Gate blocks are stacked in PyTorch's order (i, f, g, o) in the
/// weights and reordered to ONNX's (i, o, f, c) in the exported graph. See <see cref="RecurrentLayer"/> for shapes,
/// weight names and the last-step output of a bidirectional layer.
/// </summary>
[LayerKind("Lstm")]
public sealed record LstmLayer : RecurrentLayer
{
    /// <summary>Creates an LSTM layer (stack).</summary>
    /// <param name="hiddenSize">Units of the hidden and cell state, H; at least 1.</param>
    /// <param name="numLayers">Stacked LSTM layers; at least 1.</param>
    /// <param name="bidirectional">Whether a backward direction runs beside the forward one.</param>
    /// <param name="returnSequences">Whether the output is every step <c>[T, H·dirs]</c> rather than the last <c>[H·dirs]</c>.</param>
    /// <param name="dropout">Dropout between stacked layers in training only, in [0, 1); needs <paramref name="numLayers"/> ≥ 2 when above 0.</param>
    public LstmLayer(int hiddenSize, int numLayers = 1, bool bidirectional = false, bool returnSequences = false, double dropout = 0)
        : base(hiddenSize, numLayers, bidirectional, returnSequences, dropout) { }

    /// <inheritdoc />
    public override string Kind => "Lstm";

    /// <inheritdoc />
    protected override int Gates => 4;

    /// <inheritdoc />
    protected override string OnnxOperator => "LSTM";

    /// <summary>ONNX (i, o, f, c) from PyTorch (i, f, g, o).</summary>
    protected override int[] OnnxGateOrder => [0, 3, 1, 2];

    /// <summary>Reads the JSON that <see cref="RecurrentLayer.WriteJson"/> writes.</summary>
    public static LayerSpec ReadJson(JsonObject json)
    {
        var (hidden, layers, bidirectional, sequences, dropout) = ReadFields(json);
        return new LstmLayer(hidden, layers, bidirectional, sequences, dropout);
    }
}
