using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DeepML;

/// <summary><see cref="DropoutLayer"/> → <c>Dropout(Rate)</c> (active in training mode only).</summary>
internal sealed class DropoutTorchLayer : TorchLayer<DropoutLayer>
{
    protected override Module<Tensor, Tensor> Build(DropoutLayer layer, TensorShape input, TorchBuildContext context) => Dropout(layer.Rate);
}
