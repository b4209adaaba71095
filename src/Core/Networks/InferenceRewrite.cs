namespace DeepML;

/// <summary>
/// A layer whose weight is <c>[channels, ...]</c> (with an optional <c>bias</c> of <c>[channels]</c>) and whose
/// output channels lie on one per-example axis, so a following batch norm over that axis folds into it:
/// Dense (last axis) and Conv (axis 0).
/// </summary>
public interface IFoldsChannelAffine
{
    /// <summary>The per-example output axis that holds the layer's output channels, for input <paramref name="input"/>.</summary>
    int OutputChannelAxis(TensorShape input);

    /// <summary>The same layer with a bias (the fold writes one).</summary>
    LayerSpec WithBias();
}

/// <summary>
/// The inference form of a network, computed in one place: in every <see cref="SequentialLayer"/> (the
/// root included), layers that are the identity at inference (<see cref="LayerSpec.IsIdentityAtInference"/>,
/// dropout) vanish, and a <see cref="BatchNormLayer"/> that directly follows (dropout aside) an
/// <see cref="IFoldsChannelAffine"/> layer whose channel axis is axis 0 folds into it:
/// <c>W'[c] = W[c]·s[c]</c>, <c>b'[c] = b[c]·s[c] + t[c]</c> with <c>s = γ/√(var + ε)</c>, <c>t = β − mean·s</c>,
/// computed in double and rounded to float once. Children are renumbered, so weight names follow the new
/// positions. Other composites are rewritten child by child. The exporter lowers this form and writes it
/// into the ONNX metadata, so a reader rebuilds the network without per-kind code.
/// </summary>
public static class InferenceRewrite
{
    /// <summary>The inference form of <paramref name="weights"/>' network and its weights.</summary>
    /// <param name="weights">A bound network and its weights.</param>
    public static NetworkWeights Apply(NetworkWeights weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var spec = weights.Spec;
        var (root, arrays) = Rewrite(spec.Root, spec.InputShape!, "", weights.Arrays);
        var inference = new NetworkSpec((SequentialLayer)root, spec.InputShape);
        return new NetworkWeights(inference, arrays);
    }

    private static (LayerSpec Layer, Dictionary<string, WeightArray> Weights) Rewrite(LayerSpec layer, TensorShape input, string path, IReadOnlyDictionary<string, WeightArray> source)
    {
        var own = layer.WeightShapes(input).ToDictionary(w => w.Name, w => source[LayerTree.Join(path, w.Name)]);
        var children = layer.ChildInputs(input).ToList();
        if (children.Count == 0)
            return (layer, own);
        var kept = new List<(LayerSpec Layer, Dictionary<string, WeightArray> Weights, TensorShape Input)>();
        foreach (var (name, child, shape) in children)
        {
            var (rewritten, arrays) = Rewrite(child, shape, LayerTree.Join(path, name), source);
            if (layer is SequentialLayer)
            {
                if (rewritten.IsIdentityAtInference)
                    continue;
                if (rewritten is BatchNormLayer norm && kept.Count > 0 && kept[^1].Layer is IFoldsChannelAffine foldable
                    && foldable.OutputChannelAxis(kept[^1].Input) == 0)
                {
                    kept[^1] = (foldable.WithBias(), Fold(kept[^1].Weights, arrays, norm), kept[^1].Input);
                    continue;
                }
            }
            kept.Add((rewritten, arrays, shape));
        }
        var result = layer is SequentialLayer || kept.Count == children.Count
            ? layer.WithChildren(kept.Select(k => k.Layer).ToList())
            : throw new InvalidOperationException($"InferenceRewrite: {layer.Kind} at '{path}' lost a child.");
        var names = result.Children.Select(c => c.Name).ToList();
        var weights = new Dictionary<string, WeightArray>(own);
        for (var i = 0; i < kept.Count; i++)
        {
            foreach (var (name, array) in kept[i].Weights)
                weights[LayerTree.Join(names[i], name)] = array;
        }
        return (result, weights);
    }

    /// <summary>BN(L(x)): row c of L's weight is scaled by s[c]; the bias becomes b·s + t.</summary>
    private static Dictionary<string, WeightArray> Fold(Dictionary<string, WeightArray> layer, Dictionary<string, WeightArray> norm, BatchNormLayer bn)
    {
        var gamma = norm["weight"].Data;
        var beta = norm["bias"].Data;
        var mean = norm["running_mean"].Data;
        var variance = norm["running_var"].Data;
        var w = layer["weight"];
        var channels = w.Shape[0];
        var per = w.Data.Length / channels;
        var weight = new float[w.Data.Length];
        var bias = new float[channels];
        layer.TryGetValue("bias", out var b);
        for (var c = 0; c < channels; c++)
        {
            var scale = gamma[c] / Math.Sqrt(variance[c] + bn.Epsilon);
            var shift = beta[c] - mean[c] * scale;
            for (var k = 0; k < per; k++)
                weight[c * per + k] = (float)(w.Data[c * per + k] * scale);
            bias[c] = (float)((b?.Data[c] ?? 0.0) * scale + shift);
        }
        return new Dictionary<string, WeightArray> { ["weight"] = new(weight, w.Shape), ["bias"] = new(bias, [channels]) };
    }
}
