using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DeepML;

/// <summary>
/// <see cref="PeriodicEmbeddingLayer"/> → PLR with the ONNX lowering's operation order; frequencies start N(0, σ²),
/// each slot's linear layer uniform in ±1/√(2k) (PyTorch's <c>Linear</c> default bound).
/// </summary>
internal sealed class PeriodicEmbeddingTorchLayer : TorchLayer<PeriodicEmbeddingLayer>
{
    protected override Module<Tensor, Tensor> Build(PeriodicEmbeddingLayer layer, TensorShape input, TorchBuildContext context) => new PeriodicModule(layer, input);

    protected override void Initialize(Module<Tensor, Tensor> module, PeriodicEmbeddingLayer layer, TensorShape input, TorchInitContext context)
    {
        using var noGrad = no_grad();
        var m = (PeriodicModule)module;
        init.normal_(m.Frequencies, 0, layer.Sigma);
        var bound = 1.0 / Math.Sqrt(2 * layer.Frequencies);
        init.uniform_(m.Weight, -bound, bound);
        init.uniform_(m.Bias, -bound, bound);
    }

    internal sealed class PeriodicModule : Module<Tensor, Tensor>
    {
        private readonly long[] _embedded, _rest;

        public PeriodicModule(PeriodicEmbeddingLayer layer, TensorShape input) : base("PeriodicEmbedding")
        {
            (_embedded, _rest) = TorchSlots.Split(layer.Kind, layer.Slots, input);
            var f = _embedded.Length;
            Frequencies = Parameter(zeros(f, layer.Frequencies));
            Weight = Parameter(zeros(f, layer.Dimension, 2 * layer.Frequencies));
            Bias = Parameter(zeros(f, layer.Dimension));
            register_parameter("frequencies", Frequencies);
            register_parameter("weight", Weight);
            register_parameter("bias", Bias);
        }

        public Parameter Frequencies { get; }
        public Parameter Weight { get; }
        public Parameter Bias { get; }

        public override Tensor forward(Tensor x) // [N, F] → [N, F_emb·d + F_rest]
        {
            var selected = x.index_select(1, tensor(_embedded, device: x.device));
            var angle = selected.unsqueeze(-1).mul(2 * Math.PI).mul(Frequencies);                     // [N, F, k]
            var features = cat([angle.sin(), angle.cos()], -1);                                          // [N, F, 2k]
            var linear = features.unsqueeze(2).mul(Weight).sum(-1).add(Bias).relu();                     // [N, F, d, 2k] → [N, F, d]
            return TorchSlots.FlattenAndAppend(x, linear, _rest);
        }
    }
}

/// <summary>The slot split of the numerical-embedding layers, on tensors.</summary>
internal static class TorchSlots
{
    public static (long[] Embedded, long[] Others) Split(string kind, IReadOnlyList<int>? slots, TensorShape input)
    {
        var all = Enumerable.Range(0, input[0]).ToArray();
        var embedded = slots?.ToArray() ?? all;
        return (embedded.Select(s => (long)s).ToArray(), all.Except(embedded).Select(s => (long)s).ToArray());
    }

    public static Tensor FlattenAndAppend(Tensor x, Tensor embedded, long[] rest)
    {
        var flat = embedded.reshape(embedded.shape[0], -1);
        return rest.Length == 0 ? flat : cat([flat, x.index_select(1, tensor(rest, device: x.device))], 1);
    }
}
