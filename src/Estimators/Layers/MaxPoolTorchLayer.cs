using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DeepML;

/// <summary><see cref="MaxPoolLayer"/> → <c>MaxPool1d</c> on <c>[C, L]</c>, <c>MaxPool2d</c> on <c>[C, H, W]</c> (ceil_mode off).</summary>
internal sealed class MaxPoolTorchLayer : TorchLayer<MaxPoolLayer>
{
    protected override Module<Tensor, Tensor> Build(MaxPoolLayer layer, TensorShape input, TorchBuildContext context) => input.Rank == 2
        ? MaxPool1d(layer.KernelSize, layer.Stride, layer.Padding)
        : MaxPool2d(layer.KernelSize, layer.Stride, layer.Padding);
}
