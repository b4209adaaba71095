using DeepML.Core.Tests.Onnx;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace DeepML.Core.Tests.Persistence;

/// <summary>Rows, models and comparisons shared by the persistence tests.</summary>
internal static class PersistenceFixtures
{
    public const int Inputs = 6;
    public const int Classes = 3;
    public static readonly string[] ClassNames = ["cat", "dog", "bird"];

    public sealed class Row
    {
        [VectorType(Inputs)]
        public float[] Raw { get; set; } = [];
        public bool BinaryLabel { get; set; }
        [KeyType(Classes)]
        public uint ClassLabel { get; set; }
        public float Target { get; set; }
        /// <summary>An input column named like an output: scoring hides it, as ML.NET's own scorers do.</summary>
        public float Score { get; set; }
    }

    /// <summary>A network with batch norm and dropout (folded and dropped by the exporter) reading column "Features".</summary>
    public static NetworkModel Model(PredictionKind task, int seed = 13)
    {
        var outputs = task == PredictionKind.MulticlassClassification ? Classes : 1;
        var spec = new NetworkSpec([new DenseLayer(12), new BatchNormLayer(), new ActivationLayer(ActivationKind.Relu), new DropoutLayer(0.2),
            new DenseLayer(8), new ActivationLayer(ActivationKind.Gelu), new DenseLayer(outputs)], Inputs);
        return new NetworkModel(TestModels.RandomWeights(spec, seed), task, "Features",
            task == PredictionKind.MulticlassClassification ? ClassNames : null);
    }

    public static IDataView Data(MLContext ml, int rows, int seed)
    {
        var x = TestModels.Inputs(rows, Inputs, seed);
        var random = new Random(seed);
        return ml.Data.LoadFromEnumerable(x.Chunk(Inputs).Select(r => new Row
        {
            Raw = r,
            BinaryLabel = random.Next(2) == 1,
            ClassLabel = (uint)random.Next(Classes) + 1,
            Target = (float)random.NextDouble(),
        }).ToArray());
    }

    /// <summary>The pipeline saved by the tests: a copy step, then the DeepML network (so the network is nested in a chain).</summary>
    public static TransformerChain<ITransformer> Pipeline(MLContext ml, IDataView data, NetworkModel model, ScoringOptions? options = null)
    {
        var copy = ml.Transforms.CopyColumns("Features", "Raw").Fit(data);
        var network = new NetworkScoringTransformer(ml, model, new OrtBatchPredictor(OnnxExporter.Export(model), options), options?.BatchSize ?? 1024);
        return new TransformerChain<ITransformer>(copy, network);
    }

    /// <summary>Saves <paramref name="model"/> with ml.Model.Save, loads it in a fresh MLContext, and deletes the file.</summary>
    public static (MLContext Fresh, ITransformer Loaded, DataViewSchema SavedSchema) SaveAndLoadFresh(MLContext ml, ITransformer model, DataViewSchema schema, int seed)
    {
        var path = TempPath(".zip");
        try
        {
            ml.Model.Save(model, schema, path);
            var fresh = new MLContext(seed);
            var loaded = fresh.Model.Load(path, out var savedSchema);
            return (fresh, loaded, savedSchema);
        }
        finally
        {
            File.Delete(path);
        }
    }

    public static string TempPath(string extension) => Path.Combine(Path.GetTempPath(), $"deepml-persist-{Guid.NewGuid():N}{extension}");

    /// <summary>Same column names, types, order and hidden flags; for key columns the same key values.</summary>
    public static void AssertSameSchema(DataViewSchema expected, DataViewSchema actual)
    {
        Assert.Equal(expected.Select(Describe), actual.Select(Describe));
        foreach (var column in expected.Where(c => c.Type is KeyDataViewType && !c.IsHidden && c.Annotations.Schema.GetColumnOrNull("KeyValues") != null))
            Assert.Equal(KeyValues(expected[column.Index]), KeyValues(actual[column.Index]));
    }

    public static string[] KeyValues(DataViewSchema.Column column)
    {
        VBuffer<ReadOnlyMemory<char>> values = default;
        column.GetKeyValues(ref values);
        return values.DenseValues().Select(v => v.ToString()).ToArray();
    }

    /// <summary>Every prediction column of two scored views holds the same bits in every row.</summary>
    public static void AssertSamePredictions(PredictionKind task, IDataView expected, IDataView actual)
    {
        switch (task)
        {
            case PredictionKind.BinaryClassification:
                AssertBits(expected.GetColumn<float>("Score"), actual.GetColumn<float>("Score"), "Score");
                AssertBits(expected.GetColumn<float>("Probability"), actual.GetColumn<float>("Probability"), "Probability");
                Assert.Equal(expected.GetColumn<bool>("PredictedLabel"), actual.GetColumn<bool>("PredictedLabel"));
                break;
            case PredictionKind.MulticlassClassification:
                AssertBits(expected.GetColumn<float[]>("Score").SelectMany(v => v), actual.GetColumn<float[]>("Score").SelectMany(v => v), "Score");
                Assert.Equal(expected.GetColumn<uint>("PredictedLabel"), actual.GetColumn<uint>("PredictedLabel"));
                break;
            default:
                AssertBits(expected.GetColumn<float>("Score"), actual.GetColumn<float>("Score"), "Score");
                break;
        }
    }

    public static void AssertBits(IEnumerable<float> expected, IEnumerable<float> actual, string what)
    {
        var e = expected.ToArray();
        var a = actual.ToArray();
        Assert.Equal(e.Length, a.Length);
        for (var i = 0; i < e.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(e[i]) != BitConverter.SingleToInt32Bits(a[i]))
                Assert.Fail($"{what}[{i}]: expected {e[i]:R}, got {a[i]:R} (not bit-identical).");
        }
    }

    private static string Describe(DataViewSchema.Column c) => $"{c.Index}:{c.Name}:{c.Type}:{(c.IsHidden ? "hidden" : "visible")}";
}
