using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DeepML;

/// <summary><see cref="ActivationLayer"/> → the TorchSharp module of that name (exact GELU).</summary>
internal sealed class ActivationTorchLayer : TorchLayer<ActivationLayer>
{
    protected override Module<Tensor, Tensor> Build(ActivationLayer layer, TensorShape input, TorchBuildContext context) => layer.Activation switch
    {
        ActivationKind.Relu => ReLU(),
        ActivationKind.LeakyRelu => LeakyReLU(layer.Alpha),
        ActivationKind.Gelu => GELU(),
        ActivationKind.Tanh => Tanh(),
        ActivationKind.Sigmoid => Sigmoid(),
        ActivationKind.Elu => ELU(layer.Alpha),
        ActivationKind.Silu => SiLU(),
        _ => throw new NotSupportedException($"TorchNetwork: activation {layer.Activation} of layer {context.Path} is not supported."),
    };
}
