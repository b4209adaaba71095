using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace DeepML.Estimators.Tests.Persistence;

/// <summary>
/// End to end: a real (tiny) trained pipeline — featurizer, normalizer, DeepML trainer — saved with
/// <c>ml.Model.Save</c> loads in a fresh <see cref="MLContext"/> with plain <c>ml.Model.Load</c> and with
/// <c>ml.DeepML().Model.Load</c>, with the same schema, bit-identical predictions and the same metrics.
/// </summary>
public sealed class TrainerPersistenceTests
{
    private static readonly string[] Animals = ["zebra", "ant", "moose"];

    public sealed class Row
    {
        public float A { get; set; }
        public float B { get; set; }
        public float C { get; set; }
        public string Animal { get; set; } = "";
        public bool Positive { get; set; }
        public float Target { get; set; }
    }

    public sealed class Scored
    {
        public float Score { get; set; }
    }

    public sealed class ScoredClasses
    {
        public float[] Score { get; set; } = [];
        public uint PredictedLabel { get; set; }
    }

    public static TheoryData<PredictionKind> Tasks => [PredictionKind.BinaryClassification, PredictionKind.MulticlassClassification, PredictionKind.Regression];

    [Theory]
    [MemberData(nameof(Tasks))]
    public void TrainedPipelineSavesAndLoadsWithIdenticalPredictionsAndMetrics(PredictionKind task)
    {
        var ml = new MLContext(seed: 7);
        var rows = Rows(400, seed: 1);
        var data = ml.Data.LoadFromEnumerable(rows);
        var options = new NeuralNetworkOptions
        {
            Network = Networks.Mlp([8], dropout: 0.1, batchNorm: true),
            Epochs = 3,
            BatchSize = 64,
            Seed = 3,
            LabelColumnName = task switch { PredictionKind.BinaryClassification => "Positive", PredictionKind.Regression => "Target", _ => "Label" },
        };
        IEstimator<ITransformer> pipeline = ml.Transforms.Concatenate("Features", "A", "B", "C")
            .Append(ml.Transforms.NormalizeMeanVariance("Features"));
        pipeline = task switch
        {
            PredictionKind.BinaryClassification => pipeline.Append(ml.DeepML().BinaryClassification.NeuralNetwork(options)),
            PredictionKind.Regression => pipeline.Append(ml.DeepML().Regression.NeuralNetwork(options)),
            _ => pipeline.Append(ml.Transforms.Conversion.MapValueToKey("Label", "Animal")).Append(ml.DeepML().MulticlassClassification.NeuralNetwork(options)),
        };
        var model = pipeline.Fit(data);
        var path = Path.Combine(Path.GetTempPath(), $"deepml-trainer-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, data.Schema, path);
            var expected = model.Transform(data);

            var plainContext = new MLContext(seed: 100);
            var plain = plainContext.Model.Load(path, out var schema);
            Assert.Equal(data.Schema.Select(c => c.Name), schema.Select(c => c.Name));
            var fastContext = new MLContext(seed: 200);
            var fast = fastContext.DeepML().Model.Load(path, out _);
            Assert.IsType<NetworkScoringTransformer>(((TransformerChain<ITransformer>)fast).Last());

            foreach (var (context, loaded) in new[] { (plainContext, plain), (fastContext, fast) })
            {
                var actual = loaded.Transform(data);
                Assert.Equal(Describe(expected.Schema), Describe(actual.Schema));
                switch (task)
                {
                    case PredictionKind.BinaryClassification:
                        Bits(expected.GetColumn<float>("Score"), actual.GetColumn<float>("Score"));
                        Bits(expected.GetColumn<float>("Probability"), actual.GetColumn<float>("Probability"));
                        Assert.Equal(expected.GetColumn<bool>("PredictedLabel"), actual.GetColumn<bool>("PredictedLabel"));
                        var b0 = ml.BinaryClassification.Evaluate(expected, "Positive");
                        var b1 = context.BinaryClassification.Evaluate(actual, "Positive");
                        Assert.Equal((b0.AreaUnderRocCurve, b0.Accuracy, b0.LogLoss), (b1.AreaUnderRocCurve, b1.Accuracy, b1.LogLoss));
                        Assert.True(b0.AreaUnderRocCurve > 0.7, $"AUC {b0.AreaUnderRocCurve}: the tiny network should learn the rule");
                        break;
                    case PredictionKind.MulticlassClassification:
                        Bits(expected.GetColumn<float[]>("Score").SelectMany(v => v), actual.GetColumn<float[]>("Score").SelectMany(v => v));
                        Assert.Equal(expected.GetColumn<uint>("PredictedLabel"), actual.GetColumn<uint>("PredictedLabel"));
                        VBuffer<ReadOnlyMemory<char>> keys = default;
                        actual.Schema["PredictedLabel"].GetKeyValues(ref keys);
                        VBuffer<ReadOnlyMemory<char>> labelKeys = default;
                        expected.Schema["Label"].GetKeyValues(ref labelKeys); // the training label's classes, in key order
                        Assert.Equal(labelKeys.DenseValues().Select(k => k.ToString()), keys.DenseValues().Select(k => k.ToString()));
                        Assert.Equal(Animals.Order(), keys.DenseValues().Select(k => k.ToString()).Order());
                        var m0 = ml.MulticlassClassification.Evaluate(expected);
                        var m1 = context.MulticlassClassification.Evaluate(actual);
                        Assert.Equal((m0.MicroAccuracy, m0.LogLoss), (m1.MicroAccuracy, m1.LogLoss));
                        var e0 = ml.Model.CreatePredictionEngine<Row, ScoredClasses>(model);
                        var e1 = context.Model.CreatePredictionEngine<Row, ScoredClasses>(loaded);
                        Bits(rows.Take(50).SelectMany(r => e0.Predict(r).Score), rows.Take(50).SelectMany(r => e1.Predict(r).Score));
                        Assert.Equal(rows.Take(50).Select(r => e0.Predict(r).PredictedLabel), rows.Take(50).Select(r => e1.Predict(r).PredictedLabel));
                        break;
                    default:
                        Bits(expected.GetColumn<float>("Score"), actual.GetColumn<float>("Score"));
                        var r0 = ml.Regression.Evaluate(expected, "Target");
                        var r1 = context.Regression.Evaluate(actual, "Target");
                        Assert.Equal((r0.RootMeanSquaredError, r0.RSquared), (r1.RootMeanSquaredError, r1.RSquared));
                        break;
                }
                if (task != PredictionKind.MulticlassClassification)
                {
                    var e0 = ml.Model.CreatePredictionEngine<Row, Scored>(model);
                    var e1 = context.Model.CreatePredictionEngine<Row, Scored>(loaded);
                    Bits(rows.Take(50).Select(r => e0.Predict(r).Score), rows.Take(50).Select(r => e1.Predict(r).Score));
                }
            }
            ((IDisposable)fast).Dispose();
        }
        finally
        {
            File.Delete(path);
            (model as IDisposable)?.Dispose();
        }
    }

    private static List<Row> Rows(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            float a = (float)random.NextDouble() * 2 - 1, b = (float)random.NextDouble() * 2 - 1, c = (float)random.NextDouble();
            return new Row
            {
                A = a, B = b, C = c,
                Positive = a + b > 0,
                Animal = a > 0.3f ? Animals[0] : b > 0 ? Animals[1] : Animals[2],
                Target = 2 * a - b + 0.5f * c,
            };
        }).ToList();
    }

    private static IEnumerable<string> Describe(DataViewSchema schema) => schema.Select(c => $"{c.Index}:{c.Name}:{c.Type}:{c.IsHidden}");

    private static void Bits(IEnumerable<float> expected, IEnumerable<float> actual) =>
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
}
