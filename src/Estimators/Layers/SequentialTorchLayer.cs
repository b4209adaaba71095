using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DeepML;

/// <summary><see cref="SequentialLayer"/> → TorchSharp <c>Sequential</c> with children named <c>"0"</c>, <c>"1"</c>, ...</summary>
internal sealed class SequentialTorchLayer : TorchLayer<SequentialLayer>
{
    protected override Module<Tensor, Tensor> Build(SequentialLayer layer, TensorShape input, TorchBuildContext context) =>
        Sequential(layer.ChildInputs(input).Select(c => (c.Name, context.BuildChild(c.Name, c.Layer, c.Input))).ToList());
}
