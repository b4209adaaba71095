namespace DeepML;

/// <summary>
/// Which tensors of a network magnitude pruning may touch (<see cref="PruningOptions"/>'s remarks): weight matrices and
/// kernels by default, embedding tables on request, never biases, normalisation parameters, buffers or frozen layers;
/// narrowed by <see cref="PruningOptions.Layers"/>. Works on the spec alone, so it serves the trainer's checks before
/// training and <see cref="SparsityReport"/> on any fitted model.
/// </summary>
internal static class PrunableWeights
{
    /// <summary>Every tensor that is a weight matrix or kernel (or, with <paramref name="includeEmbeddings"/>, an embedding table), in spec order.</summary>
    public static IReadOnlyList<(string Name, int[] Shape)> Candidates(NetworkSpec spec, bool includeEmbeddings)
    {
        var found = new List<(string, int[])>();
        foreach (var (path, layer, input) in LayerTree.Walk(spec.Root, spec.InputShape!))
        {
            var embedding = layer is EmbeddingLayer or PeriodicEmbeddingLayer or FeatureTokenizerLayer;
            if (embedding && !includeEmbeddings)
                continue;
            foreach (var (name, shape) in layer.WeightShapes(input))
            {
                if (shape.Length >= 2 && (embedding ? IsEmbeddingTable(name) : IsWeightMatrix(name)))
                    found.Add((LayerTree.Join(path, name), shape));
            }
        }
        return found;
    }

    /// <summary>
    /// The tensors a run prunes: the candidates, less frozen ones, narrowed by <see cref="PruningOptions.Layers"/>. Throws an
    /// <see cref="ArgumentException"/> naming <see cref="NeuralNetworkOptions.Pruning"/> for a prefix that covers no candidate
    /// (listing them), one that covers a frozen layer, or a selection that is empty.
    /// </summary>
    public static IReadOnlyList<(string Name, int[] Shape)> Select(NetworkSpec spec, PruningOptions options, TransferLearningOptions? transfer, string component)
    {
        var candidates = Candidates(spec, options.IncludeEmbeddings);
        var frozen = transfer?.FreezeLayers ?? [];
        bool IsFrozen(string name) => frozen.Any(f => TransferLearningOptions.Covers(f, name));
        string List() => string.Join(", ", candidates.Select(c => $"'{c.Name}'"));
        if (options.Layers is { } prefixes)
        {
            foreach (var prefix in prefixes)
            {
                var covered = candidates.Where(c => TransferLearningOptions.Covers(prefix, c.Name)).ToArray();
                if (covered.Length == 0)
                    throw new ArgumentException(
                        $"{component}: Pruning.Layers names '{prefix}', which covers no prunable tensor of network {spec}. The prunable tensors are {List()}" +
                        (options.IncludeEmbeddings ? "" : " (embedding tables only with IncludeEmbeddings = true)") + ". Use one of them or a layer path above them.",
                        nameof(NeuralNetworkOptions.Pruning));
                if (covered.FirstOrDefault(c => IsFrozen(c.Name)) is { Name: not null } stuck)
                    throw new ArgumentException(
                        $"{component}: Pruning.Layers names '{prefix}', which covers '{stuck.Name}' in a frozen layer (Transfer.FreezeLayers = [{string.Join(", ", frozen)}]); a frozen layer's weights must stay unchanged. " +
                        "Leave it out of Pruning.Layers, or unfreeze it.", nameof(NeuralNetworkOptions.Pruning));
            }
        }
        var selected = candidates.Where(c => !IsFrozen(c.Name) && (options.Layers?.Any(p => TransferLearningOptions.Covers(p, c.Name)) ?? true)).ToArray();
        if (selected.Length == 0)
            throw new ArgumentException(
                $"{component}: Pruning has nothing to prune in network {spec}: " + (candidates.Count == 0 ? "it has no weight matrix or kernel." : $"every prunable tensor ({List()}) is in a frozen layer.") +
                " Remove Pruning, or unfreeze a layer.", nameof(NeuralNetworkOptions.Pruning));
        return selected;
    }

    /// <summary>The default rule: a tensor named <c>weight</c> (or <c>….weight</c>) or <c>weight_*</c> (recurrent matrices).</summary>
    private static bool IsWeightMatrix(string name)
    {
        var last = name[(name.LastIndexOf('.') + 1)..];
        return last == "weight" || last.StartsWith("weight_", StringComparison.Ordinal);
    }

    /// <summary>An embedding layer's tables: its weights and embeddings, not its biases, class token or frequencies.</summary>
    private static bool IsEmbeddingTable(string name) =>
        name.Contains("weight", StringComparison.Ordinal) || name.Contains("embeddings", StringComparison.Ordinal);
}
