namespace DeepML;

/// <summary>One layer that structured pruning made smaller.</summary>
/// <param name="Path">The layer's path in the network.</param>
/// <param name="Kind">Its kind (Dense, Conv2d).</param>
/// <param name="Before">Units (or filters) before.</param>
/// <param name="Kept">The indices of the units kept, ascending.</param>
public sealed record PrunedLayer(string Path, string Kind, int Before, IReadOnlyList<int> Kept)
{
    /// <summary>Units after.</summary>
    public int After => Kept.Count;
}

/// <summary>The outcome of structured pruning: the smaller network and what was removed.</summary>
/// <param name="Model">The rewritten network: a smaller spec and its sliced weights (exported, saved and scored as any network).</param>
/// <param name="Layers">The layers that lost units.</param>
/// <param name="ParametersBefore">Weights and buffers before.</param>
/// <param name="ParametersAfter">Weights and buffers after.</param>
public sealed record StructuredPruningResult(NetworkModel Model, IReadOnlyList<PrunedLayer> Layers, long ParametersBefore, long ParametersAfter)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{ParametersBefore:N0} → {ParametersAfter:N0} parameters; " + string.Join(", ", Layers.Select(l => $"{l.Path} {l.Kind} {l.Before} → {l.After}"));
}

/// <summary>
/// Structured pruning of a fitted DeepML network: whole dense units and convolution filters with the smallest incoming-weight norms are
/// removed, and the network is rewritten into a genuinely smaller one — the layer's weights and bias lose rows, the batch or layer
/// norm after it loses those channels, and the next Dense or Conv2d layer loses the matching inputs (through Flatten, each channel's
/// H·W block; through global average pooling, the channel). Fine-tune the result (<c>ml.DeepML().Compression.FineTune</c>).
/// </summary>
/// <remarks>
/// <para>Covers the network's top-level layers (MLPs, <c>Networks.Cnn</c>, sequence MLPs). A removed unit must reach the next
/// Dense/Conv2d layer through channel-wise layers only (activations, dropout, batch and layer norm, pooling, Flatten, global average
/// pooling); a residual block, attention, recurrent layer or embedding in between is refused, naming it, as are grouped convolutions.
/// LayerNorm after a pruned layer normalises over fewer features, so the function changes beyond the removed units; fine-tuning
/// absorbs it. Deterministic: ties in importance keep the lower index.</para>
/// </remarks>
public static class StructuredPruning
{
    private const string Component = "StructuredPruning";

    /// <summary>Prunes <paramref name="model"/> by <paramref name="options"/>.</summary>
    /// <param name="model">A fitted network.</param>
    /// <param name="options">Fraction or per-layer counts, and the importance criterion.</param>
    public static StructuredPruningResult Prune(NetworkModel model, StructuredPruningOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        var spec = model.Spec;
        var input = spec.InputShape ?? throw new ArgumentException($"{Component}: the network has no input shape; prune a fitted model.", nameof(model));
        var children = spec.Root.ChildInputs(input).ToArray();
        var last = children.Length - 1;
        var prunable = children.Where((c, i) => i < last && c.Layer is DenseLayer or Conv2dLayer).Select(c => c.Name).ToArray();
        if (options.Keep?.Keys.FirstOrDefault(k => !prunable.Contains(k)) is { } unknown)
            throw new ArgumentException($"{Component}: Keep names layer '{unknown}', which is not a prunable layer of this network; prunable (top-level Dense and Conv2d, not the output layer): {string.Join(", ", prunable.Select(p => $"'{p}'"))}.", nameof(options));
        var arrays = model.Weights.Arrays.ToDictionary(kv => kv.Key, kv => kv.Value);
        var layers = new List<LayerSpec>();
        var pruned = new List<PrunedLayer>();
        int[]? carried = null;      // indices (along the last axis of this layer's input) that survive, when a producer was pruned
        string? producer = null;
        for (var i = 0; i < children.Length; i++)
        {
            var (path, layer, shape) = children[i];
            if (carried is not null)
            {
                (layer, carried) = Carry(layer, path, shape, carried, producer!, arrays);
                if (carried is not null && i == last)
                    throw new ArgumentException($"{Component}: units removed from layer '{producer}' would reach the network's output; prune a hidden layer followed by a Dense or Conv2d layer.", nameof(options));
            }
            var count = Units(layer);
            var keepCount = !prunable.Contains(path) ? count
                : options.Keep is { } keep ? (keep.TryGetValue(path, out var k) ? k : count)
                : count - (int)Math.Floor(options.Fraction * count);
            if (keepCount > count)
                throw new ArgumentException($"{Component}: Keep['{path}'] = {keepCount}, but layer '{path}' ({layer.Kind}) has only {count} units.", nameof(options));
            if (keepCount < count)
            {
                var kept = Ranked(arrays[$"{path}.weight"], options.Importance).Take(keepCount).Order().ToArray();
                layer = Produce(layer, path, kept, arrays);
                pruned.Add(new PrunedLayer(path, layer.Kind, count, kept));
                carried = kept;
                producer = path;
            }
            layers.Add(layer);
        }
        var newSpec = new NetworkSpec(layers, input);
        var weights = new NetworkWeights(newSpec, arrays);
        var result = new NetworkModel(weights, model.Task, model.FeatureColumnName, model.ClassNames, model.FeatureNames);
        return new StructuredPruningResult(result, pruned, Parameters(model.Weights), Parameters(weights));
    }

    private static int Units(LayerSpec layer) => layer switch { DenseLayer d => d.Units, Conv2dLayer c => c.OutChannels, _ => 0 };

    /// <summary>Unit indices, most important first (ties: lower index first).</summary>
    private static IEnumerable<int> Ranked(WeightArray weight, UnitImportance importance)
    {
        var units = weight.Shape[0];
        var per = weight.Data.Length / units;
        var norms = new double[units];
        for (var u = 0; u < units; u++)
        {
            var row = weight.Data.AsSpan(u * per, per);
            foreach (var w in row)
                norms[u] += importance == UnitImportance.L1 ? Math.Abs(w) : (double)w * w;
        }
        return Enumerable.Range(0, units).OrderByDescending(u => norms[u]).ThenBy(u => u);
    }

    /// <summary>The producer keeps rows <paramref name="kept"/> of its weight (axis 0) and bias.</summary>
    private static LayerSpec Produce(LayerSpec layer, string path, int[] kept, Dictionary<string, WeightArray> arrays)
    {
        if (layer is Conv2dLayer { Groups: > 1 } grouped)
            throw new ArgumentException($"{Component}: layer '{path}' is a grouped convolution ({grouped.Groups} groups); removing its filters would break the groups. Exclude it with Keep.", "options");
        arrays[$"{path}.weight"] = Slice(arrays[$"{path}.weight"], 0, kept);
        if (arrays.ContainsKey($"{path}.bias"))
            arrays[$"{path}.bias"] = Slice(arrays[$"{path}.bias"], 0, kept);
        return layer switch
        {
            DenseLayer d => new DenseLayer(kept.Length, d.UseBias),
            Conv2dLayer c => new Conv2dLayer(kept.Length, c.Kernel, c.Stride, c.Padding, c.Dilation, c.Groups, c.UseBias),
            _ => layer,
        };
    }

    /// <summary>Carries the surviving indices through <paramref name="layer"/>: slices what it holds per channel; a consumer ends the carry (null).</summary>
    private static (LayerSpec Layer, int[]? Carried) Carry(LayerSpec layer, string path, TensorShape shape, int[] carried, string producer,
        Dictionary<string, WeightArray> arrays)
    {
        switch (layer)
        {
            case ActivationLayer or DropoutLayer or MaxPoolLayer or AvgPoolLayer:
                return (layer, carried);
            case FlattenLayer when shape.Rank == 1:
                return (layer, carried);
            case GlobalAveragePoolLayer:
                return (layer, carried); // [C, H, W] → [C]: the channels stay
            case BatchNormLayer or LayerNormLayer:
                foreach (var name in arrays.Keys.Where(k => k.StartsWith(path + ".", StringComparison.Ordinal)).ToArray())
                    arrays[name] = Slice(arrays[name], 0, carried);
                return (layer, carried);
            case FlattenLayer when shape.Rank == 3:
                var block = (int)(shape[1] * shape[2]);
                return (layer, carried.SelectMany(c => Enumerable.Range(c * block, block)).ToArray());
            case DenseLayer:
                arrays[$"{path}.weight"] = Slice(arrays[$"{path}.weight"], 1, carried);
                return (layer, null);
            case Conv2dLayer { Groups: 1 }:
                arrays[$"{path}.weight"] = Slice(arrays[$"{path}.weight"], 1, carried);
                return (layer, null);
            default:
                throw new ArgumentException($"{Component}: the units removed from layer '{producer}' would pass through layer '{path}' ({layer.Kind}), " +
                    "which structured pruning cannot rewrite (only activations, dropout, norms, pooling and Flatten may sit between a pruned layer and the next Dense or Conv2d). " +
                    $"Exclude '{producer}' with Keep.", "options");
        }
    }

    /// <summary>The entries of <paramref name="array"/> whose index along <paramref name="axis"/> (0 or 1) is in <paramref name="kept"/>.</summary>
    private static WeightArray Slice(WeightArray array, int axis, int[] kept)
    {
        var shape = array.Shape.ToArray();
        var outer = axis == 0 ? 1 : shape[0];
        var inner = shape.Skip(axis + 1).Aggregate(1, (a, b) => a * b);
        var n = shape[axis];
        var data = new float[outer * kept.Length * inner];
        for (var o = 0; o < outer; o++)
            for (var k = 0; k < kept.Length; k++)
                Array.Copy(array.Data, (o * n + kept[k]) * inner, data, (o * kept.Length + k) * inner, inner);
        shape[axis] = kept.Length;
        return new WeightArray(data, shape);
    }

    private static long Parameters(NetworkWeights weights) => weights.Arrays.Values.Sum(a => (long)a.Data.Length);
}
