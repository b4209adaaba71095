using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DeepML;

/// <summary><see cref="ClsPoolingLayer"/> → <c>x[:, 0]</c>: <c>[N, T, d]</c> → <c>[N, d]</c>.</summary>
internal sealed class ClsPoolingTorchLayer : TorchLayer<ClsPoolingLayer>
{
    protected override Module<Tensor, Tensor> Build(ClsPoolingLayer layer, TensorShape input, TorchBuildContext context) => new ClsModule();

    private sealed class ClsModule() : Module<Tensor, Tensor>("ClsPooling")
    {
        public override Tensor forward(Tensor input) => input.select(1, 0);
    }
}
