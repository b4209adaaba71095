using Xunit;

namespace DeepML.Core.Tests.LayerTrees;

/// <summary>
/// Conv1d, MaxPool, AvgPool, GlobalAveragePool and the Cnn / ResNet presets: output shapes against the closed forms
/// (PyTorch's documented formulas), rejections that name the layer's path and both shapes, weight names and counts.
/// </summary>
public sealed class ConvolutionalLayerTests
{
    public static TheoryData<int, int, int, int, int, int> Conv1dCases => new()
    {
        // length, kernel, stride, padding, dilation, expected = ⌊(L + 2p − d(k−1) − 1)/s⌋ + 1
        { 20, 3, 1, 1, 1, 20 }, { 20, 5, 2, 2, 1, 10 }, { 20, 3, 1, 0, 3, 14 }, { 9, 9, 1, 0, 1, 1 }, { 11, 4, 3, 1, 1, 4 },
    };

    [Theory]
    [MemberData(nameof(Conv1dCases))]
    public void Conv1d_OutputLengthFollowsTheClosedForm(int length, int kernel, int stride, int padding, int dilation, int expected)
    {
        var conv = new Conv1dLayer(6, kernel, stride, padding, dilation, groups: 2);
        Assert.Equal(new TensorShape(6, expected), conv.OutputShape(new TensorShape(4, length)));
        Assert.Equal(["weight:6x2x" + kernel, "bias:6"], conv.WeightShapes(new TensorShape(4, length)).Select(w => $"{w.Name}:{string.Join("x", w.Shape)}"));
    }

    [Fact]
    public void Conv1d_RejectsShapesItCannotTake_NamingBoth()
    {
        var e = Assert.Throws<LayerShapeException>(() => new Conv1dLayer(4, 3).OutputShape(new TensorShape(1, 8, 8)));
        Assert.Equal("NetworkSpec: layer (Conv1d) cannot take an input of shape [1, 8, 8]; it expects [C, L]. Declare the input as [C, L] (NeuralNetworkOptions.InputShape), or use Conv2d for [C, H, W] and Dense for vectors.", e.Message);
        e = Assert.Throws<LayerShapeException>(() => new Conv1dLayer(4, 3, groups: 4).OutputShape(new TensorShape(6, 8)));
        Assert.Contains("cannot take an input of shape [6, 8]; it expects [C, L] with C a multiple of groups = 4", e.Message);
        e = Assert.Throws<LayerShapeException>(() => new NetworkSpec([new Conv1dLayer(4, 3), new Conv1dLayer(4, 7, dilation: 2)], new TensorShape(2, 10)));
        Assert.Equal("NetworkSpec: layer 1 (Conv1d) cannot take an input of shape [4, 8]; it expects [C, L] with L ≥ 13 (kernel 7, dilation 2, padding 0). Use a smaller kernel, more padding, or fewer downsampling layers before it.", e.Message);
        Assert.Equal("outChannels", Assert.Throws<ArgumentException>(() => new Conv1dLayer(0, 3)).ParamName);
        Assert.Equal("groups", Assert.Throws<ArgumentException>(() => new Conv1dLayer(6, 3, groups: 4)).ParamName);
        Assert.Equal("Conv1dLayer: dilation must be at least 1, got 0. (Parameter 'dilation')", Assert.Throws<ArgumentException>(() => new Conv1dLayer(6, 3, dilation: 0)).Message);
    }

    public static TheoryData<int, int, int?, int, int> PoolCases => new()
    {
        // size, kernel, stride (null = kernel), padding, expected = ⌊(size + 2p − k)/s⌋ + 1 (ceil_mode off)
        { 28, 2, null, 0, 14 }, { 7, 2, null, 0, 3 }, { 28, 3, 2, 1, 14 }, { 5, 3, 1, 1, 5 }, { 6, 3, 3, 0, 2 }, { 10, 4, 3, 2, 4 },
    };

    [Theory]
    [MemberData(nameof(PoolCases))]
    public void Pools_OutputSizeFollowsTheClosedForm_In1dAnd2d(int size, int kernel, int? stride, int padding, int expected)
    {
        foreach (LayerSpec pool in new LayerSpec[] { new MaxPoolLayer(kernel, stride, padding), new AvgPoolLayer(kernel, stride, padding) })
        {
            Assert.Equal(new TensorShape(3, expected, expected), pool.OutputShape(new TensorShape(3, size, size)));
            Assert.Equal(new TensorShape(3, expected), pool.OutputShape(new TensorShape(3, size)));
            Assert.Empty(pool.WeightShapes(new TensorShape(3, size)));
        }
        Assert.Equal(new TensorShape(2, 14, 3), new MaxPoolLayer(2).OutputShape(new TensorShape(2, 28, 7))); // axes independent
    }

    [Fact]
    public void Pools_RejectShapesAndOptions_NamingThem()
    {
        var e = Assert.Throws<LayerShapeException>(() => new NetworkSpec([new DenseLayer(4), new MaxPoolLayer(2)], new TensorShape(6)));
        Assert.Equal("NetworkSpec: layer 1 (MaxPool) cannot take an input of shape [4]; it expects [C, L] or [C, H, W]. Declare the input as [C, L] or [C, H, W] (NeuralNetworkOptions.InputShape); pooling needs spatial axes.", e.Message);
        e = Assert.Throws<LayerShapeException>(() => new NetworkSpec([new ResidualLayer(new SequentialLayer(new AvgPoolLayer(3, 1, 1), new AvgPoolLayer(5)))], new TensorShape(2, 4, 4)));
        Assert.Equal("NetworkSpec: layer 0.body.1 (AvgPool) cannot take an input of shape [2, 4, 4]; it expects spatial sizes ≥ 5 (kernel 5, padding 0). Use a smaller kernel, more padding, or fewer downsampling layers before it.", e.Message);
        Assert.Equal("MaxPoolLayer: padding must be in [0, kernelSize / 2] = [0, 1] (as in PyTorch), got 2. (Parameter 'padding')", Assert.Throws<ArgumentException>(() => new MaxPoolLayer(3, 1, 2)).Message);
        Assert.Equal("kernelSize", Assert.Throws<ArgumentException>(() => new AvgPoolLayer(0)).ParamName);
        Assert.Equal("stride", Assert.Throws<ArgumentException>(() => new AvgPoolLayer(2, 0)).ParamName);
        Assert.Equal("MaxPool(3, stride 2, pad 1)", new MaxPoolLayer(3, 2, 1).ToString());
        Assert.Equal("AvgPool(2)", new AvgPoolLayer(2).ToString());
        Assert.Equal("AvgPool(3, stride 1, pad 1, exclude pad)", new AvgPoolLayer(3, 1, 1, countIncludePad: false).ToString());
    }

    [Fact]
    public void GlobalAveragePool_KeepsTheChannels_AndRejectsVectors()
    {
        Assert.Equal(new TensorShape(64), new GlobalAveragePoolLayer().OutputShape(new TensorShape(64, 7, 7)));
        Assert.Equal(new TensorShape(5), new GlobalAveragePoolLayer().OutputShape(new TensorShape(5, 11)));
        var e = Assert.Throws<LayerShapeException>(() => new NetworkSpec([new FlattenLayer(), new GlobalAveragePoolLayer()], new TensorShape(2, 3, 3)));
        Assert.Equal("NetworkSpec: layer 1 (GlobalAveragePool) cannot take an input of shape [18]; it expects [C, L] or [C, H, W]. Global pooling needs channels and spatial axes; declare the input as [C, H, W] (NeuralNetworkOptions.InputShape).", e.Message);
    }

    [Fact]
    public void CnnPreset_On28x28_HasTheDocumentedShapesAndWeightCount()
    {
        var spec = Networks.Cnn().Bind(new TensorShape(1, 28, 28), new DenseLayer(10));
        Assert.Equal("[1, 28, 28] → Conv2d(32, 3x3, pad 1x1) → BatchNorm → Relu → MaxPool(2) → Conv2d(64, 3x3, pad 1x1) → BatchNorm → Relu → MaxPool(2) → Flatten → Dense(128) → Relu → Dropout(0.25) → Dense(10)",
            spec.ToString());
        var shapes = LayerTree.Walk(spec.Root, spec.InputShape!).Select(l => l.Input.ToString()).ToList();
        Assert.Contains("[64, 7, 7]", shapes);
        Assert.Contains("[3136]", shapes);
        // 32·1·9 + 4·32 (BN) + 64·32·9 + 4·64 + 3136·128 + 128 + 128·10 + 10, counted by hand.
        Assert.Equal(288 + 128 + 18432 + 256 + 401408 + 128 + 1280 + 10, spec.WeightShapes().Sum(w => w.Shape.Aggregate(1, (a, b) => a * b)));
        var tooSmall = Assert.Throws<LayerShapeException>(() => Networks.Cnn([8, 8, 8]).Bind(new TensorShape(1, 4, 4), new DenseLayer(2)));
        Assert.Equal("11", tooSmall.LayerPath); // the third block's pool sees 1×1
        Assert.Equal("channels", Assert.Throws<ArgumentException>(() => Networks.Cnn([])).ParamName);
        Assert.Equal("kernelSize", Assert.Throws<ArgumentException>(() => Networks.Cnn(kernelSize: 4)).ParamName);
        Assert.Equal("dropout", Assert.Throws<ArgumentException>(() => Networks.Cnn(dropout: 1)).ParamName);
    }

    [Fact]
    public void ResNetPreset_On28x28_StagesHalveTheSize_AndProjectionsAppearWhereTheShapeChanges()
    {
        var spec = Networks.ResNet().Bind(new TensorShape(1, 28, 28), new DenseLayer(10));
        var blocks = LayerTree.Walk(spec.Root, spec.InputShape!).Where(l => l.Layer is ResidualLayer).ToList();
        Assert.Equal(["[16, 28, 28]", "[16, 28, 28]", "[32, 14, 14]"], blocks.Select(b => b.Input.ToString()));
        Assert.Equal([null, "shortcut", "shortcut"], blocks.Select(b => b.Layer.Children.Count > 1 ? b.Layer.Children[1].Name : null));
        Assert.Equal(["[16, 28, 28]", "[32, 14, 14]", "[64, 7, 7]"], blocks.Select(b => b.Layer.OutputShape(b.Input).ToString()));
        Assert.Equal(new TensorShape(64), LayerTree.Walk(spec.Root, spec.InputShape!).Single(l => l.Layer is GlobalAveragePoolLayer).Layer.OutputShape(new TensorShape(64, 7, 7)));
        // Names by path: block 4 (stage 2) = Sequential(Residual(body, shortcut), Relu).
        var names = spec.WeightShapes().ToDictionary(w => w.Name, w => string.Join("x", w.Shape));
        Assert.Equal("32x16x3x3", names["4.0.body.0.weight"]);
        Assert.Equal("32x16x1x1", names["4.0.shortcut.0.weight"]);
        Assert.Equal("32", names["4.0.shortcut.1.running_var"]);
        Assert.Equal("10x64", names["7.weight"]); // 0-2 stem, 3-5 blocks, 6 pool, 7 head
        Assert.False(names.ContainsKey("3.0.shortcut.0.weight")); // 16 → 16, stride 1: identity
        // Weights: stem 144 + 64; block 16→16: 2·2304 + 2·64; 16→32: 4608 + 9216 + 512 + 3·128; 32→64: 18432 + 36864 + 2048 + 3·256; head 650.
        Assert.Equal(144 + 64 + 4608 + 128 + 4608 + 9216 + 512 + 384 + 18432 + 36864 + 2048 + 768 + 650,
            spec.WeightShapes().Sum(w => w.Shape.Aggregate(1, (a, b) => a * b)));
        Assert.Equal("blocksPerStage", Assert.Throws<ArgumentException>(() => Networks.ResNet(blocksPerStage: 0)).ParamName);
        Assert.Equal("stride", Assert.Throws<ArgumentException>(() => Networks.BasicBlock(4, 4, 0)).ParamName);
    }
}
