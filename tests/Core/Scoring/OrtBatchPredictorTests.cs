using DeepML.Core.Tests.Onnx;
using DeepML.Onnx.Proto;
using Xunit;

namespace DeepML.Core.Tests.Scoring;

public sealed class OrtBatchPredictorTests
{
    private static readonly NetworkModel Model = TestModels.Model(PredictionKind.MulticlassClassification, 9, 17,
        new DenseLayer(20), new BatchNormLayer(), new ActivationLayer(ActivationKind.Gelu), new DropoutLayer(0.2), new DenseLayer(4));

    [Fact]
    public void PredictMatchesReferenceInOneRunAndInSmallBatches()
    {
        const int rows = 100;
        var x = TestModels.Inputs(rows, 9, 1);
        var expected = ReferenceNetwork.Forward(Model.Weights, x, rows);
        var bytes = OnnxExporter.Export(Model);

        using var whole = new OrtBatchPredictor(bytes);
        using var batched = new OrtBatchPredictor(bytes, new ScoringOptions { BatchSize = 7 });
        Assert.Equal((9, 4, "features", "logits"), (whole.InputSize, whole.OutputSize, whole.InputName, whole.OutputName));
        Assert.Equal("CPUExecutionProvider", whole.ExecutionProvider);
        Assert.StartsWith("ONNX Runtime 1.", whole.Description);

        var a = new float[rows * 4 + 3];
        a.AsSpan().Fill(-99f);
        whole.Predict(x, rows, a);
        var b = new float[rows * 4];
        batched.Predict(x, rows, b);
        TestModels.AssertClose(expected, a.AsSpan(0, rows * 4), "one run");
        Assert.Equal([-99f, -99f, -99f], a[^3..]);            // nothing written past rows × OutputSize
        Assert.Equal(a[..(rows * 4)], b);                        // batching does not change a value
    }

    [Fact]
    public void PredictFromFileNamedOutputAndFewerRowsThanTheArrays()
    {
        var path = Path.Combine(Path.GetTempPath(), $"deepml-pred-{Guid.NewGuid():N}.onnx");
        OnnxExporter.ExportToFile(Model, path);
        try
        {
            using var predictor = new OrtBatchPredictor(path, outputName: OnnxNames.Probabilities);
            var x = TestModels.Inputs(10, 9, 2);
            var probabilities = new float[10 * 4];
            predictor.Predict(x, 3, probabilities);
            var expected = ReferenceNetwork.Head(Model.Task, ReferenceNetwork.Forward(Model.Weights, x, 3), 4);
            TestModels.AssertClose(expected, probabilities.AsSpan(0, 12), "probabilities");
            Assert.All(probabilities[12..], v => Assert.Equal(0f, v));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void PredictFromManyThreadsMatchesSerial()
    {
        using var predictor = new OrtBatchPredictor(OnnxExporter.Export(Model), new ScoringOptions { BatchSize = 16 });
        var inputs = Enumerable.Range(0, 8).Select(i => TestModels.Inputs(50 + i, 9, 100 + i)).ToArray();
        var serial = inputs.Select(x => { var o = new float[x.Length / 9 * 4]; predictor.Predict(x, x.Length / 9, o); return o; }).ToArray();
        var parallel = new float[inputs.Length][];
        Parallel.For(0, inputs.Length * 25, new ParallelOptions { MaxDegreeOfParallelism = 8 }, k =>
        {
            var i = k % inputs.Length;
            var o = new float[serial[i].Length];
            predictor.Predict(inputs[i], inputs[i].Length / 9, o);
            Assert.Equal(serial[i], o);
            parallel[i] = o;
        });
        Assert.All(parallel, Assert.NotNull);
    }

    [Fact]
    public void PredictValidatesArguments()
    {
        using var predictor = new OrtBatchPredictor(OnnxExporter.Export(Model));
        Assert.Equal("OrtBatchPredictor: 2 rows need 18 feature values (9 per row), but the array holds 17. (Parameter 'features')",
            Assert.Throws<ArgumentException>(() => predictor.Predict(new float[17], 2, new float[8])).Message);
        Assert.Equal("OrtBatchPredictor: 2 rows need room for 8 outputs (4 per row), but the array holds 7. (Parameter 'outputs')",
            Assert.Throws<ArgumentException>(() => predictor.Predict(new float[18], 2, new float[7])).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => predictor.Predict(new float[18], 0, new float[8]));
    }

    [Fact]
    public void DisposeIsIdempotentAndUseAfterDisposeThrows()
    {
        var predictor = new OrtBatchPredictor(OnnxExporter.Export(Model));
        predictor.Dispose();
        predictor.Dispose();
        Assert.Throws<ObjectDisposedException>(() => predictor.Predict(new float[9], 1, new float[4]));
    }

    [Fact]
    public void ConstructionRejectsWrongShapesBeforeAnyRow()
    {
        // A graph whose input has a fixed batch of 1 and whose output is rank 1.
        var fixedBatch = Graph(g => { g.AddInput("x", 1L, 3L); g.AddOutput("y", 1L, 3L); g.Node("y", "Relu", ["x"], "y"); });
        var e = Assert.Throws<InvalidOperationException>(() => new OrtBatchPredictor(fixedBatch));
        Assert.StartsWith("OrtBatchPredictor: model input 'x' is Float [1, 3]; expected a float tensor [N, d1, ...] with a symbolic batch dimension N and fixed sizes after it.", e.Message);

        var twoInputs = Graph(g => { g.AddInput("a", "N", 3L); g.AddInput("b", "N", 3L); g.AddOutput("y", "N", 3L); g.Node("y", "Add", ["a", "b"], "y"); });
        Assert.StartsWith("OrtBatchPredictor: the model has 2 inputs ('a' Float [N, 3], 'b' Float [N, 3]); expected exactly one",
            Assert.Throws<InvalidOperationException>(() => new OrtBatchPredictor(twoInputs)).Message);

        Assert.Equal("OrtBatchPredictor: the model has no output 'Score'. Available outputs: 'logits' Float [N, 4], 'probabilities' Float [N, 4]. (Parameter 'outputName')",
            Assert.Throws<ArgumentException>(() => new OrtBatchPredictor(OnnxExporter.Export(Model), outputName: "Score")).Message);
        Assert.Contains("does not exist", Assert.Throws<FileNotFoundException>(() => new OrtBatchPredictor("/nonexistent/model.onnx")).Message);
    }

    [Fact]
    public void HigherRankTensorsArePassedAsFlattenedRows()
    {
        // An image-shaped model: x [N, 2, 2, 3] → Relu → y [N, 2, 2, 3]; rows travel flattened, row-major.
        var model = Graph(g => { g.AddInput("x", "N", 2L, 2L, 3L); g.AddOutput("y", "N", 2L, 2L, 3L); g.Node("y", "Relu", ["x"], "y"); });
        using var predictor = new OrtBatchPredictor(model, new ScoringOptions { BatchSize = 2 });
        Assert.Equal(12, predictor.InputSize);
        Assert.Equal(12, predictor.OutputSize);
        var x = Enumerable.Range(0, 36).Select(i => (float)(i % 5 - 2)).ToArray(); // 3 rows
        var y = new float[36];
        predictor.Predict(x, 3, y);
        Assert.Equal(x.Select(v => Math.Max(v, 0f)).ToArray(), y);
    }

    private static byte[] Graph(Action<OnnxGraph> build)
    {
        var graph = new OnnxGraph("test");
        build(graph);
        return graph.Encode(new OnnxModelHeader(8, 17, "test", "0", []));
    }
}
