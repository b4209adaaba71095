using System.Text.Json.Nodes;
using Xunit;

namespace DeepML.Core.Tests.LayerTrees;

/// <summary>Lstm and Gru descriptions: shapes (closed forms), PyTorch weight names and shapes, JSON, validation, presets.</summary>
public sealed class RecurrentLayerTests
{
    [Theory]
    [InlineData("{\"kind\":\"Lstm\",\"hiddenSize\":16,\"numLayers\":1,\"bidirectional\":false,\"returnSequences\":false,\"dropout\":0}")]
    [InlineData("{\"kind\":\"Lstm\",\"hiddenSize\":8,\"numLayers\":3,\"bidirectional\":true,\"returnSequences\":true,\"dropout\":0.25}")]
    [InlineData("{\"kind\":\"Gru\",\"hiddenSize\":5,\"numLayers\":2,\"bidirectional\":true,\"returnSequences\":false,\"dropout\":0.1}")]
    public void Json_RoundTrips(string json)
    {
        var layer = LayerJson.Read(JsonNode.Parse(json));
        Assert.Equal(json, LayerJson.Write(layer).ToJsonString());
        Assert.Equal(layer, LayerJson.Read(JsonNode.Parse(LayerJson.Write(layer).ToJsonString())));
        Assert.NotEqual<LayerSpec>(new LstmLayer(5, 2, true, dropout: 0.1), new GruLayer(5, 2, true, dropout: 0.1)); // same fields, other kind
    }

    [Fact]
    public void Json_OptionalFieldsTakePyTorchDefaults()
    {
        Assert.Equal(new GruLayer(7), LayerJson.Read(JsonNode.Parse("{\"kind\":\"Gru\",\"hiddenSize\":7}")));
    }

    [Theory]
    [InlineData(false, false, new[] { 6 })]        // last step: [H]
    [InlineData(true, false, new[] { 12 })]        // bidirectional last step: [2H]
    [InlineData(false, true, new[] { 10, 6 })]     // sequence: [T, H]
    [InlineData(true, true, new[] { 10, 12 })]     // bidirectional sequence: [T, 2H]
    public void OutputShape_IsHiddenTimesDirections(bool bidirectional, bool sequences, int[] expected)
    {
        Assert.Equal(new TensorShape(expected), new LstmLayer(6, 2, bidirectional, sequences).OutputShape(new TensorShape(10, 3)));
        Assert.Equal(new TensorShape(expected), new GruLayer(6, 1, bidirectional, sequences).OutputShape(new TensorShape(10, 3)));
    }

    [Fact]
    public void WeightShapes_ArePyTorchs_LayerByLayerAndDirection()
    {
        // nn.LSTM(3, 4, num_layers=2, bidirectional=True): weight_ih_l0 [16, 3], weight_hh_l0 [16, 4], biases [16];
        // layer 1 reads both directions, weight_ih_l1 [16, 8].
        var lstm = new NetworkSpec([new LstmLayer(4, 2, bidirectional: true)], new TensorShape(5, 3));
        Assert.Equal([
            "0.rnn.weight_ih_l0:16x3", "0.rnn.weight_hh_l0:16x4", "0.rnn.bias_ih_l0:16", "0.rnn.bias_hh_l0:16",
            "0.rnn.weight_ih_l0_reverse:16x3", "0.rnn.weight_hh_l0_reverse:16x4", "0.rnn.bias_ih_l0_reverse:16", "0.rnn.bias_hh_l0_reverse:16",
            "0.rnn.weight_ih_l1:16x8", "0.rnn.weight_hh_l1:16x4", "0.rnn.bias_ih_l1:16", "0.rnn.bias_hh_l1:16",
            "0.rnn.weight_ih_l1_reverse:16x8", "0.rnn.weight_hh_l1_reverse:16x4", "0.rnn.bias_ih_l1_reverse:16", "0.rnn.bias_hh_l1_reverse:16"],
            lstm.WeightShapes().Select(w => $"{w.Name}:{string.Join("x", w.Shape)}"));
        // nn.GRU(3, 4, num_layers=2): three gates, 12 rows; layer 1 reads H = 4.
        var gru = new NetworkSpec([new GruLayer(4, 2)], new TensorShape(5, 3));
        Assert.Equal(["0.rnn.weight_ih_l0:12x3", "0.rnn.weight_hh_l0:12x4", "0.rnn.bias_ih_l0:12", "0.rnn.bias_hh_l0:12",
            "0.rnn.weight_ih_l1:12x4", "0.rnn.weight_hh_l1:12x4", "0.rnn.bias_ih_l1:12", "0.rnn.bias_hh_l1:12"],
            gru.WeightShapes().Select(w => $"{w.Name}:{string.Join("x", w.Shape)}"));
        // Parameter count of PyTorch's nn.LSTM(3, 4, 2, bidirectional=True): 2·(16·3 + 16·4 + 32) + 2·(16·8 + 16·4 + 32) = 736.
        Assert.Equal(736, lstm.WeightShapes().Sum(w => w.Shape.Aggregate(1, (a, b) => a * b)));
    }

    [Fact]
    public void OutputShape_RejectsNonSequences_NamingPathAndBothShapes()
    {
        var e = Assert.Throws<LayerShapeException>(() => new NetworkSpec([new DenseLayer(4), new LstmLayer(8)], new TensorShape(12)).OutputShape);
        Assert.Equal("NetworkSpec: layer 1 (Lstm) cannot take an input of shape [4]; it expects [T, F] (T steps of F features). " +
            "Declare the input as [T, F] (NeuralNetworkOptions.InputShape = new TensorShape(steps, features)); a recurrent layer after another needs ReturnSequences = true on the first.", e.Message);
        // A second recurrent layer after one that returns the last step only gets [H]: the path goes into the residual body.
        var nested = Assert.Throws<LayerShapeException>(() => new NetworkSpec([new GruLayer(4), new ResidualLayer(new GruLayer(4))], new TensorShape(6, 2)).OutputShape);
        Assert.StartsWith("NetworkSpec: layer 1.body (Gru) cannot take an input of shape [4]; it expects [T, F]", nested.Message);
        Assert.Equal(new TensorShape(3), new NetworkSpec([new LstmLayer(4, returnSequences: true), new GruLayer(3)], new TensorShape(6, 2)).OutputShape);
    }

    [Fact]
    public void Constructor_NamesTheInvalidArgument()
    {
        Assert.Equal("LstmLayer: hiddenSize must be at least 1, got 0. (Parameter 'hiddenSize')", Assert.Throws<ArgumentException>(() => new LstmLayer(0)).Message);
        Assert.Equal("numLayers", Assert.Throws<ArgumentException>(() => new GruLayer(4, 0)).ParamName);
        Assert.Equal("GruLayer: dropout must be in [0, 1), got 1. (Parameter 'dropout')", Assert.Throws<ArgumentException>(() => new GruLayer(4, 2, dropout: 1)).Message);
        Assert.Equal("LstmLayer: dropout applies between stacked layers, but numLayers is 1 (dropout 0.5). Set numLayers to 2 or more, or add a DropoutLayer after this layer. (Parameter 'dropout')",
            Assert.Throws<ArgumentException>(() => new LstmLayer(4, dropout: 0.5)).Message);
    }

    [Fact]
    public void Presets_AreARecurrentEncoderAndADenseHeadBody()
    {
        var lstm = Networks.Lstm(32, numLayers: 2, bidirectional: true, denseUnits: [16], dropout: 0.2).Bind(new TensorShape(28, 28), new DenseLayer(10));
        Assert.Equal("[28, 28] → Lstm(32, 2 layers, bidirectional, dropout 0.2) → Dense(16) → Relu → Dropout(0.2) → Dense(10)", lstm.ToString());
        Assert.Equal(new TensorShape(10), lstm.OutputShape);
        var gru = Networks.Gru(8).Bind(new TensorShape(5, 2), new DenseLayer(1));
        Assert.Equal("[5, 2] → Gru(8) → Dense(1)", gru.ToString());
        Assert.Equal("Networks.Gru: every dense layer needs at least 1 unit, got 0. (Parameter 'denseUnits')", Assert.Throws<ArgumentException>(() => Networks.Gru(8, denseUnits: [0])).Message);
        Assert.Equal("hiddenSize", Assert.Throws<ArgumentException>(() => Networks.Lstm(0)).ParamName);
        Assert.Equal("dropout", Assert.Throws<ArgumentException>(() => Networks.Lstm(4, dropout: -0.1)).ParamName);
    }
}
