using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DeepML;

/// <summary>
/// Builds a TorchSharp module from a bound <see cref="NetworkSpec"/> through each layer kind's
/// <see cref="ITorchLayer"/> factory, initialises it, and moves weights between it and DeepML's
/// framework-neutral <see cref="NetworkWeights"/>. Sub-module names are the layers' names in the tree
/// (<c>"0"</c>, <c>"3.body.1"</c>), so state-dict keys equal DeepML's weight names (<c>"0.weight"</c>).
/// </summary>
/// <remarks>
/// The root is a <c>Sequential</c> that reads the trainer's flat <c>[N, F]</c> batches: for an input shape
/// of higher rank its first module, <c>"input_shape"</c> (no weights), unflattens them to <c>[N, ...shape]</c>.
/// </remarks>
internal static class TorchNetwork
{
    /// <summary>The name of the root's reshaping module (inputs of rank &gt; 1 only).</summary>
    public const string InputShapeModule = "input_shape";

    public static Sequential Build(NetworkSpec spec)
    {
        var shape = spec.InputShape ?? throw new InvalidOperationException("TorchNetwork: the network is not bound to an input shape; call NetworkSpec.Bind first.");
        var modules = new List<(string, Module<Tensor, Tensor>)>();
        if (shape.Rank > 1)
            modules.Add((InputShapeModule, Unflatten(1, shape.Dims.Select(d => (long)d).ToArray())));
        var context = new TorchBuildContext("");
        foreach (var (name, layer, input) in spec.Root.ChildInputs(shape))
            modules.Add((name, context.BuildChild(name, layer, input)));
        return Sequential(modules);
    }

    /// <summary>Builds one layer (and, through its factory, its children).</summary>
    internal static Module<Tensor, Tensor> BuildLayer(LayerSpec layer, TensorShape input, string path) =>
        TorchLayerRegistry.For(layer, path).Build(layer, input, new TorchBuildContext(path));

    /// <summary>
    /// Initialises every layer through its factory, parents before children, in tree order (the global torch
    /// generator must be seeded first). A layer's "following activation" is the first activation after it in its
    /// sequence, or else the one after the enclosing layer.
    /// </summary>
    public static void Initialize(Sequential network, NetworkSpec spec, WeightInitializer initializer)
    {
        var modules = network.named_modules().ToDictionary(m => m.name, m => m.module);
        using var noGrad = no_grad();
        foreach (var (path, layer, input, following) in WithFollowing(spec.Root, spec.InputShape!, "", null))
        {
            if (path.Length == 0)
                continue; // the root Sequential has no weights of its own
            if (!modules.TryGetValue(path, out var module) || module is not Module<Tensor, Tensor> typed)
                throw new InvalidOperationException($"TorchNetwork: the module has no sub-module '{path}' for layer {layer.Kind}. Modules: {string.Join(", ", modules.Keys)}.");
            TorchLayerRegistry.For(layer, path).Initialize(typed, layer, input, new TorchInitContext(path, initializer, following));
        }
    }

    private static IEnumerable<(string Path, LayerSpec Layer, TensorShape Input, ActivationLayer? Following)> WithFollowing(
        LayerSpec layer, TensorShape input, string path, ActivationLayer? following)
    {
        yield return (path, layer, input, following);
        var children = layer.ChildInputs(input).ToList();
        for (var i = 0; i < children.Count; i++)
        {
            var next = layer is SequentialLayer
                ? children.Skip(i + 1).Select(c => c.Layer).OfType<ActivationLayer>().FirstOrDefault() ?? following
                : following;
            foreach (var item in WithFollowing(children[i].Layer, children[i].Input, LayerTree.Join(path, children[i].Name), next))
                yield return item;
        }
    }

    /// <summary>
    /// Computes the buffers of every top-level layer that fits them to the training data (<see cref="IFitsTrainingData"/>,
    /// for example the quantile bins of <see cref="PiecewiseLinearEncodingLayer"/>) from <paramref name="features"/>
    /// (<c>rows × InputSize</c>, row-major) and copies them into <paramref name="network"/>. A layer's input is what the top-level
    /// modules before it compute, in eval mode. Such a layer nested inside a composite is rejected.
    /// </summary>
    public static void FitToData(Sequential network, NetworkSpec spec, float[] features, int rows)
    {
        var nested = LayerTree.Walk(spec.Root, spec.InputShape!).FirstOrDefault(w => w.Layer is IFitsTrainingData && w.Path.Contains('.', StringComparison.Ordinal));
        if (nested.Layer is not null)
            throw new ArgumentException($"TorchNetwork: layer {nested.Path} ({nested.Layer.Kind}) computes its buffers from the training data, which only a top-level layer can do. Move it to the top level of the network (usually first).", nameof(spec));
        var top = spec.Root.ChildInputs(spec.InputShape!).ToList();
        if (!top.Any(c => c.Layer is IFitsTrainingData))
            return;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var modules = network.named_children().ToDictionary(m => m.name, m => (Module<Tensor, Tensor>)m.module);
        var wasTraining = network.training;
        network.eval();
        var x = tensor(features, [rows, spec.InputSize]);
        if (modules.TryGetValue(InputShapeModule, out var unflatten))
            x = unflatten.forward(x);
        var state = network.state_dict();
        foreach (var (name, layer, input) in top)
        {
            if (layer is IFitsTrainingData fits)
            {
                using var cpu = x.cpu().contiguous();
                foreach (var (buffer, array) in fits.FitBuffers(cpu.data<float>().ToArray(), rows, input))
                    state[LayerTree.Join(name, buffer)].copy_(tensor(array.Data, array.Shape.Select(d => (long)d).ToArray()));
            }
            x = modules[name].forward(x);
        }
        network.train(wasTraining);
    }

    /// <summary>Copies every weight and buffer of <paramref name="network"/> to managed arrays.</summary>
    public static NetworkWeights Export(Sequential network, NetworkSpec spec)
    {
        var shapes = spec.WeightShapes().ToDictionary(w => w.Name, w => w.Shape);
        using var scope = NewDisposeScope(); // detach()/cpu()/to() make intermediate tensors: dispose them here, not in the finalizer
        var state = network.state_dict();
        var arrays = new Dictionary<string, WeightArray>();
        foreach (var (name, shape) in shapes)
        {
            if (!state.TryGetValue(name, out var tensor))
                throw new InvalidOperationException($"TorchNetwork: the module has no tensor '{name}'. Module keys: {string.Join(", ", state.Keys)}.");
            using var cpu = tensor.detach().cpu().to(ScalarType.Float32).contiguous();
            arrays[name] = new WeightArray(cpu.data<float>().ToArray(), shape);
        }
        return new NetworkWeights(spec, arrays);
    }

    /// <summary>Copies <paramref name="weights"/> into the module (same names; for tests and warm starts).</summary>
    public static void Load(Sequential network, NetworkWeights weights)
    {
        using var noGrad = no_grad();
        var state = network.state_dict();
        foreach (var (name, array) in weights.Arrays)
        {
            if (!state.TryGetValue(name, out var target))
                throw new InvalidOperationException($"TorchNetwork: the module has no tensor '{name}'. Module keys: {string.Join(", ", state.Keys)}.");
            using var source = tensor(array.Data, array.Shape.Select(d => (long)d).ToArray());
            target.copy_(source);
        }
    }

    /// <summary>Snapshot of every tensor of the state dict (for restoring the best epoch's weights).</summary>
    public static Dictionary<string, Tensor> Snapshot(Sequential network)
    {
        using var scope = NewDisposeScope(); // detach() makes a wrapper per tensor: the scope frees them, the clones leave it
        using var noGrad = no_grad();
        return network.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone().DetachFromDisposeScope());
    }

    /// <summary>Loads a snapshot back into the module and disposes the snapshot's tensors.</summary>
    public static void Restore(Sequential network, Dictionary<string, Tensor> snapshot)
    {
        using (no_grad())
        {
            var state = network.state_dict();
            foreach (var (name, tensor) in snapshot)
                state[name].copy_(tensor);
        }
        foreach (var tensor in snapshot.Values)
            tensor.Dispose();
        snapshot.Clear();
    }
}
