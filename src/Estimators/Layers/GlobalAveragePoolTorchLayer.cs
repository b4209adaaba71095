using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DeepML;

/// <summary><see cref="GlobalAveragePoolLayer"/> → a module taking <c>[N, C, ...]</c> to <c>[N, C]</c>, the mean over the spatial positions.</summary>
internal sealed class GlobalAveragePoolTorchLayer : TorchLayer<GlobalAveragePoolLayer>
{
    protected override Module<Tensor, Tensor> Build(GlobalAveragePoolLayer layer, TensorShape input, TorchBuildContext context) => new GlobalAveragePool();

    private sealed class GlobalAveragePool() : Module<Tensor, Tensor>("GlobalAveragePool")
    {
        // [N, C, L] or [N, C, H, W] → [N, C, positions] → [N, C]
        public override Tensor forward(Tensor input)
        {
            using var flat = input.flatten(2);
            return flat.mean([2L]);
        }
    }
}
