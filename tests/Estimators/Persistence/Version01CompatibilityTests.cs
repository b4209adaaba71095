using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace DeepML.Estimators.Tests.Persistence;

/// <summary>
/// Files written by DeepML 0.1 (flat specs, hand-written ONNX encoder, folded and unfolded batch norms;
/// Fixtures/v0.1, see its README) still load after the move to layer trees and generated ONNX types,
/// and give the predictions they gave when they were written.
/// </summary>
[Collection(TorchTrainingCollection.Name)]
public sealed class Version01CompatibilityTests
{
    public sealed class Row
    {
        public float A { get; set; }
        public float B { get; set; }
        public float C { get; set; }
        public string Animal { get; set; } = "";
        public bool Positive { get; set; }
        public float Target { get; set; }
    }

    public static TheoryData<string> Models => ["binary", "multiclass", "regression", "bnfirst"];

    [Theory]
    [MemberData(nameof(Models))]
    public void SavedZipLoadsWithPlainAndDeepMLLoadAndPredictsAsWhenWritten(string name)
    {
        var (rows, expected) = Expected(name);
        foreach (var fast in new[] { false, true })
        {
            var ml = new MLContext(seed: 1);
            var model = fast ? ml.DeepML().Model.Load(Fixture(name + ".zip"), out _) : ml.Model.Load(Fixture(name + ".zip"), out _);
            if (fast)
                Assert.IsType<NetworkScoringTransformer>(((IEnumerable<ITransformer>)model).Last());
            AssertScores(expected, Scores(ml, model, rows, name), $"{name}.zip, {(fast ? "ml.DeepML().Model.Load" : "ml.Model.Load")}");
            (model as IDisposable)?.Dispose();
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void ExportedOnnxReadsBackAsInferenceFormAndPredictsAsWhenWritten(string name)
    {
        var (rows, expected) = Expected(name);
        var ml = new MLContext(seed: 1);
        using var network = ml.DeepML().Onnx.LoadNetwork(Fixture(name + ".onnx"));
        // 0.1 stored the training form; reading gives the inference form: no dropout, batch norm folded or kept as ε = 1 statistics.
        Assert.DoesNotContain(network.Model.Spec.Layers, l => l is DropoutLayer);
        Assert.Equal(name == "bnfirst" ? 1 : 0, network.Model.Spec.Layers.Count(l => l is BatchNormLayer));
        var features = ml.Transforms.Concatenate("Features", "A", "B", "C").Fit(ml.Data.LoadFromEnumerable(rows));
        var model = features.Append(network);
        AssertScores(expected, Scores(ml, model, rows, name), $"{name}.onnx");

        // Re-exported in format 2 and read again: the same network, weights named by path.
        var again = DeepML.Persistence.OnnxNetworkReader.Read(OnnxExporter.Export(network.Model));
        Assert.Equal(network.Model.Spec.ToString(), again.Spec.ToString());
        foreach (var (weight, array) in network.Model.Weights.Arrays)
            Assert.Equal(array.Data, again.Weights[weight].Data);
    }

    [Fact]
    public void CheckpointResumesAfterItsLastEpochAndGivesTheSavedModel()
    {
        var (rows, expected) = Expected("binary");
        var ml = new MLContext(seed: 7);
        var train = ml.Data.LoadFromEnumerable(Training());
        var options = new NeuralNetworkOptions
        {
            Network = Networks.Mlp([8], dropout: 0.1, batchNorm: true), Epochs = 3, BatchSize = 64,
            LabelColumnName = "Positive", ResumeFromCheckpoint = Fixture("binary.checkpoint"),
        };
        var trainer = ml.DeepML().BinaryClassification.NeuralNetwork(options);
        var model = ml.Transforms.Concatenate("Features", "A", "B", "C").Append(trainer).Fit(train);
        Assert.Equal(3, trainer.LastTraining!.EpochsRun);
        AssertScores(expected, Scores(ml, model, rows, "binary"), "binary.checkpoint resumed");
        model.Dispose();
    }

    private static float[][] Scores(MLContext ml, ITransformer model, List<Row> rows, string name)
    {
        var scored = model.Transform(ml.Data.LoadFromEnumerable(rows));
        return name == "multiclass"
            ? scored.GetColumn<float[]>("Score").ToArray()
            : scored.GetColumn<float>("Score").Select(v => new[] { v }).ToArray();
    }

    private static void AssertScores(float[][] expected, float[][] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Length, actual[i].Length);
            for (var k = 0; k < expected[i].Length; k++)
                Assert.True(BitConverter.SingleToInt32Bits(expected[i][k]) == BitConverter.SingleToInt32Bits(actual[i][k]),
                    $"{what}: row {i} output {k} is {actual[i][k]:R}, 0.1 gave {expected[i][k]:R}");
        }
    }

    private static (List<Row> Rows, float[][] Scores) Expected(string name)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Fixture("expected.json")));
        var rows = json.RootElement.GetProperty("rows").Deserialize<List<Row>>()!;
        var scores = json.RootElement.GetProperty(name).Deserialize<float[][]>()!;
        return (rows, scores);
    }

    /// <summary>The training rows the fixtures were fitted on (Generator.cs.txt's Rows(300, seed: 1)).</summary>
    private static List<Row> Training()
    {
        var random = new Random(1);
        string[] animals = ["zebra", "ant", "moose"];
        return Enumerable.Range(0, 300).Select(_ =>
        {
            float a = (float)random.NextDouble() * 2 - 1, b = (float)random.NextDouble() * 2 - 1, c = (float)random.NextDouble();
            return new Row { A = a, B = b, C = c, Positive = a + b > 0, Animal = a > 0.3f ? animals[0] : b > 0 ? animals[1] : animals[2], Target = 2 * a - b + 0.5f * c };
        }).ToList();
    }

    private static string Fixture(string file)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "Estimators", "Fixtures", "v0.1", file);
            if (File.Exists(candidate))
                return candidate;
        }
        throw new FileNotFoundException($"Fixture {file} not found under tests/Estimators/Fixtures/v0.1 above {AppContext.BaseDirectory}.");
    }
}
