using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DeepML;

/// <summary><see cref="Conv2dLayer"/> → <c>Conv2d</c> with the same stride, padding, dilation and groups; He or Xavier by the following activation.</summary>
internal sealed class Conv2dTorchLayer : TorchLayer<Conv2dLayer>
{
    protected override Module<Tensor, Tensor> Build(Conv2dLayer layer, TensorShape input, TorchBuildContext context) =>
        Conv2d(input[0], layer.OutChannels, (layer.Kernel.H, layer.Kernel.W), stride: (layer.Stride.H, layer.Stride.W),
            padding: (layer.Padding.H, layer.Padding.W), dilation: (layer.Dilation.H, layer.Dilation.W), groups: layer.Groups, bias: layer.UseBias);

    protected override void Initialize(Module<Tensor, Tensor> module, Conv2dLayer layer, TensorShape input, TorchInitContext context)
    {
        var conv = (Conv2d)module;
        TorchInitializers.Apply(conv.weight!, conv.bias, context);
    }
}
