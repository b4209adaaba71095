using DeepML.Core.Tests.Onnx;
using DeepML.Persistence;
using Xunit;

namespace DeepML.Core.Tests.Persistence;

/// <summary>The network rebuilt from an exported ONNX model computes bit-identical outputs.</summary>
public sealed class OnnxNetworkReaderTests
{
    public static TheoryData<string, LayerSpec[]> Networks => new()
    {
        { "dense-bn-relu-dropout", [new DenseLayer(9), new BatchNormLayer(), new ActivationLayer(ActivationKind.Relu), new DropoutLayer(0.3), new DenseLayer(3)] },
        { "bn-first (unfolded)", [new BatchNormLayer(), new DenseLayer(7, useBias: false), new DropoutLayer(0.1), new BatchNormLayer(), new ActivationLayer(ActivationKind.Tanh), new DenseLayer(3)] },
        { "gelu-silu-leaky", [new DenseLayer(8), new ActivationLayer(ActivationKind.Gelu), new DenseLayer(8), new ActivationLayer(ActivationKind.Silu), new DenseLayer(5), new ActivationLayer(ActivationKind.LeakyRelu, 0.1), new DenseLayer(3)] },
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void RebuiltModelExportsToTheSameFunction(string name, LayerSpec[] layers)
    {
        var original = TestModels.Model(PredictionKind.MulticlassClassification, 5, 21, layers);
        var onnx = OnnxExporter.Export(original);
        var rebuilt = OnnxNetworkReader.Read(onnx);

        Assert.Equal(original.Task, rebuilt.Task);
        Assert.Equal(original.ClassNames, rebuilt.ClassNames);
        Assert.Equal(original.FeatureColumnName, rebuilt.FeatureColumnName);
        Assert.DoesNotContain(rebuilt.Spec.Layers, l => l is DropoutLayer);
        const int rows = 64;
        var x = TestModels.Inputs(rows, 5, 3);
        float[] Run(byte[] model)
        {
            using var predictor = new OrtBatchPredictor(model);
            var y = new float[rows * 3];
            predictor.Predict(x, rows, y);
            return y;
        }
        PersistenceFixtures.AssertBits(Run(onnx), Run(OnnxExporter.Export(rebuilt)), name);
    }

    [Fact]
    public void ModelWithoutAWeightIsAFormatErrorNamingIt()
    {
        var model = TestModels.Model(PredictionKind.Regression, 4, 1, new DenseLayer(3), new ActivationLayer(ActivationKind.Relu), new DenseLayer(1));
        var onnx = OnnxExporter.Export(model);
        var renamed = System.Text.Encoding.ASCII.GetBytes("2.weight");
        var at = onnx.AsSpan().LastIndexOf(renamed); // nodes come first in the graph, initializers after them
        Assert.True(at > 0);
        onnx[at] = (byte)'7'; // the initializer is now '7.weight'
        var error = Assert.Throws<FormatException>(() => OnnxNetworkReader.Read(onnx));
        Assert.Contains("'2.weight' is missing", error.Message);
    }
}
