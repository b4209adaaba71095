using DeepML.Core.Tests.Onnx;
using DeepML.Onnx.Proto;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;

namespace DeepML.Core.Tests.Compression;

/// <summary>Hand-built networks, feature rows and ONNX helpers shared by the quantization tests.</summary>
internal static class QuantizationFixtures
{
    public const int Inputs = 16;

    public sealed class Row
    {
        public float[] Features { get; set; } = [];
    }

    /// <summary>16 → Dense(64) → ReLU → Dense(64) → ReLU → Dense(1): a binary MLP with random weights (U(±1.5/√in)).</summary>
    /// <remarks>The output bias is shifted so that the median logit over <see cref="Data"/>(512 rows, seed 7) is 0: both labels occur.</remarks>
    public static NetworkModel Mlp(int seed = 5, int hidden = 64)
    {
        var model = TestModels.Model(PredictionKind.BinaryClassification, Inputs, seed,
            new DenseLayer(hidden), new ActivationLayer(ActivationKind.Relu), new DenseLayer(hidden), new ActivationLayer(ActivationKind.Relu), new DenseLayer(1));
        var logits = OrtRunner.Run(OnnxExporter.Export(model), TestModels.Inputs(512, Inputs, 7), 512, Inputs)[OnnxNames.RawOutput(PredictionKind.BinaryClassification)];
        var median = logits.Order().ElementAt(logits.Length / 2);
        var arrays = model.Weights.Arrays.ToDictionary(p => p.Key, p => p.Value);
        arrays["4.bias"] = new WeightArray([arrays["4.bias"].Data[0] - median], [1]);
        return new NetworkModel(new NetworkWeights(model.Spec, arrays), PredictionKind.BinaryClassification, "Features");
    }

    /// <summary>
    /// Writes a quantized graph to <c>DEEPML_EXPORT_DIR</c> when it is set, for the independent ONNX checker
    /// (<c>scripts/check_onnx.py</c>: <c>onnx.checker.check_model(full_check=True)</c> and strict shape inference). Opt-in only.
    /// </summary>
    public static void ExportForChecker(string name, NetworkScoringTransformer quantized)
    {
        if (Environment.GetEnvironmentVariable("DEEPML_EXPORT_DIR") is { Length: > 0 } folder)
            File.WriteAllBytes(Path.Combine(Directory.CreateDirectory(folder).FullName, $"quantized-{name}.onnx"), quantized.ExportOnnx());
    }

    /// <summary>Rows of U(−2, 2) features in column "Features".</summary>
    public static IDataView Data(MLContext ml, int rows, int seed, int inputs = Inputs)
    {
        var x = TestModels.Inputs(rows, inputs, seed);
        var definition = SchemaDefinition.Create(typeof(Row));
        definition["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, inputs);
        return ml.Data.LoadFromEnumerable(x.Chunk(inputs).Select(r => new Row { Features = r }).ToArray(), definition);
    }

    public static NetworkScoringTransformer Fitted(MLContext ml, NetworkModel model) =>
        new(ml, model, new OrtBatchPredictor(OnnxExporter.Export(model)));

    public static ModelProto Parse(byte[] onnx) => ModelProto.Parser.ParseFrom(onnx);

    /// <summary>Runs <paramref name="onnx"/> with ONNX Runtime at <paramref name="level"/> and returns its first output.</summary>
    public static float[] Run(byte[] onnx, float[] features, int rows, int inputs, GraphOptimizationLevel level)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = level };
        using var session = new InferenceSession(onnx, options);
        using var input = OrtValue.CreateTensorValueFromMemory(features, [rows, inputs]);
        using var outputs = session.Run(new RunOptions(), [session.InputNames[0]], [input], [session.OutputNames[0]]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    public static float[] Features(IDataView data) => data.GetColumn<float[]>("Features").SelectMany(v => v).ToArray();
}
