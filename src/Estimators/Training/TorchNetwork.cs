using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DeepML;

/// <summary>
/// Builds a TorchSharp module from a bound <see cref="NetworkSpec"/>, initialises it, and moves
/// weights between it and DeepML's framework-neutral <see cref="NetworkWeights"/>. Sub-module
/// names are the layer indices, so state-dict keys equal DeepML's weight names ("0.weight").
/// </summary>
internal static class TorchNetwork
{
    public static Sequential Build(NetworkSpec spec)
    {
        var size = spec.InputSize;
        var modules = new List<(string, Module<Tensor, Tensor>)>(spec.Layers.Count);
        for (var i = 0; i < spec.Layers.Count; i++)
        {
            var layer = spec.Layers[i];
            Module<Tensor, Tensor> module = layer switch
            {
                DenseLayer d => Linear(size, d.Units, hasBias: d.UseBias),
                BatchNormLayer b => BatchNorm1d(size, eps: b.Epsilon, momentum: b.Momentum),
                DropoutLayer d => Dropout(d.Rate),
                ActivationLayer a => a.Activation switch
                {
                    ActivationKind.Relu => ReLU(),
                    ActivationKind.LeakyRelu => LeakyReLU(a.Alpha),
                    ActivationKind.Gelu => GELU(),
                    ActivationKind.Tanh => Tanh(),
                    ActivationKind.Sigmoid => Sigmoid(),
                    ActivationKind.Elu => ELU(a.Alpha),
                    ActivationKind.Silu => SiLU(),
                    _ => throw new NotSupportedException($"TorchNetwork: activation {a.Activation} is not supported."),
                },
                _ => throw new NotSupportedException($"TorchNetwork: layer kind '{layer.Kind}' (layer {i}) cannot be trained by this DeepML version."),
            };
            modules.Add((i.ToString(System.Globalization.CultureInfo.InvariantCulture), module));
            size = layer.OutputSize(size);
        }
        return Sequential(modules);
    }

    /// <summary>Initialises dense weights (biases to zero) with the chosen scheme; the global torch generator must be seeded first.</summary>
    public static void Initialize(Sequential network, NetworkSpec spec, WeightInitializer initializer)
    {
        using var noGrad = no_grad();
        var modules = network.named_children().ToDictionary(m => m.name, m => m.module);
        for (var i = 0; i < spec.Layers.Count; i++)
        {
            if (spec.Layers[i] is not DenseLayer || modules[i.ToString(System.Globalization.CultureInfo.InvariantCulture)] is not Linear linear)
                continue;
            var next = spec.Layers.Skip(i + 1).OfType<ActivationLayer>().FirstOrDefault();
            var reluFamily = next is { Activation: ActivationKind.Relu or ActivationKind.LeakyRelu or ActivationKind.Elu or ActivationKind.Gelu or ActivationKind.Silu };
            var scheme = initializer == WeightInitializer.Default
                ? (reluFamily ? WeightInitializer.HeUniform : WeightInitializer.XavierUniform)
                : initializer;
            var nonlinearity = next?.Activation == ActivationKind.LeakyRelu ? init.NonlinearityType.LeakyReLU : init.NonlinearityType.ReLU;
            var a = next?.Activation == ActivationKind.LeakyRelu ? next.Alpha : 0;
            switch (scheme)
            {
                case WeightInitializer.XavierUniform: init.xavier_uniform_(linear.weight!); break;
                case WeightInitializer.XavierNormal: init.xavier_normal_(linear.weight!); break;
                case WeightInitializer.HeUniform: init.kaiming_uniform_(linear.weight!, a, init.FanInOut.FanIn, nonlinearity); break;
                case WeightInitializer.HeNormal: init.kaiming_normal_(linear.weight!, a, init.FanInOut.FanIn, nonlinearity); break;
            }
            if (linear.bias is { } bias)
                init.zeros_(bias);
        }
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

    /// <summary>Snapshot of every tensor of the state dict (for restoring the best epoch's weights).</summary>
    public static Dictionary<string, Tensor> Snapshot(Sequential network)
    {
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
