using static TorchSharp.torch;

namespace DeepML;

/// <summary>
/// The attention weights of one self-attention layer for a set of rows: for each row and head, the
/// <c>[T, T]</c> matrix <c>A[query, key] = softmax_key(Q·Kᵀ/√(d/H))</c> (each row of A sums to 1). For an FT-Transformer,
/// token 0 is the CLS token, token 1 + j the network's feature slot j.
/// </summary>
/// <param name="Path">The layer's path in the network, for example <c>"1.attention.body.0"</c>.</param>
/// <param name="Rows">Rows the weights were computed for.</param>
/// <param name="Heads">Heads (H).</param>
/// <param name="Tokens">Tokens (T).</param>
/// <param name="Weights">Row-major <c>[Rows, Heads, Tokens, Tokens]</c>.</param>
public sealed record AttentionMap(string Path, int Rows, int Heads, int Tokens, float[] Weights)
{
    /// <summary>The weight with which token <paramref name="query"/> attends to token <paramref name="key"/>.</summary>
    public float At(int row, int head, int query, int key) => Weights[((row * Heads + head) * Tokens + query) * Tokens + key];
}

/// <summary>
/// Reads the attention weights of a trained network's predictions (for explanations that draw them).
/// </summary>
/// <remarks>
/// The weights come from a TorchSharp forward pass in eval mode (no dropout) over the fitted model's exact weights,
/// with each <see cref="MultiHeadSelfAttentionLayer"/> keeping its softmax output; the ONNX graph that scores
/// predictions is not changed and has no extra output. Deterministic; needs the TorchSharp native runtime (CPU).
/// </remarks>
public static class AttentionMaps
{
    /// <summary>The attention weights of every self-attention layer, in network order, for <paramref name="rows"/> rows.</summary>
    /// <param name="transformer">A fitted DeepML network (for example an FT-Transformer).</param>
    /// <param name="features">Row-major features, <c>rows × InputSize</c>, as the feature column holds them.</param>
    /// <param name="rows">Number of rows; at least 1.</param>
    public static IReadOnlyList<AttentionMap> Compute(NetworkScoringTransformer transformer, float[] features, int rows)
    {
        ArgumentNullException.ThrowIfNull(transformer);
        return Compute(transformer.Model, features, rows);
    }

    /// <summary>The attention weights of every self-attention layer of <paramref name="model"/>.</summary>
    /// <param name="model">A trained network.</param>
    /// <param name="features">Row-major features, <c>rows × InputSize</c>.</param>
    /// <param name="rows">Number of rows; at least 1.</param>
    public static IReadOnlyList<AttentionMap> Compute(NetworkModel model, float[] features, int rows)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(features);
        if (rows < 1 || features.Length != rows * model.InputSize)
            throw new ArgumentException($"AttentionMaps: expected {rows} rows × {model.InputSize} features = {(long)rows * model.InputSize} values, got {features.Length}. Pass the rows' feature vectors back to back.", nameof(features));
        var layers = LayerTree.Walk(model.Spec.Root, model.Spec.InputShape!).Where(w => w.Layer is MultiHeadSelfAttentionLayer).ToList();
        if (layers.Count == 0)
            throw new ArgumentException($"AttentionMaps: the network {model.Spec} has no MultiHeadSelfAttention layer, so it has no attention weights. Use a transformer body such as Networks.FtTransformer.", nameof(model));
        TorchRuntime.EnsureLoaded();
        using var network = TorchNetwork.Build(model.Spec);
        TorchNetwork.Load(network, model.Weights);
        network.eval();
        var modules = network.named_modules().Where(m => m.module is SelfAttentionModule).ToDictionary(m => m.name, m => (SelfAttentionModule)m.module);
        foreach (var m in modules.Values)
            m.Record = true;
        using (var scope = NewDisposeScope())
        using (no_grad())
            _ = network.forward(tensor(features, [rows, model.InputSize]));
        var maps = new List<AttentionMap>();
        foreach (var (path, layer, input) in layers)
        {
            using var weights = modules[path].LastWeights!;
            modules[path].LastWeights = null;
            maps.Add(new AttentionMap(path, rows, ((MultiHeadSelfAttentionLayer)layer).Heads, input[0], weights.contiguous().data<float>().ToArray()));
        }
        return maps;
    }
}
