using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DeepML;

/// <summary>
/// <see cref="FeatureTokenizerLayer"/> → CLS, numeric and categorical tokens concatenated; every parameter starts
/// uniform in ±1/√d (the FT-Transformer's reference initialisation).
/// </summary>
internal sealed class FeatureTokenizerTorchLayer : TorchLayer<FeatureTokenizerLayer>
{
    protected override Module<Tensor, Tensor> Build(FeatureTokenizerLayer layer, TensorShape input, TorchBuildContext context) =>
        new TokenizerModule(layer, input);

    protected override void Initialize(Module<Tensor, Tensor> module, FeatureTokenizerLayer layer, TensorShape input, TorchInitContext context)
    {
        using var noGrad = no_grad();
        var bound = 1.0 / Math.Sqrt(layer.Dimension);
        foreach (var (_, p) in module.named_parameters(recurse: false))
            init.uniform_(p, -bound, bound);
    }

    private sealed class TokenizerModule : Module<Tensor, Tensor>
    {
        private readonly long[] _numericSlots, _categorySlots, _cardinalities, _offsets;
        private readonly long _dim;
        private readonly Parameter _cls;
        private readonly Parameter? _numericWeight, _numericBias, _categoryEmbeddings, _categoryBias;

        public TokenizerModule(FeatureTokenizerLayer layer, TensorShape input) : base("FeatureTokenizer")
        {
            _dim = layer.Dimension;
            _numericSlots = layer.NumericSlots(input[0]).Select(s => (long)s).ToArray();
            _categorySlots = layer.CategoricalSlots.Select(s => (long)s).ToArray();
            _cardinalities = layer.Cardinalities.Select(s => (long)s).ToArray();
            _offsets = layer.CategoryOffsets();
            var shapes = layer.WeightShapes(input).ToDictionary(w => w.Name, w => w.Shape.Select(d => (long)d).ToArray());
            Parameter Add(string name)
            {
                var p = Parameter(zeros(shapes[name]));
                register_parameter(name, p);
                return p;
            }
            _cls = Add("cls");
            if (_numericSlots.Length > 0)
            {
                _numericWeight = Add("numeric_weight");
                _numericBias = Add("numeric_bias");
            }
            if (_categorySlots.Length > 0)
            {
                _categoryEmbeddings = Add("category_embeddings");
                _categoryBias = Add("category_bias");
            }
        }

        public override Tensor forward(Tensor x) // x: [N, F] → [N, 1 + F, d]
        {
            var tokens = new List<Tensor> { _cls.expand(x.shape[0], 1, _dim) };
            if (_numericWeight is not null)
            {
                var numeric = x.index_select(1, tensor(_numericSlots, device: x.device));           // [N, F_num]
                tokens.Add(numeric.unsqueeze(-1).mul(_numericWeight).add(_numericBias!));          // [N, F_num, d]
            }
            if (_categoryEmbeddings is not null)
            {
                var keys = x.index_select(1, tensor(_categorySlots, device: x.device));             // [N, F_cat]
                var rows = TorchIndexPolicy.Rows(keys, _cardinalities, _offsets);
                tokens.Add(TorchIndexPolicy.Lookup(_categoryEmbeddings, rows).add(_categoryBias!)); // [N, F_cat, d]
            }
            return cat(tokens, 1);
        }
    }
}
