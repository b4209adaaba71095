using Xunit;

namespace DeepML.Core.Tests.LayerTrees;

/// <summary>
/// Shape inference of the attention and tabular-embedding kinds: closed-form output and weight shapes, and the
/// rejection messages (path and both shapes), plus the PLE quantile bins in closed form.
/// </summary>
public sealed class TabularLayerShapeTests
{
    [Fact]
    public void FtTransformerShapesFollowTheTokenCount()
    {
        // 6 features, slots 1 and 4 categorical (2 and 3 keys): tokens = 1 (CLS) + 6 = 7, d = 8.
        var spec = Networks.FtTransformer(dimension: 8, blocks: 2, heads: 2, categoricalSlots: [1, 4], cardinalities: [2, 3]).Bind(6, new DenseLayer(1));
        Assert.Equal(new TensorShape(7, 8), new FeatureTokenizerLayer(8, [1, 4], [2, 3]).OutputShape(new TensorShape(6)));
        Assert.Equal(new TensorShape(1), spec.OutputShape);
        var weights = spec.WeightShapes().ToDictionary(w => w.Name, w => w.Shape);
        Assert.Equal([8], weights["0.cls"]);
        Assert.Equal([4, 8], weights["0.numeric_weight"]);
        Assert.Equal([2 + 1 + 3 + 1, 8], weights["0.category_embeddings"]); // one unknown-key row per slot
        Assert.Equal([2, 8], weights["0.category_bias"]);
        Assert.Equal([8, 8], weights["1.attention.body.0.query.weight"]); // first block: no layer norm before attention
        Assert.Equal([8], weights["2.attention.body.0.weight"]);           // later blocks: LayerNorm first
        Assert.Equal([8, 8], weights["2.attention.body.1.output.weight"]);
        Assert.Equal([16, 8], weights["2.ffn.body.1.weight"]);
        Assert.Equal([8, 16], weights["2.ffn.body.4.weight"]); // LN, Dense, Gelu, Dropout(0.1), Dense
        Assert.Equal([1, 8], weights["6.weight"]); // head after ClsPooling, LayerNorm, Relu
        Assert.Equal(new long[] { 0, 3 }, new FeatureTokenizerLayer(8, [1, 4], [2, 3]).CategoryOffsets());
    }

    [Fact]
    public void NumericEmbeddingsFlattenTheEmbeddedSlotsAndAppendTheOthers()
    {
        Assert.Equal(new TensorShape(3 * 4 + 2), new PeriodicEmbeddingLayer(6, 4, slots: [0, 2, 3]).OutputShape(new TensorShape(5)));
        Assert.Equal([("frequencies", new[] { 3, 6 }), ("weight", new[] { 3, 4, 12 }), ("bias", new[] { 3, 4 })],
            new PeriodicEmbeddingLayer(6, 4, slots: [0, 2, 3]).WeightShapes(new TensorShape(5)).ToArray());
        Assert.Equal(new TensorShape(5 * 8), new PiecewiseLinearEncodingLayer(8).OutputShape(new TensorShape(5)));
        Assert.Equal(new TensorShape(3, 4, 6), new EmbeddingLayer(10, 6).OutputShape(new TensorShape(3, 4)));
        Assert.Equal(new TensorShape(6), new ClsPoolingLayer().OutputShape(new TensorShape(4, 6)));
    }

    [Fact]
    public void RejectionsNameThePathAndBothShapes()
    {
        var e = Assert.Throws<LayerShapeException>(() => new NetworkSpec([new FeatureTokenizerLayer(6), new TransformerBlockLayer(4, 8, 6)], new TensorShape(3)));
        Assert.Equal("NetworkSpec: layer 1.attention.body.1 (MultiHeadSelfAttention) cannot take an input of shape [4, 6]; it expects [T, d] with d divisible by heads = 4. Choose a token dimension that is a multiple of 4, or another number of heads.", e.Message);
        e = Assert.Throws<LayerShapeException>(() => new NetworkSpec([new MultiHeadSelfAttentionLayer(2)], new TensorShape(8)));
        Assert.Equal("NetworkSpec: layer 0 (MultiHeadSelfAttention) cannot take an input of shape [8]; it expects a sequence [T, d]. Put a FeatureTokenizer (or another layer giving [T, d]) before it.", e.Message);
        e = Assert.Throws<LayerShapeException>(() => new NetworkSpec([new DenseLayer(4), new FeatureTokenizerLayer(8, [5], [3])], new TensorShape(9)));
        Assert.Equal("NetworkSpec: layer 1 (FeatureTokenizer) cannot take an input of shape [4]; it expects [F] with F > 5 (the last categorical slot). Give slot indices inside the feature vector.", e.Message);
        e = Assert.Throws<LayerShapeException>(() => new NetworkSpec([new ClsPoolingLayer()], new TensorShape(2, 3, 4)));
        Assert.Equal("NetworkSpec: layer 0 (ClsPooling) cannot take an input of shape [2, 3, 4]; it expects a sequence [T, d]. Put a FeatureTokenizer (or another layer giving [T, d]) before it.", e.Message);
        e = Assert.Throws<LayerShapeException>(() => new NetworkSpec([new PeriodicEmbeddingLayer(2, 2, slots: [7])], new TensorShape(4)));
        Assert.Equal("NetworkSpec: layer 0 (PeriodicEmbedding) cannot take an input of shape [4]; it expects [F] with F > 7 (the last embedded slot). Give slot indices inside the feature vector.", e.Message);
        e = Assert.Throws<LayerShapeException>(() => new NetworkSpec([new PiecewiseLinearEncodingLayer(4)], new TensorShape(2, 2)));
        Assert.Equal("NetworkSpec: layer 0 (PiecewiseLinearEncoding) cannot take an input of shape [2, 2]; it expects a feature vector [F]. Use the embedding as the first layer on tabular features.", e.Message);
    }

    [Fact]
    public void InvalidArgumentsNameTheParameter()
    {
        Assert.Equal("heads", Assert.Throws<ArgumentException>(() => new MultiHeadSelfAttentionLayer(0)).ParamName);
        Assert.Equal("dropout", Assert.Throws<ArgumentException>(() => new MultiHeadSelfAttentionLayer(2, 1.0)).ParamName);
        Assert.Equal("cardinalities", Assert.Throws<ArgumentException>(() => new FeatureTokenizerLayer(4, [0, 1], [3])).ParamName);
        Assert.Equal("categoricalSlots", Assert.Throws<ArgumentException>(() => new FeatureTokenizerLayer(4, [2, 1], [3, 3])).ParamName);
        Assert.Equal("sigma", Assert.Throws<ArgumentException>(() => new PeriodicEmbeddingLayer(2, 2, sigma: 0)).ParamName);
        Assert.Equal("slots", Assert.Throws<ArgumentException>(() => new PiecewiseLinearEncodingLayer(4, [])).ParamName);
        Assert.Equal("cardinality", Assert.Throws<ArgumentException>(() => new EmbeddingLayer(0, 2)).ParamName);
        Assert.Equal("dimension", Assert.Throws<ArgumentException>(() => Networks.FtTransformer(dimension: 10, heads: 4)).ParamName);
    }

    [Fact]
    public void PiecewiseLinearBinsAreTheTrainingQuantilesWithTiesMerged()
    {
        // 0, 1, ..., 100 in slot 0 and a slot that is 0 except for its last 10 values (like capital gain): 4 bins.
        var rows = 101;
        var values = new float[rows * 2];
        for (var r = 0; r < rows; r++)
        {
            values[2 * r] = r;
            values[2 * r + 1] = r >= 91 ? 5 : 0;
        }
        Assert.Equal([0.0, 25, 50, 75, 100], PiecewiseLinearEncodingLayer.QuantileEdges(Enumerable.Range(0, rows).Select(r => values[2 * r]), 4));
        var layer = new PiecewiseLinearEncodingLayer(4);
        var buffers = layer.FitBuffers(values, rows, new TensorShape(2));
        // Slot 0: lower 0, 25, 50, 75; scale 1/25; first bin open below, last open above.
        Assert.Equal([0f, 25, 50, 75], buffers["bin_lower"].Data[..4]);
        Assert.Equal(Enumerable.Repeat(0.04f, 4), buffers["bin_scale"].Data[..4]);
        Assert.Equal([-PiecewiseLinearEncodingLayer.Unbounded, 0, 0, 0], buffers["encoding_min"].Data[..4]);
        Assert.Equal([1f, 1, 1, PiecewiseLinearEncodingLayer.Unbounded], buffers["encoding_max"].Data[..4]);
        // Slot 1: quantiles 0, 0, 0, 0, 5 → edges {0, 5}: one bin (open on both sides), three unused bins that are always 0.
        Assert.Equal([0f, 0, 0, 0], buffers["bin_lower"].Data[4..]);
        Assert.Equal([0.2f, 0, 0, 0], buffers["bin_scale"].Data[4..]);
        Assert.Equal([-PiecewiseLinearEncodingLayer.Unbounded, 0, 0, 0], buffers["encoding_min"].Data[4..]);
        Assert.Equal([PiecewiseLinearEncodingLayer.Unbounded, 0, 0, 0], buffers["encoding_max"].Data[4..]);
    }
}
