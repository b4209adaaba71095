using System.Text.Json.Nodes;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DeepML.Estimators.Tests.Layers;

/// <summary>TorchSharp modules built from layer trees: state-dict keys, initialisation, and factories from outside.</summary>
[Collection(TorchTrainingCollection.Name)]
public sealed class TorchNetworkTreeTests
{
    private static NetworkSpec Nested() => new NetworkSpec([
        new Conv2dLayer(6, 3, padding: 1), new ActivationLayer(ActivationKind.Relu),
        new ResidualLayer(new SequentialLayer(new Conv2dLayer(6, 3, padding: 1, useBias: false), new BatchNormLayer(), new ActivationLayer(ActivationKind.LeakyRelu, 0.2),
            new Conv2dLayer(6, 3, padding: 1))),
        new ActivationLayer(ActivationKind.Relu), new FlattenLayer()], new TensorShape(3, 8, 8)).Bind(new TensorShape(3, 8, 8), new DenseLayer(4));

    [Fact]
    public void StateDictKeysAreTheSpecsWeightNames()
    {
        TorchRuntime.EnsureLoaded();
        var spec = Nested();
        using var network = TorchNetwork.Build(spec);
        var state = network.state_dict();
        var expected = spec.WeightShapes().ToDictionary(w => w.Name, w => w.Shape);
        // BatchNorm's step counter is TorchSharp's own buffer; DeepML does not keep it.
        Assert.Equal(expected.Keys.Order(), state.Keys.Where(k => !k.EndsWith("num_batches_tracked", StringComparison.Ordinal)).Order());
        foreach (var (name, shape) in expected)
            Assert.Equal(shape.Select(d => (long)d), state[name].shape);
        Assert.Contains("2.body.1.running_var", state.Keys);

        torch.manual_seed(4);
        TorchNetwork.Initialize(network, spec, WeightInitializer.Default);
        var exported = TorchNetwork.Export(network, spec);
        using var again = TorchNetwork.Build(spec);
        TorchNetwork.Load(again, exported);
        var reexported = TorchNetwork.Export(again, spec);
        foreach (var (name, array) in exported.Arrays)
            Assert.Equal(array.Data, reexported[name].Data);
    }

    [Fact]
    public void InitializeUsesHeBeforeReluFamilyAndXavierForTheHeadInsideTheTree()
    {
        TorchRuntime.EnsureLoaded();
        var spec = Nested();
        using var network = TorchNetwork.Build(spec);
        torch.manual_seed(11);
        TorchNetwork.Initialize(network, spec, WeightInitializer.Default);
        var w = TorchNetwork.Export(network, spec);

        // He uniform: bound = gain·√(3 / fan_in), gain = √(2 / (1 + a²)); Xavier uniform: √(6 / (fan_in + fan_out)).
        AssertUniform(w["0.weight"], Math.Sqrt(2) * Math.Sqrt(3.0 / 27));                        // Conv → Relu
        AssertUniform(w["2.body.0.weight"], Math.Sqrt(2 / 1.04) * Math.Sqrt(3.0 / 54));           // Conv → BN → LeakyRelu(0.2)
        AssertUniform(w["2.body.3.weight"], Math.Sqrt(2) * Math.Sqrt(3.0 / 54));                  // last conv of the body: the Relu after the block
        AssertUniform(w["5.weight"], Math.Sqrt(6.0 / (384 + 4)));                                 // head: no activation follows
        Assert.All(new[] { "0.bias", "2.body.3.bias", "5.bias" }, b => Assert.All(w[b].Data, v => Assert.Equal(0f, v)));
        Assert.All(w["2.body.1.weight"].Data, v => Assert.Equal(1f, v)); // batch norm starts at γ = 1
    }

    [Fact]
    public void LayerWithoutFactoryFailsNamingItAndRegisteredFactoriesAreUsed()
    {
        TorchRuntime.EnsureLoaded();
        LayerRegistry.Register(typeof(ScaleLayer));
        var spec = new NetworkSpec([new DenseLayer(2), new ScaleLayer(3)], 2);
        if (!TorchLayerRegistry.LayerTypes.Contains(nameof(ScaleLayer)))
        {
            var e = Assert.Throws<NotSupportedException>(() => TorchNetwork.Build(spec));
            Assert.StartsWith("TorchNetwork: layer 1 of kind 'Scale' (ScaleLayer) cannot be trained: no TorchSharp factory is registered for it.", e.Message);
        }
        TorchLayerRegistry.Register(new ScaleTorchLayer());
        using var network = TorchNetwork.Build(spec);
        var weights = new NetworkWeights(spec, new Dictionary<string, WeightArray> { ["0.weight"] = new([1, 0, 0, 1], [2, 2]), ["0.bias"] = new([0, 1], [2]) });
        TorchNetwork.Load(network, weights);
        Assert.Equal([3f, 9f], TorchBatchPredictor.Forward(network, CPU, [1f, 2f], 1, 2, 2)); // 3·(x + [0, 1])
    }

    private static void AssertUniform(WeightArray w, double bound)
    {
        var max = w.Data.Max(v => Math.Abs(v));
        Assert.True(max <= bound * (1 + 1e-6) && max >= 0.9 * bound, $"max |w| = {max}, expected U(−{bound}, {bound})");
    }

    [LayerKind("Scale")]
    private sealed record ScaleLayer(double Factor) : LayerSpec
    {
        public override string Kind => "Scale";
        public override TensorShape OutputShape(TensorShape input) => input;
        public override void WriteJson(JsonObject json) => json["factor"] = Factor;
        public static LayerSpec ReadJson(JsonObject json) => new ScaleLayer(LayerJson.Double(json, "factor"));
    }

    private sealed class ScaleTorchLayer : TorchLayer<ScaleLayer>
    {
        protected override Module<Tensor, Tensor> Build(ScaleLayer layer, TensorShape input, TorchBuildContext context) => new ScaleModule(layer.Factor);
    }

    private sealed class ScaleModule(double factor) : Module<Tensor, Tensor>("Scale")
    {
        public override Tensor forward(Tensor input) => input.mul(factor);
    }
}
