using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DeepML;

/// <summary>
/// <see cref="LstmLayer"/> → TorchSharp <c>LSTM</c> (batch-first) inside a <see cref="RecurrentModule"/>.
/// Initialisation is PyTorch's for recurrent layers, U(−1/√H, 1/√H) for every weight and bias, which
/// TorchSharp's module applies when it is built; He/Xavier by the following activation does not apply to gates.
/// </summary>
internal sealed class LstmTorchLayer : TorchLayer<LstmLayer>
{
    protected override Module<Tensor, Tensor> Build(LstmLayer layer, TensorShape input, TorchBuildContext context) =>
        RecurrentModule.Lstm(layer, input[1]);
}
