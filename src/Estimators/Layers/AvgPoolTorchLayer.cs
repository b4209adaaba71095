using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DeepML;

/// <summary><see cref="AvgPoolLayer"/> → <c>AvgPool1d</c> on <c>[C, L]</c>, <c>AvgPool2d</c> on <c>[C, H, W]</c> (ceil_mode off, the layer's count_include_pad).</summary>
internal sealed class AvgPoolTorchLayer : TorchLayer<AvgPoolLayer>
{
    protected override Module<Tensor, Tensor> Build(AvgPoolLayer layer, TensorShape input, TorchBuildContext context) => input.Rank == 2
        ? AvgPool1d(layer.KernelSize, layer.Stride, layer.Padding, ceil_mode: false, count_include_pad: layer.CountIncludePad)
        : AvgPool2d(layer.KernelSize, layer.Stride, layer.Padding, ceil_mode: false, count_include_pad: layer.CountIncludePad);
}
