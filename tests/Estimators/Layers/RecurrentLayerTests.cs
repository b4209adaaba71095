using DeepML.Estimators.Tests.Trainers;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;
using static TorchSharp.torch;

namespace DeepML.Estimators.Tests.Layers;

/// <summary>
/// Lstm and Gru (their ONNX-vs-TorchSharp parity cases are in <see cref="LayerParityTests"/>): TorchSharp against a third, independent
/// implementation of PyTorch's documented equations in double precision (so gate order and the GRU reset
/// placement are checked against the formulas, not only between two exporters); training on a sequence
/// task with save/load through <c>ml.Model.Save/Load</c> and PredictionEngine; the declared-shape checks.
/// </summary>
[Collection(TorchTrainingCollection.Name)]
public sealed class RecurrentLayerTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const double Tolerance = 1e-5;

    [Theory]
    [InlineData("lstm-bidirectional-last")]
    [InlineData("lstm-stacked-bidirectional-sequences")]
    [InlineData("gru-stacked-bidirectional-last")]
    [InlineData("gru-sequences-dense")]
    public void TorchSharp_MatchesPyTorchsEquations_InDouble(string name)
    {
        TorchRuntime.EnsureLoaded();
        var body = LayerParityTests.Specs[name]; // the recurrent cases of the parity table
        var recurrent = (RecurrentLayer)body.Layers[0];
        var spec = new NetworkSpec([recurrent], body.InputShape).Bind(body.InputShape!);
        var weights = LayerParityTests.RandomWeights(spec, seed: 11);
        const int rows = 4;
        var features = Features(rows * spec.InputSize, seed: 5);
        var actual = Torch(spec, weights, features, rows, spec.OutputSize);
        var (steps, width) = (body.InputShape![0], body.InputShape[1]);
        for (var r = 0; r < rows; r++)
        {
            var x = Enumerable.Range(0, steps).Select(t => features.Skip(r * spec.InputSize + t * width).Take(width).Select(v => (double)v).ToArray()).ToArray();
            var expected = RecurrentReference.Forward(recurrent, weights, "0", x);
            for (var i = 0; i < expected.Length; i++)
                Assert.True(Math.Abs(expected[i] - actual[r * expected.Length + i]) <= Tolerance, $"{name}: row {r}, output {i}: equations {expected[i]:G9}, TorchSharp {actual[r * expected.Length + i]:G9}");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Presets_LearnASequenceTask_AndSaveAndLoad(bool gru)
    {
        // Label: did feature 0 sum to more than feature 1 over the 8 steps? Chance is 50 %; the recurrent state must integrate.
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(SumRows(500, 1), TestData.Definition<BinaryRow>(16));
        var test = ml.Data.LoadFromEnumerable(SumRows(300, 2), TestData.Definition<BinaryRow>(16));
        var network = gru ? Networks.Gru(12, bidirectional: true, denseUnits: [8]) : Networks.Lstm(12, numLayers: 2, denseUnits: [8], dropout: 0.1);
        var trainer = ml.DeepML().BinaryClassification.NeuralNetwork(new NeuralNetworkOptions
        {
            Network = network, InputShape = new TensorShape(8, 2), Epochs = 8, BatchSize = 32, LearningRate = 0.01, Seed = 4,
        });
        var model = trainer.Fit(train);
        var scored = model.Transform(test);
        var metrics = ml.BinaryClassification.Evaluate(scored);
        output.WriteLine($"{(gru ? "gru" : "lstm")}: test accuracy {metrics.Accuracy:P2}, AUC {metrics.AreaUnderRocCurve:F3}");
        Assert.True(metrics.Accuracy >= 0.85, $"test accuracy {metrics.Accuracy:P1}");

        var path = Path.Combine(Path.GetTempPath(), $"deepml-rnn-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, train.Schema, path);
            var probe = SumRows(40, 3).Select(r => new SequenceRow { Features = r.Features }).ToArray();
            var engine = ml.Model.CreatePredictionEngine<SequenceRow, BinaryScore>(model);
            var before = probe.Select(r => engine.Predict(r).Score).ToArray();
            foreach (var loaded in new[] { new MLContext(3).Model.Load(path, out _), new MLContext(4).DeepML().Model.Load(path, out _) })
            {
                var again = loaded.Transform(test);
                Assert.Equal(scored.GetColumn<float>("Score").Select(BitConverter.SingleToInt32Bits), again.GetColumn<float>("Score").Select(BitConverter.SingleToInt32Bits));
                var other = new MLContext(5).Model.CreatePredictionEngine<SequenceRow, BinaryScore>(loaded);
                Assert.Equal(before.Select(BitConverter.SingleToInt32Bits), probe.Select(r => BitConverter.SingleToInt32Bits(other.Predict(r).Score)));
                (loaded as IDisposable)?.Dispose();
            }
        }
        finally
        {
            File.Delete(path);
            model.Dispose();
        }
    }

    [Fact]
    public void DeclaredSequenceShape_ThatDoesNotFitTheColumn_FailsBeforeTraining()
    {
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(SumRows(20, 1), TestData.Definition<BinaryRow>(16));
        var trainer = ml.DeepML().BinaryClassification.NeuralNetwork(new NeuralNetworkOptions { Network = Networks.Lstm(4), InputShape = new TensorShape(8, 3), Epochs = 1 });
        var e = Assert.Throws<ArgumentException>(() => trainer.Fit(train));
        Assert.Equal("NeuralNetworkOptions: InputShape [8, 3] holds 24 values per example, but feature column 'Features' has 16 slots. Declare a shape whose dimensions multiply to 16, or resize the column (for example ResizeImages before ExtractPixels). (Parameter 'InputShape')", e.Message);
        Assert.Null(trainer.LastTraining);

        var early = Assert.Throws<ArgumentException>(() => ml.DeepML().BinaryClassification.NeuralNetwork(new NeuralNetworkOptions { Network = Networks.Gru(4), InputShape = new TensorShape(16) }));
        Assert.Equal("InputShape", early.ParamName); // at construction, before any data
        Assert.StartsWith("NetworkSpec: layer 0 (Gru) cannot take an input of shape [16]; it expects [T, F] (T steps of F features).", Assert.IsType<LayerShapeException>(early.InnerException).Message);

        var undeclared = ml.DeepML().BinaryClassification.NeuralNetwork(new NeuralNetworkOptions { Network = Networks.Lstm(4), Epochs = 1 });
        Assert.StartsWith("NetworkSpec: layer 0 (Lstm) cannot take an input of shape [16]; it expects [T, F]", Assert.Throws<LayerShapeException>(() => undeclared.Fit(train)).Message);
    }

    public sealed class SequenceRow
    {
        [VectorType(16)]
        public float[] Features { get; set; } = [];
    }

    public sealed class BinaryScore
    {
        public float Score { get; set; }
        public bool PredictedLabel { get; set; }
    }

    private static BinaryRow[] SumRows(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var x = Enumerable.Range(0, 16).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var difference = Enumerable.Range(0, 8).Sum(t => x[2 * t] - x[2 * t + 1]);
            return new BinaryRow { Features = x, Label = difference > 0 };
        }).ToArray();
    }

    private static float[] Features(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
    }

    private static float[] Torch(NetworkSpec spec, NetworkWeights weights, float[] features, int rows, int outputs)
    {
        using var network = TorchNetwork.Build(spec);
        TorchNetwork.Load(network, weights);
        network.eval();
        return TorchBatchPredictor.Forward(network, CPU, features, rows, spec.InputSize, outputs);
    }

}
