using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DeepML;

/// <summary><see cref="TransformerBlockLayer"/> → its two residual children run in turn (<c>"attention"</c>, then <c>"ffn"</c>).</summary>
internal sealed class TransformerBlockTorchLayer : TorchLayer<TransformerBlockLayer>
{
    protected override Module<Tensor, Tensor> Build(TransformerBlockLayer layer, TensorShape input, TorchBuildContext context)
    {
        var children = layer.ChildInputs(input).ToList();
        return Sequential(children.Select(c => (c.Name, context.BuildChild(c.Name, c.Layer, c.Input))).ToList());
    }
}
