using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DeepML;

/// <summary><see cref="EmbeddingLayer"/> → a table <c>weight</c> <c>[K + 1, d]</c> read with <see cref="TorchIndexPolicy"/>; N(0, 1) initialisation as PyTorch's <c>Embedding</c>.</summary>
internal sealed class EmbeddingTorchLayer : TorchLayer<EmbeddingLayer>
{
    protected override Module<Tensor, Tensor> Build(EmbeddingLayer layer, TensorShape input, TorchBuildContext context) => new EmbeddingModule(layer);

    private sealed class EmbeddingModule : Module<Tensor, Tensor>
    {
        private readonly Parameter _weight;
        private readonly long _cardinality;

        public EmbeddingModule(EmbeddingLayer layer) : base("Embedding")
        {
            _cardinality = layer.Cardinality;
            _weight = Parameter(randn(layer.Cardinality + 1, layer.Dimension));
            register_parameter("weight", _weight);
        }

        public override Tensor forward(Tensor input) => TorchIndexPolicy.Lookup(_weight, TorchIndexPolicy.Rows(input, [_cardinality], []));
    }
}
