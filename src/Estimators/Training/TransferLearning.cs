using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DeepML;

/// <summary>
/// What <see cref="TransferLearningOptions"/> does to a run: copies the initial model's weights into
/// the freshly built network (all, or all but the output layer), and splits the parameters into the
/// trained ones with their learning-rate multipliers and the frozen ones.
/// </summary>
internal static class TransferLearning
{
    private const string Option = nameof(NeuralNetworkOptions.Transfer);

    /// <summary>The output layer's path: the last top-level layer (the one the trainer appends).</summary>
    public static string HeadPath(NetworkSpec spec) => (spec.Layers.Count - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Fails (with an <see cref="ArgumentException"/> naming <see cref="NeuralNetworkOptions.Transfer"/>) where the options cannot
    /// apply to <paramref name="spec"/>: a freeze or multiplier path that covers no parameter (listing the layer paths that exist),
    /// a tensor of the initial model that is missing or shaped differently (outside a replaced head), or a regression warm start with a standardised label.
    /// </summary>
    public static void Check(TransferLearningOptions t, NetworkSpec spec, PredictionKind task, bool standardizeLabel)
    {
        var shapes = spec.WeightShapes().ToDictionary(w => w.Name, w => w.Shape, StringComparer.Ordinal);
        var layers = LayerTree.Walk(spec.Root, spec.InputShape!).Select(l => l.Path).Where(p => p.Length > 0).ToArray();
        foreach (var (path, role) in t.FreezeLayers.Select(p => (p, "FreezeLayers")).Concat(t.LearningRateMultipliers.Keys.Select(p => (p, "LearningRateMultipliers"))))
        {
            if (!shapes.Keys.Any(name => TransferLearningOptions.Covers(path, name)))
                throw new ArgumentException(
                    $"NeuralNetworkOptions: Transfer.{role} names '{path}', which covers no parameter of network {spec}. Expected one of the layer paths {string.Join(", ", layers.Select(l => $"'{l}'"))}. " +
                    "Use a path from that list (a prefix covers the layer and everything under it).", Option);
        }
        var head = HeadPath(spec);
        var initial = t.InitialModel.Weights.Arrays;
        foreach (var (name, shape) in shapes)
        {
            if (t.ReplaceHead && TransferLearningOptions.Covers(head, name))
                continue;
            if (!initial.TryGetValue(name, out var from))
                throw new ArgumentException(
                    $"NeuralNetworkOptions: Transfer.InitialModel has no tensor '{name}', which network {spec} needs; it has {string.Join(", ", initial.Keys)}. " +
                    "Use the initial model's hidden layers as Network (InitialModel.Spec), or set ReplaceHead = true if only the output layer differs.", Option);
            if (!from.Shape.SequenceEqual(shape))
                throw new ArgumentException(
                    $"NeuralNetworkOptions: Transfer.InitialModel's tensor '{name}' has shape [{string.Join(", ", from.Shape)}], but this run's network needs [{string.Join(", ", shape)}]. " +
                    (TransferLearningOptions.Covers(head, name) ? "The output layer differs (another class count or task): set ReplaceHead = true." : "Use the initial model's hidden layers as Network (InitialModel.Spec) and the same input width."), Option);
        }
        if (task == PredictionKind.Regression && standardizeLabel && !t.ReplaceHead)
            throw new ArgumentException(
                "NeuralNetworkOptions: Transfer warm-starts a regression head, but a fitted regression model's output layer has the label scale folded in and this run standardises the label (StandardizeLabel = true). " +
                "Set ReplaceHead = true, or StandardizeLabel = false on both runs.", Option);
    }

    /// <summary>Copies the initial model's tensors into <paramref name="network"/> (the output layer only without <see cref="TransferLearningOptions.ReplaceHead"/>).</summary>
    public static void WarmStart(Sequential network, NetworkSpec spec, TransferLearningOptions t)
    {
        var head = HeadPath(spec);
        using var noGrad = no_grad();
        var state = network.state_dict();
        foreach (var (name, array) in t.InitialModel.Weights.Arrays)
        {
            if ((t.ReplaceHead && TransferLearningOptions.Covers(head, name)) || !state.TryGetValue(name, out var target))
                continue;
            using var source = tensor(array.Data, array.Shape.Select(d => (long)d).ToArray());
            target.copy_(source);
        }
    }

    /// <summary>
    /// The parameters the optimizer trains, with their learning-rate multipliers (null when there are no groups);
    /// frozen parameters stop requiring gradients and are left out. Without transfer options: every parameter, no groups.
    /// </summary>
    public static (Parameter[] Parameters, double[]? Multipliers) Trainable(Sequential network, TransferLearningOptions? t)
    {
        if (t is null)
            return (network.parameters().ToArray(), null);
        var trained = new List<Parameter>();
        var multipliers = new List<double>();
        foreach (var (name, parameter) in network.named_parameters())
        {
            if (t.FreezeLayers.Any(prefix => TransferLearningOptions.Covers(prefix, name)))
            {
                parameter.requires_grad = false;
                continue;
            }
            trained.Add(parameter);
            var best = t.LearningRateMultipliers.Where(kv => TransferLearningOptions.Covers(kv.Key, name)).OrderByDescending(kv => kv.Key.Length).Select(kv => (double?)kv.Value).FirstOrDefault();
            multipliers.Add(best ?? 1);
        }
        return (trained.ToArray(), multipliers.All(m => m == 1) ? null : multipliers.ToArray());
    }

    /// <summary>The options' part of a checkpoint's settings (what a resumed run must match); empty without freezing or groups.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Settings(TransferLearningOptions? t)
    {
        if (t is null)
            yield break;
        if (t.FreezeLayers.Count > 0)
            yield return new("FreezeLayers", "[" + string.Join(", ", t.FreezeLayers) + "]");
        if (t.LearningRateMultipliers.Count > 0)
            yield return new("LearningRateMultipliers", "{" + string.Join(", ", t.LearningRateMultipliers.OrderBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => $"{kv.Key}: {kv.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}")) + "}");
    }
}
