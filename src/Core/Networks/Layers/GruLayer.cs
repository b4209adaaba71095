using System.Text.Json.Nodes;

namespace DeepML;

/// <summary>
/// A gated recurrent unit layer (stack) over a batch-first sequence <c>[T, F]</c> (PyTorch's <c>nn.GRU</c>, ONNX
/// <c>GRU</c> with <c>linear_before_reset = 1</c>): <c>r = σ(W_r x + b_r + U_r h + c_r)</c>, <c>z</c> alike,
/// <c>n = tanh(W_n x + b_n + r·(U_n h + c_n))</c>, <c>h' = (1 − z)·n + z·h</c>. The reset gate multiplies the
/// recurrent product after its bias, which is ONNX's <c>linear_before_reset = 1</c> (the default 0 applies r
/// before the product and differs). Gate blocks are stacked in PyTorch's order (r, z, n) in the weights and
/// reordered to ONNX's (z, r, h) in the exported graph. See <see cref="RecurrentLayer"/> for shapes and weight names.
/// </summary>
[LayerKind("Gru")]
public sealed record GruLayer : RecurrentLayer
{
    /// <summary>Creates a GRU layer (stack).</summary>
    /// <param name="hiddenSize">Units of the hidden state, H; at least 1.</param>
    /// <param name="numLayers">Stacked GRU layers; at least 1.</param>
    /// <param name="bidirectional">Whether a backward direction runs beside the forward one.</param>
    /// <param name="returnSequences">Whether the output is every step <c>[T, H·dirs]</c> rather than the last <c>[H·dirs]</c>.</param>
    /// <param name="dropout">Dropout between stacked layers in training only, in [0, 1); needs <paramref name="numLayers"/> ≥ 2 when above 0.</param>
    public GruLayer(int hiddenSize, int numLayers = 1, bool bidirectional = false, bool returnSequences = false, double dropout = 0)
        : base(hiddenSize, numLayers, bidirectional, returnSequences, dropout) { }

    /// <inheritdoc />
    public override string Kind => "Gru";

    /// <inheritdoc />
    protected override int Gates => 3;

    /// <inheritdoc />
    protected override string OnnxOperator => "GRU";

    /// <summary>ONNX (z, r, h) from PyTorch (r, z, n).</summary>
    protected override int[] OnnxGateOrder => [1, 0, 2];

    /// <summary>PyTorch's GRU applies the reset gate after the recurrent product: <c>linear_before_reset = 1</c>.</summary>
    protected override (string Name, object Value)[] OnnxAttributes => [("linear_before_reset", 1L)];

    /// <summary>Reads the JSON that <see cref="RecurrentLayer.WriteJson"/> writes.</summary>
    public static LayerSpec ReadJson(JsonObject json)
    {
        var (hidden, layers, bidirectional, sequences, dropout) = ReadFields(json);
        return new GruLayer(hidden, layers, bidirectional, sequences, dropout);
    }
}
