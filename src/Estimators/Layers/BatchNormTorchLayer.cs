using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DeepML;

/// <summary>
/// <see cref="BatchNormLayer"/> → <c>BatchNorm1d</c> over the features of <c>[F]</c> or the channels of
/// <c>[C, L]</c>, <c>BatchNorm2d</c> over the channels of <c>[C, H, W]</c> (weight 1, bias 0, as TorchSharp starts them).
/// </summary>
internal sealed class BatchNormTorchLayer : TorchLayer<BatchNormLayer>
{
    protected override Module<Tensor, Tensor> Build(BatchNormLayer layer, TensorShape input, TorchBuildContext context) => input.Rank switch
    {
        1 or 2 => BatchNorm1d(BatchNormLayer.Channels(input), eps: layer.Epsilon, momentum: layer.Momentum),
        _ => BatchNorm2d(BatchNormLayer.Channels(input), eps: layer.Epsilon, momentum: layer.Momentum),
    };
}
