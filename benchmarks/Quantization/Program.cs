// CPU latency of float vs int8 DeepML networks, side by side in one run, with ONNX Runtime sessions as the scorer opens them
// (ORT_ENABLE_ALL) on a fixed number of intra-op threads: one Run of batch 1 and one Run of batch 256, each the median of
// repeated timed runs after a warm-up. Models: random-weight MLPs (the weights' values do not change int8 kernel speed).
// Usage: dotnet run -c Release --project benchmarks/Quantization [-- --threads 1 --hidden 512,256 --inputs 108 --seconds 1]
using System.Diagnostics;
using System.Runtime.InteropServices;
using DeepML;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;

var threads = Arg("--threads", 1);
var inputs = Arg("--inputs", 108);
var seconds = Arg("--seconds", 1);
var hidden = (ArgText("--hidden") ?? "512,256").Split(',').Select(int.Parse).ToArray();
OnnxRuntimeNative.Initialize();
Console.WriteLine($"Machine: {Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}; ORT intra-op threads {threads}");

var ml = new MLContext(1);
var spec = Networks.Mlp(hidden).Bind(inputs, new DenseLayer(1));
var random = new Random(1);
var weights = new NetworkWeights(spec, spec.WeightShapes().ToDictionary(w => w.Name, w =>
{
    var count = w.Shape.Aggregate(1, (a, b) => a * b);
    var bound = w.Shape.Length > 1 ? 1.5 / Math.Sqrt(w.Shape[1]) : 0.1;
    return new WeightArray(Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2 - 1) * bound)).ToArray(), w.Shape);
}));
var model = new NetworkModel(weights, PredictionKind.BinaryClassification, "Features");
using var fitted = new NetworkScoringTransformer(ml, model, new OrtBatchPredictor(OnnxExporter.Export(model)));
var calibration = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 512).Select(_ => new Row { Features = Row.Random(random, inputs) }),
    Row.Schema(inputs));

var variants = new (string Name, QuantizationOptions? Options)[]
{
    ("float", null),
    ("int8 dynamic, per row", new QuantizationOptions()),
    ("int8 dynamic, per batch (ORT quantize_dynamic)", new QuantizationOptions { DynamicScale = DynamicActivationScale.PerBatch }),
    ("int8 static QDQ, MinMax", new QuantizationOptions { Method = QuantizationMethod.Static }),
};
Console.WriteLine($"Model: {spec}");
Console.WriteLine($"{"variant",-48} | {"ONNX bytes",10} | {"batch 1 (µs/run)",17} | {"batch 256 (µs/run)",18} | {"vs float b1",11} | {"vs float b256",13} | max |Δ| vs float (256 rows)");
double? float1 = null, float256 = null;
float[]? reference = null;
foreach (var (name, options) in variants)
{
    var onnx = options is null ? fitted.ExportOnnx() : ml.DeepML().Compression.Quantize(fitted, calibration, options).Transformer.ExportOnnx();
    using var so = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpNumThreads = threads, InterOpNumThreads = 1 };
    using var session = new InferenceSession(onnx, so);
    var (t1, _) = Time(session, 1);
    var (t256, output) = Time(session, 256);
    reference ??= output;
    float1 ??= t1;
    float256 ??= t256;
    var diff = output.Zip(reference, (a, b) => Math.Abs(a - b)).Max();
    Console.WriteLine($"{name,-48} | {onnx.Length,10:N0} | {t1 * 1e6,17:F1} | {t256 * 1e6,18:F1} | {float1 / t1,10:F2}x | {float256 / t256,12:F2}x | {diff:E2}");
}

(double Seconds, float[] Output) Time(InferenceSession session, int rows)
{
    var x = new float[rows * inputs];
    var r = new Random(rows);
    for (var i = 0; i < x.Length; i++)
        x[i] = (float)(r.NextDouble() * 4 - 2);
    using var input = OrtValue.CreateTensorValueFromMemory(x, [rows, inputs]);
    using var run = new RunOptions();
    string[] names = [session.InputNames[0]];
    string[] outputs = [session.OutputNames[0]];
    float[] Once()
    {
        using var result = session.Run(run, names, [input], outputs);
        return result[0].GetTensorDataAsSpan<float>().ToArray();
    }
    var output = Once();
    for (var i = 0; i < 20; i++)
        Once();
    var samples = new List<double>();
    var total = Stopwatch.StartNew();
    while (total.Elapsed.TotalSeconds < seconds || samples.Count < 20)
    {
        var watch = Stopwatch.StartNew();
        Once();
        samples.Add(watch.Elapsed.TotalSeconds);
    }
    samples.Sort();
    return (samples[samples.Count / 2], output);
}

int Arg(string name, int fallback) => ArgText(name) is { } v ? int.Parse(v) : fallback;

string? ArgText(string name)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
}

internal sealed class Row
{
    public float[] Features { get; set; } = [];

    public static float[] Random(Random random, int n) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();

    public static SchemaDefinition Schema(int n)
    {
        var definition = SchemaDefinition.Create(typeof(Row));
        definition["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, n);
        return definition;
    }
}
