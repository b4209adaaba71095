using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DeepML;

/// <summary><see cref="Conv1dLayer"/> → <c>Conv1d</c> with the same stride, padding, dilation and groups; He or Xavier by the following activation.</summary>
internal sealed class Conv1dTorchLayer : TorchLayer<Conv1dLayer>
{
    protected override Module<Tensor, Tensor> Build(Conv1dLayer layer, TensorShape input, TorchBuildContext context) =>
        Conv1d(input[0], layer.OutChannels, layer.KernelSize, stride: layer.Stride, padding: layer.Padding, dilation: layer.Dilation,
            groups: layer.Groups, bias: layer.UseBias);

    protected override void Initialize(Module<Tensor, Tensor> module, Conv1dLayer layer, TensorShape input, TorchInitContext context)
    {
        var conv = (Conv1d)module;
        TorchInitializers.Apply(conv.weight!, conv.bias, context);
    }
}
