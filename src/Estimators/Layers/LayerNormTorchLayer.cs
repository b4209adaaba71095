using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DeepML;

/// <summary><see cref="LayerNormLayer"/> → <c>LayerNorm([d], eps)</c> (weight 1, bias 0).</summary>
internal sealed class LayerNormTorchLayer : TorchLayer<LayerNormLayer>
{
    protected override Module<Tensor, Tensor> Build(LayerNormLayer layer, TensorShape input, TorchBuildContext context) =>
        LayerNorm([input[-1]], layer.Epsilon);
}
