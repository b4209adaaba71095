using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DeepML;

/// <summary><see cref="FlattenLayer"/> → <c>Flatten()</c> (start dimension 1: the batch axis stays).</summary>
internal sealed class FlattenTorchLayer : TorchLayer<FlattenLayer>
{
    protected override Module<Tensor, Tensor> Build(FlattenLayer layer, TensorShape input, TorchBuildContext context) => Flatten();
}
