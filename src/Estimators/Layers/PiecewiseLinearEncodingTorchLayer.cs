using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DeepML;

/// <summary>
/// <see cref="PiecewiseLinearEncodingLayer"/> → <c>min(max((x − lower)·scale, min), max)</c> with the four bin buffers
/// registered as buffers (not trained). They start as <see cref="PiecewiseLinearEncodingLayer.DefaultBuffers"/>; the trainer
/// replaces them with the training data's quantile bins (<see cref="TorchNetwork.FitToData"/>).
/// </summary>
internal sealed class PiecewiseLinearEncodingTorchLayer : TorchLayer<PiecewiseLinearEncodingLayer>
{
    protected override Module<Tensor, Tensor> Build(PiecewiseLinearEncodingLayer layer, TensorShape input, TorchBuildContext context) => new PleModule(layer, input);

    private sealed class PleModule : Module<Tensor, Tensor>
    {
        private readonly long[] _embedded, _rest;

        public PleModule(PiecewiseLinearEncodingLayer layer, TensorShape input) : base("PiecewiseLinearEncoding")
        {
            (_embedded, _rest) = TorchSlots.Split(layer.Kind, layer.Slots, input);
            var buffers = layer.DefaultBuffers(input);
            foreach (var name in PiecewiseLinearEncodingLayer.BufferNames)
                register_buffer(name, tensor(buffers[name].Data, buffers[name].Shape.Select(d => (long)d).ToArray()));
        }

        // Buffers are looked up by name: moving the module to a device replaces them.
        public override Tensor forward(Tensor x) // [N, F] → [N, F_emb·T + F_rest]
        {
            var (lower, scale, min, max) = (get_buffer("bin_lower")!, get_buffer("bin_scale")!, get_buffer("encoding_min")!, get_buffer("encoding_max")!);
            var selected = x.index_select(1, tensor(_embedded, device: x.device)).unsqueeze(-1);          // [N, F, 1]
            var encoded = minimum(maximum(selected.sub(lower).mul(scale), min), max);                  // [N, F, T]
            return TorchSlots.FlattenAndAppend(x, encoded, _rest);
        }
    }
}
