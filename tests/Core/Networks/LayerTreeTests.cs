using System.Text.Json.Nodes;
using DeepML.Onnx;
using Xunit;

namespace DeepML.Core.Tests.LayerTrees;

/// <summary>Layer trees: shapes, shape errors with paths, weight names, JSON and the registry.</summary>
public sealed class LayerTreeTests
{
    [Fact]
    public void TensorShapeCountsFormatsAndCompares()
    {
        var image = new TensorShape(3, 28, 28);
        Assert.Equal(2352, image.ElementCount);
        Assert.Equal("[3, 28, 28]", image.ToString());
        Assert.Equal(new TensorShape(3, 28, 28), image);
        Assert.NotEqual(new TensorShape(3, 28, 27), image);
        Assert.Equal(28, image[-1]);
        var e = Assert.Throws<ArgumentException>(() => new TensorShape(3, 0, 2));
        Assert.Equal("TensorShape: dimension 1 of [3, 0, 2] is 0; every dimension must be at least 1. (Parameter 'dims')", e.Message);
    }

    [Fact]
    public void FlatSpecKeepsItsSummaryAndWeightNames()
    {
        // The summary is part of checkpoint fingerprints: flat specs must print exactly as DeepML 0.1 did.
        var spec = Networks.Mlp([8], dropout: 0.1, batchNorm: true).Bind(3, new DenseLayer(1));
        Assert.Equal("3 → Dense(8) → BatchNorm → Relu → Dropout(0.1) → Dense(1)", spec.ToString());
        Assert.Equal(["0.weight:8x3", "0.bias:8", "1.weight:8", "1.bias:8", "1.running_mean:8", "1.running_var:8", "4.weight:1x8", "4.bias:1"],
            spec.WeightShapes().Select(w => $"{w.Name}:{string.Join("x", w.Shape)}"));
        Assert.Equal(1, spec.OutputSize);
    }

    [Fact]
    public void NestedSpecNamesWeightsByPath()
    {
        var spec = new NetworkSpec([
            new Conv2dLayer(4, 3, padding: 1),
            new ResidualLayer(new SequentialLayer(new Conv2dLayer(6, 3, stride: 2, padding: 1, useBias: false), new BatchNormLayer()),
                new Conv2dLayer(6, 1, stride: 2)),
            new FlattenLayer(), new DenseLayer(2)], new TensorShape(1, 8, 8));
        Assert.Equal(new TensorShape(2), spec.OutputShape);
        Assert.Equal([
            "0.weight:4x1x3x3", "0.bias:4",
            "1.body.0.weight:6x4x3x3", "1.body.1.weight:6", "1.body.1.bias:6", "1.body.1.running_mean:6", "1.body.1.running_var:6",
            "1.shortcut.weight:6x4x1x1", "1.shortcut.bias:6",
            "3.weight:2x96", "3.bias:2"], spec.WeightShapes().Select(w => $"{w.Name}:{string.Join("x", w.Shape)}"));
        Assert.Equal("[1, 8, 8] → Conv2d(4, 3x3, pad 1x1) → Residual(Sequential(Conv2d(6, 3x3, stride 2x2, pad 1x1) → BatchNorm), shortcut Conv2d(6, 1x1, stride 2x2)) → Flatten → Dense(2)", spec.ToString());
    }

    public static TheoryData<int, int, int, int, int, int> ConvCases => new()
    {
        // size, kernel, stride, padding, dilation, expected = ⌊(size + 2p − d(k−1) − 1)/s⌋ + 1
        { 28, 3, 1, 1, 1, 28 }, { 28, 3, 2, 1, 1, 14 }, { 28, 5, 1, 0, 2, 20 }, { 7, 7, 1, 0, 1, 1 }, { 10, 3, 3, 0, 1, 3 }, { 9, 4, 2, 2, 1, 5 },
    };

    [Theory]
    [MemberData(nameof(ConvCases))]
    public void Conv2dOutputSizeFollowsTheClosedForm(int size, int kernel, int stride, int padding, int dilation, int expected)
    {
        var conv = new Conv2dLayer(5, kernel, stride, padding, dilation);
        Assert.Equal(new TensorShape(5, expected, expected), conv.OutputShape(new TensorShape(2, size, size)));
    }

    [Fact]
    public void Conv2dRejectsShapesItCannotTakeNamingBoth()
    {
        var e = Assert.Throws<LayerShapeException>(() => new Conv2dLayer(4, 3).OutputShape(new TensorShape(12)));
        Assert.Equal("NetworkSpec: layer (Conv2d) cannot take an input of shape [12]; it expects [C, H, W]. Declare the input as [C, H, W] (NeuralNetworkOptions.InputShape) or use Dense for vectors.", e.Message);
        e = Assert.Throws<LayerShapeException>(() => new Conv2dLayer(4, 3, groups: 2).OutputShape(new TensorShape(3, 8, 8)));
        Assert.Contains("expects [C, H, W] with C a multiple of groups = 2", e.Message);
        e = Assert.Throws<LayerShapeException>(() => new Conv2dLayer(4, 5).OutputShape(new TensorShape(3, 4, 8)));
        Assert.Contains("cannot take an input of shape [3, 4, 8]; it expects [C, H, W] with H ≥ 5 and W ≥ 5", e.Message);
        Assert.Throws<ArgumentException>(() => new Conv2dLayer(5, 3, groups: 2)); // 5 output channels in 2 groups
    }

    [Fact]
    public void ShapeErrorInsideTheTreeNamesThePath()
    {
        var body = new SequentialLayer(new Conv2dLayer(4, 3, padding: 1), new FlattenLayer(), new Conv2dLayer(4, 3));
        var e = Assert.Throws<LayerShapeException>(() => new NetworkSpec([new Conv2dLayer(4, 3, padding: 1), new ActivationLayer(ActivationKind.Relu), new ResidualLayer(body)], new TensorShape(1, 6, 6)));
        Assert.Equal("2.body.2", e.LayerPath);
        Assert.Equal("NetworkSpec: layer 2.body.2 (Conv2d) cannot take an input of shape [144]; it expects [C, H, W]. Declare the input as [C, H, W] (NeuralNetworkOptions.InputShape) or use Dense for vectors.", e.Message);
    }

    [Fact]
    public void ResidualWithoutMatchingShortcutSaysWhatToAdd()
    {
        var block = new ResidualLayer(new SequentialLayer(new Conv2dLayer(8, 3, stride: 2, padding: 1)));
        var e = Assert.Throws<LayerShapeException>(() => Networks.Linear().Bind(new TensorShape(4, 8, 8), block));
        Assert.Equal("NetworkSpec: layer 0 (Residual) cannot take an input of shape [4, 8, 8]; it expects an input for which body and shortcut give the same shape (body gives [8, 4, 4], the identity shortcut gives [4, 8, 8]). Add a projection shortcut (for example a 1×1 Conv2d with the body's stride and channels).", e.Message);
        Assert.Equal(new TensorShape(8, 4, 4), new ResidualLayer(block.Body, new Conv2dLayer(8, 1, stride: 2)).OutputShape(new TensorShape(4, 8, 8)));
    }

    public static TheoryData<string> Layers => new()
    {
        "{\"kind\":\"Dense\",\"units\":7,\"useBias\":false}",
        "{\"kind\":\"LeakyRelu\",\"alpha\":0.2}",
        "{\"kind\":\"Dropout\",\"rate\":0.25}",
        "{\"kind\":\"BatchNorm\",\"epsilon\":0.001,\"momentum\":0.3}",
        "{\"kind\":\"Flatten\"}",
        "{\"kind\":\"Conv2d\",\"outChannels\":6,\"kernel\":[3,1],\"stride\":[2,1],\"padding\":[1,0],\"dilation\":[1,2],\"groups\":3,\"useBias\":false}",
        "{\"kind\":\"Conv1d\",\"outChannels\":4,\"kernelSize\":5,\"stride\":2,\"padding\":1,\"dilation\":2,\"groups\":2,\"useBias\":false}",
        "{\"kind\":\"MaxPool\",\"kernelSize\":3,\"stride\":2,\"padding\":1}",
        "{\"kind\":\"AvgPool\",\"kernelSize\":2,\"stride\":2,\"padding\":0,\"countIncludePad\":true}",
        "{\"kind\":\"AvgPool\",\"kernelSize\":3,\"stride\":1,\"padding\":1,\"countIncludePad\":false}",
        "{\"kind\":\"GlobalAveragePool\"}",
        "{\"kind\":\"Sequential\",\"layers\":[{\"kind\":\"Dense\",\"units\":2,\"useBias\":true},{\"kind\":\"Tanh\",\"alpha\":0.01}]}",
        "{\"kind\":\"Residual\",\"body\":{\"kind\":\"Sequential\",\"layers\":[{\"kind\":\"Conv2d\",\"outChannels\":4,\"kernel\":[3,3],\"stride\":[1,1],\"padding\":[1,1],\"dilation\":[1,1],\"groups\":1,\"useBias\":true}]},\"shortcut\":{\"kind\":\"Conv2d\",\"outChannels\":4,\"kernel\":[1,1],\"stride\":[1,1],\"padding\":[0,0],\"dilation\":[1,1],\"groups\":1,\"useBias\":false}}",
        "{\"kind\":\"LayerNorm\",\"epsilon\":0.001}",
        "{\"kind\":\"Embedding\",\"cardinality\":9,\"dimension\":4}",
        "{\"kind\":\"MultiHeadSelfAttention\",\"heads\":4,\"dropout\":0.2}",
        "{\"kind\":\"ClsPooling\"}",
        "{\"kind\":\"FeatureTokenizer\",\"dimension\":8,\"categoricalSlots\":[1,3],\"cardinalities\":[5,2]}",
        "{\"kind\":\"PeriodicEmbedding\",\"frequencies\":6,\"dimension\":4,\"sigma\":0.5,\"slots\":[0,2]}",
        "{\"kind\":\"PiecewiseLinearEncoding\",\"bins\":8}",
        "{\"kind\":\"TransformerBlock\",\"attention\":{\"kind\":\"Residual\",\"body\":{\"kind\":\"Sequential\",\"layers\":[{\"kind\":\"MultiHeadSelfAttention\",\"heads\":2,\"dropout\":0.1}]}},\"ffn\":{\"kind\":\"Residual\",\"body\":{\"kind\":\"Sequential\",\"layers\":[{\"kind\":\"LayerNorm\",\"epsilon\":1E-05},{\"kind\":\"Dense\",\"units\":16,\"useBias\":true},{\"kind\":\"Gelu\",\"alpha\":0.01},{\"kind\":\"Dense\",\"units\":8,\"useBias\":true}]}}}",
    };

    [Theory]
    [MemberData(nameof(Layers))]
    public void JsonRoundTripsEveryKind(string json)
    {
        var layer = LayerJson.Read(JsonNode.Parse(json));
        Assert.Equal(json, LayerJson.Write(layer).ToJsonString());
        Assert.Equal(layer, LayerJson.Read(JsonNode.Parse(LayerJson.Write(layer).ToJsonString()))); // records: value equality, children included
    }

    [Fact]
    public void JsonReadsVersion01Specs()
    {
        var spec = NetworkSpecJson.Read("{\"inputSize\":3,\"layers\":[{\"kind\":\"Dense\",\"units\":8,\"useBias\":true},{\"kind\":\"BatchNorm\",\"epsilon\":1E-05,\"momentum\":0.1},{\"kind\":\"Relu\",\"alpha\":0.01},{\"kind\":\"Dropout\",\"rate\":0.1},{\"kind\":\"Dense\",\"units\":1,\"useBias\":true}]}");
        Assert.Equal("3 → Dense(8) → BatchNorm → Relu → Dropout(0.1) → Dense(1)", spec.ToString());
        Assert.Equal(new TensorShape(3), spec.InputShape);
        var image = new NetworkSpec([new Conv2dLayer(2, 3), new FlattenLayer(), new DenseLayer(1)], new TensorShape(1, 5, 5));
        Assert.Equal("{\"inputShape\":[1,5,5],\"layers\":[" + string.Join(",", image.Layers.Select(l => LayerJson.Write(l).ToJsonString())) + "]}", NetworkSpecJson.Write(image));
        Assert.Equal(image.Root, NetworkSpecJson.Read(NetworkSpecJson.Write(image)).Root);
    }

    [Fact]
    public void JsonUnknownKindListsTheKnownOnes()
    {
        var e = Assert.Throws<LayerJsonException>(() => LayerJson.Read(JsonNode.Parse("{\"kind\":\"Sequential\",\"layers\":[{\"kind\":\"Conv9d\"}]}")));
        // Registry_FindsCoreKindsAndTakesOutsideOnes may have added "Scale" already: compare with the registry as it is.
        Assert.Contains($"LayerRegistry: layer kind 'Conv9d' is unknown. Registered kinds: {string.Join(", ", LayerRegistry.Kinds)}.", e.Message);
        Assert.Equal(["AvgPool", "BatchNorm", "ClsPooling", "Conv1d", "Conv2d", "Dense", "Dropout", "Elu", "Embedding", "FeatureTokenizer", "Flatten", "Gelu", "GlobalAveragePool", "Gru", "LayerNorm", "LeakyRelu", "Lstm", "MaxPool", "MultiHeadSelfAttention", "PeriodicEmbedding", "PiecewiseLinearEncoding", "Relu", "Residual", "Sequential", "Sigmoid", "Silu", "Tanh", "TransformerBlock"],
            LayerRegistry.Kinds.Where(k => k != "Scale"));
        e = Assert.Throws<LayerJsonException>(() => LayerJson.Read(JsonNode.Parse("{\"kind\":\"Dense\"}")));
        Assert.Equal("LayerJson: the Dense layer {\"kind\":\"Dense\"} cannot be read (field 'units' is missing; expected the fields LayerSpec.WriteJson writes for kind Dense).", e.Message);
    }

    [Fact]
    public void RegistryFindsCoreKindsAndTakesOutsideOnes()
    {
        // Every kind that reads as an activation from generic fields is one of ActivationKind's names (kinds whose fields
        // differ in type, such as Conv1d's scalar "stride", fail to read from this object and are not activations).
        static bool ReadsAsActivation(string kind)
        {
            try
            {
                return LayerJson.Read(new JsonObject { ["kind"] = kind, ["units"] = 1, ["hiddenSize"] = 1, ["rate"] = 0.1, ["epsilon"] = 1e-5, ["momentum"] = 0.1, ["outChannels"] = 1, ["kernel"] = new JsonArray(1, 1), ["stride"] = new JsonArray(1, 1), ["padding"] = new JsonArray(0, 0), ["dilation"] = new JsonArray(1, 1), ["layers"] = new JsonArray(), ["body"] = new JsonObject { ["kind"] = "Flatten" },
            ["cardinality"] = 1, ["dimension"] = 1, ["heads"] = 1, ["frequencies"] = 1, ["bins"] = 1,
            ["attention"] = new JsonObject { ["kind"] = "Residual", ["body"] = new JsonObject { ["kind"] = "Flatten" } }, ["ffn"] = new JsonObject { ["kind"] = "Residual", ["body"] = new JsonObject { ["kind"] = "Flatten" } } }) is ActivationLayer;
            }
            catch (LayerJsonException)
            {
                return false;
            }
        }
        Assert.Equal(Enum.GetNames<ActivationKind>().Order(), LayerRegistry.Kinds.Where(ReadsAsActivation).Order());
        Assert.False(LayerRegistry.IsRegistered("Scale"));
        LayerRegistry.Register(typeof(ScaleLayer));
        LayerRegistry.Register(typeof(ScaleLayer)); // again: no-op
        Assert.Equal(new ScaleLayer(2.5), LayerJson.Read(JsonNode.Parse("{\"kind\":\"Scale\",\"factor\":2.5}")));
        var e = Assert.Throws<ArgumentException>(() => LayerRegistry.Register(typeof(OtherDense)));
        Assert.StartsWith("LayerRegistry: kind 'Dense' is already registered by DeepML.DenseLayer; DeepML.Core.Tests.LayerTrees.LayerTreeTests+OtherDense cannot take it.", e.Message);
        e = Assert.Throws<ArgumentException>(() => LayerRegistry.Register(typeof(string)));
        Assert.StartsWith("LayerRegistry: System.String is not a concrete LayerSpec", e.Message);
    }

    [LayerKind("Scale")]
    private sealed record ScaleLayer(double Factor) : LayerSpec
    {
        public override string Kind => "Scale";
        public override TensorShape OutputShape(TensorShape input) => input;
        public override void WriteJson(JsonObject json) => json["factor"] = Factor;
        public static LayerSpec ReadJson(JsonObject json) => new ScaleLayer(LayerJson.Double(json, "factor"));
    }

    [LayerKind("Dense")]
    private sealed record OtherDense : LayerSpec
    {
        public override string Kind => "Dense";
        public override TensorShape OutputShape(TensorShape input) => input;
        public static LayerSpec ReadJson(JsonObject json) => new OtherDense();
    }
}
