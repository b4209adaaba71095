using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DeepML;

/// <summary><see cref="DenseLayer"/> → <c>Linear(in, Units)</c>; He or Xavier by the following activation.</summary>
internal sealed class DenseTorchLayer : TorchLayer<DenseLayer>
{
    protected override Module<Tensor, Tensor> Build(DenseLayer layer, TensorShape input, TorchBuildContext context) =>
        Linear(input[-1], layer.Units, hasBias: layer.UseBias);

    protected override void Initialize(Module<Tensor, Tensor> module, DenseLayer layer, TensorShape input, TorchInitContext context)
    {
        var linear = (Linear)module;
        TorchInitializers.Apply(linear.weight!, linear.bias, context);
    }
}
