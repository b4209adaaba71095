using System.Text.Json.Nodes;

namespace DeepML;

/// <summary>
/// What LSTM and GRU layers share: a stack of <see cref="NumLayers"/> recurrent layers over a batch-first
/// sequence <c>[T, F]</c> per example, optionally bidirectional, with dropout between stacked layers in
/// training only (PyTorch's <c>nn.LSTM</c>/<c>nn.GRU</c> with <c>batch_first = true</c>, zero initial state).
/// </summary>
/// <remarks>
/// <para>Output: the full sequence <c>[T, H·dirs]</c> when <see cref="ReturnSequences"/>, otherwise the last
/// step <c>[H·dirs]</c>: for a bidirectional layer the forward direction's state after step T and the backward
/// direction's after step 1 (its last), as PyTorch's <c>h_n</c> of the top layer.</para>
/// <para>Weights carry PyTorch's names under the child <c>"rnn"</c> (the TorchSharp module sits inside a wrapper):
/// <c>rnn.weight_ih_l{k}</c> <c>[G·H, in]</c>, <c>rnn.weight_hh_l{k}</c> <c>[G·H, H]</c>, <c>rnn.bias_ih_l{k}</c>,
/// <c>rnn.bias_hh_l{k}</c> <c>[G·H]</c>, and the same with <c>_reverse</c> for the backward direction,
/// G = 4 (LSTM) or 3 (GRU) gates stacked in PyTorch's order.</para>
/// <para>ONNX lowering: one ONNX <c>LSTM</c>/<c>GRU</c> node per stacked layer on <c>[T, N, F]</c>. The weights are
/// stored once under their own names; <c>Gather</c> nodes reorder the gate blocks into ONNX's order and
/// <c>Concat</c> nodes stack directions and the two biases, which ONNX Runtime folds into constants when it
/// optimises the graph.</para>
/// </remarks>
public abstract record RecurrentLayer : LayerSpec
{
    /// <summary>The name of the TorchSharp sub-module, the first part of every weight name.</summary>
    public const string ModuleName = "rnn";

    /// <summary>Validates and stores the shared settings.</summary>
    /// <param name="hiddenSize">Units of the hidden state, H; at least 1.</param>
    /// <param name="numLayers">Stacked recurrent layers; at least 1.</param>
    /// <param name="bidirectional">Whether a backward direction runs beside the forward one.</param>
    /// <param name="returnSequences">Whether the output is every step <c>[T, H·dirs]</c> rather than the last <c>[H·dirs]</c>.</param>
    /// <param name="dropout">Dropout on the outputs of every stacked layer but the last, in training only; in [0, 1).</param>
    protected RecurrentLayer(int hiddenSize, int numLayers, bool bidirectional, bool returnSequences, double dropout)
    {
        var owner = GetType().Name;
        if (hiddenSize < 1)
            throw new ArgumentException($"{owner}: hiddenSize must be at least 1, got {hiddenSize}.", nameof(hiddenSize));
        if (numLayers < 1)
            throw new ArgumentException($"{owner}: numLayers must be at least 1, got {numLayers}.", nameof(numLayers));
        if (!(dropout >= 0 && dropout < 1))
            throw new ArgumentException($"{owner}: dropout must be in [0, 1), got {dropout}.", nameof(dropout));
        if (dropout > 0 && numLayers == 1)
            throw new ArgumentException($"{owner}: dropout applies between stacked layers, but numLayers is 1 (dropout {dropout}). Set numLayers to 2 or more, or add a DropoutLayer after this layer.", nameof(dropout));
        (HiddenSize, NumLayers, Bidirectional, ReturnSequences, Dropout) = (hiddenSize, numLayers, bidirectional, returnSequences, dropout);
    }

    /// <summary>Units of the hidden state, H.</summary>
    public int HiddenSize { get; }

    /// <summary>Stacked recurrent layers.</summary>
    public int NumLayers { get; }

    /// <summary>Whether a backward direction runs beside the forward one (outputs concatenated, forward first).</summary>
    public bool Bidirectional { get; }

    /// <summary>Whether the output is every step <c>[T, H·dirs]</c>; otherwise the last step <c>[H·dirs]</c>.</summary>
    public bool ReturnSequences { get; }

    /// <summary>Dropout between stacked layers during training; none at inference.</summary>
    public double Dropout { get; }

    /// <summary>Directions: 2 when bidirectional, else 1.</summary>
    public int Directions => Bidirectional ? 2 : 1;

    /// <summary>Gate blocks stacked in each weight: 4 (LSTM) or 3 (GRU).</summary>
    protected abstract int Gates { get; }

    /// <summary>The ONNX operator, <c>"LSTM"</c> or <c>"GRU"</c>.</summary>
    protected abstract string OnnxOperator { get; }

    /// <summary>For each gate block in ONNX's order, the index of the same gate in PyTorch's order.</summary>
    protected abstract int[] OnnxGateOrder { get; }

    /// <summary>Operator-specific ONNX attributes beyond <c>hidden_size</c> and <c>direction</c>.</summary>
    protected virtual (string Name, object Value)[] OnnxAttributes => [];

    /// <inheritdoc />
    public override TensorShape OutputShape(TensorShape input)
    {
        if (input.Rank != 2)
            throw new LayerShapeException(Kind, "[T, F] (T steps of F features)", input,
                "Declare the input as [T, F] (NeuralNetworkOptions.InputShape = new TensorShape(steps, features)); a recurrent layer after another needs ReturnSequences = true on the first.");
        var width = HiddenSize * Directions;
        return ReturnSequences ? new TensorShape(input[0], width) : new TensorShape(width);
    }

    /// <inheritdoc />
    public override IEnumerable<(string Name, int[] Shape)> WeightShapes(TensorShape input)
    {
        OutputShape(input);
        var rows = Gates * HiddenSize;
        for (var k = 0; k < NumLayers; k++)
        {
            var features = k == 0 ? input[1] : HiddenSize * Directions;
            foreach (var suffix in Suffixes(k))
            {
                yield return ($"{ModuleName}.weight_ih_{suffix}", [rows, features]);
                yield return ($"{ModuleName}.weight_hh_{suffix}", [rows, HiddenSize]);
                yield return ($"{ModuleName}.bias_ih_{suffix}", [rows]);
                yield return ($"{ModuleName}.bias_hh_{suffix}", [rows]);
            }
        }
    }

    /// <inheritdoc />
    public override void WriteJson(JsonObject json)
    {
        json["hiddenSize"] = HiddenSize;
        json["numLayers"] = NumLayers;
        json["bidirectional"] = Bidirectional;
        json["returnSequences"] = ReturnSequences;
        json["dropout"] = Dropout;
    }

    /// <summary>The shared fields of <see cref="WriteJson"/>, for the kinds' <c>ReadJson</c>.</summary>
    /// <param name="json">The layer's JSON object.</param>
    protected static (int HiddenSize, int NumLayers, bool Bidirectional, bool ReturnSequences, double Dropout) ReadFields(JsonObject json) =>
        (LayerJson.Int(json, "hiddenSize"), LayerJson.Optional(json, "numLayers", 1), LayerJson.Optional(json, "bidirectional", false),
            LayerJson.Optional(json, "returnSequences", false), LayerJson.Optional(json, "dropout", 0.0));

    /// <summary>
    /// <c>[N, T, F]</c> → <c>Transpose</c> → <c>[T, N, F]</c>; per stacked layer one ONNX recurrent node giving
    /// <c>Y [T, dirs, N, H]</c>, reshaped to <c>[T, N, dirs·H]</c> for the next; then either the sequence back to
    /// <c>[N, T, dirs·H]</c> or the last step of each direction (<c>Gather</c>) concatenated to <c>[N, dirs·H]</c>.
    /// </summary>
    public override string Lower(OnnxLowering ctx, string input, TensorShape inputShape, string path)
    {
        OutputShape(inputShape);
        var steps = inputShape[0];
        var x = ctx.Node(path, "Transpose", [input], ("perm", new long[] { 1, 0, 2 }));
        string y = x;
        var order = ctx.ConstantInt64(path, "gate_order", GateRows(), Gates * HiddenSize);
        var flat = NumLayers > 1 || ReturnSequences ? ctx.ConstantInt64(path, "seq_shape", [0, 0, -1], 3) : ""; // only where a reshape reads it
        var axis0 = ctx.ConstantInt64(path, "axis_0", [0], 1);
        for (var k = 0; k < NumLayers; k++)
        {
            var suffixes = Suffixes(k).ToArray();
            string Stack(string kind) => Concat(ctx, path, suffixes.Select(s => Unsqueeze(ctx, path, axis0, Reordered(ctx, path, $"{kind}_{s}", order))).ToArray(), 0);
            var bias = Concat(ctx, path, suffixes.Select(s => Unsqueeze(ctx, path, axis0,
                ctx.Node(path, "Concat", [Reordered(ctx, path, $"bias_ih_{s}", order), Reordered(ctx, path, $"bias_hh_{s}", order)], ("axis", 0L)))).ToArray(), 0);
            var attributes = new List<(string, object)>
            {
                ("hidden_size", (long)HiddenSize), ("direction", Bidirectional ? "bidirectional" : "forward"),
            };
            attributes.AddRange(OnnxAttributes);
            y = ctx.Node(path, OnnxOperator, [x, Stack("weight_ih"), Stack("weight_hh"), bias], [.. attributes]);
            if (k < NumLayers - 1 || ReturnSequences)
                x = ctx.Node(path, "Reshape", [ctx.Node(path, "Transpose", [y], ("perm", new long[] { 0, 2, 1, 3 })), flat]); // [T, N, dirs·H]
        }
        if (ReturnSequences)
            return ctx.Node(path, "Reshape", [ctx.Node(path, "Transpose", [y], ("perm", new long[] { 2, 0, 1, 3 })), flat]); // [N, T, dirs·H]
        // The forward direction's state after step T is Y[T−1, 0]; the backward direction's final state is Y[0, 1].
        var lasts = Enumerable.Range(0, Directions).Select(d =>
        {
            var step = ctx.Node(path, "Gather", [y, ctx.ConstantInt64(path, $"step_{d}", [d == 0 ? steps - 1 : 0])], ("axis", 0L)); // [dirs, N, H]
            return ctx.Node(path, "Gather", [step, ctx.ConstantInt64(path, $"direction_{d}", [d])], ("axis", 0L)); // [N, H]
        }).ToArray();
        return Concat(ctx, path, lasts, 1);
    }

    /// <inheritdoc />
    protected override string Describe() =>
        $"{Kind}({HiddenSize}" + (NumLayers > 1 ? $", {NumLayers} layers" : "") + (Bidirectional ? ", bidirectional" : "") +
        (ReturnSequences ? ", sequences" : "") + (Dropout > 0 ? $", dropout {Invariant(Dropout)}" : "") + ")";

    /// <summary>PyTorch's suffixes of layer <paramref name="k"/>: <c>l{k}</c>, and <c>l{k}_reverse</c> when bidirectional.</summary>
    private IEnumerable<string> Suffixes(int k) => Bidirectional ? [$"l{k}", $"l{k}_reverse"] : [$"l{k}"];

    /// <summary>Row indices that take PyTorch's gate blocks into ONNX's order.</summary>
    private long[] GateRows() =>
        OnnxGateOrder.SelectMany(gate => Enumerable.Range(gate * HiddenSize, HiddenSize).Select(r => (long)r)).ToArray();

    private static string Reordered(OnnxLowering ctx, string path, string weight, string order) =>
        ctx.Node(path, "Gather", [ctx.Weight(path, $"{ModuleName}.{weight}"), order], ("axis", 0L));

    private static string Unsqueeze(OnnxLowering ctx, string path, string axes, string tensor) =>
        ctx.Node(path, "Unsqueeze", [tensor, axes]);

    private static string Concat(OnnxLowering ctx, string path, string[] tensors, long axis) =>
        tensors.Length == 1 ? tensors[0] : ctx.Node(path, "Concat", tensors, ("axis", axis));
}
