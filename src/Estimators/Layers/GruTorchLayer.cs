using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DeepML;

/// <summary>
/// <see cref="GruLayer"/> → TorchSharp <c>GRU</c> (batch-first) inside a <see cref="RecurrentModule"/>.
/// Initialisation is PyTorch's for recurrent layers, U(−1/√H, 1/√H) for every weight and bias, which
/// TorchSharp's module applies when it is built.
/// </summary>
internal sealed class GruTorchLayer : TorchLayer<GruLayer>
{
    protected override Module<Tensor, Tensor> Build(GruLayer layer, TensorShape input, TorchBuildContext context) =>
        RecurrentModule.Gru(layer, input[1]);
}
