// Side-by-side scoring throughput for an exported MLP (Adult-like: 108 → 128 → 64 → 1):
//   (a) one raw ONNX Runtime Run over all rows already in memory (the engine's limit),
//   (b) DeepML's OrtBatchPredictor in batches of 1024,
//   (c) ML.NET's ApplyOnnxModel transformer, cursoring an IDataView of the same rows,
// plus the single-row latency of OrtBatchPredictor.Predict(rows = 1); then (ScorerSection) the
// transformers on the same file: DeepML's NetworkScoringTransformer vs ApplyOnnxModel in bulk, their
// PredictionEngine latency, and memory across 1M single-row predictions.
// Usage: dotnet run -c Release --project benchmarks/Onnx [-- --device cuda:0 [--fallback] [--rows 16281,1000000] [--batch 1024] [--latency-calls 100000]]
// On a GPU device it also scores the first row set on the CPU and prints the largest difference.
using System.Diagnostics;
using System.Runtime.InteropServices;
using DeepML;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;

var options = BenchmarkArgs.Parse(args);
var info = OnnxRuntimeNative.Initialize(Console.WriteLine);
Console.WriteLine($"Machine: {Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, ORT managed {typeof(OrtEnv).Assembly.GetName().Version}");

const int inputs = 108;
var spec = Networks.Mlp([128, 64]).Bind(inputs, new DenseLayer(1));
var model = new NetworkModel(RandomWeights.For(spec, seed: 1), PredictionKind.BinaryClassification, "Features");
var onnx = OnnxExporter.Export(model);
var path = Path.Combine(Path.GetTempPath(), $"deepml-bench-{Environment.ProcessId}.onnx");
File.WriteAllBytes(path, onnx);
Console.WriteLine($"Model: {spec} ({onnx.Length / 1024} KiB ONNX), scoring device {options.Scoring.Device}{(options.Scoring.FallbackToCpu ? " (fallback allowed)" : "")}");

using var predictor = new OrtBatchPredictor(onnx, options.Scoring, log: Console.WriteLine);
Console.WriteLine($"OrtBatchPredictor: {predictor.Description}, batch {predictor.Options.BatchSize}");
Console.WriteLine();
Console.WriteLine($"{"rows",10} | {"(a) raw ORT Run",18} | {"(b) OrtBatchPredictor",22} | {"(c) ML.NET ApplyOnnxModel",26} | {"b/c",7} | {"b/a",6} | max |b−a|, |c−a|");

foreach (var rows in options.Rows)
{
    var x = new float[rows * inputs];
    var random = new Random(rows);
    for (var i = 0; i < x.Length; i++)
        x[i] = (float)(random.NextDouble() * 4 - 2);

    var (aSeconds, aOut) = Measure.RawRun(onnx, x, rows, inputs, options.Scoring);
    var bOut = new float[rows];
    predictor.Predict(x, Math.Min(rows, 2048), bOut);                // warm-up
    var bSeconds = Measure.Best(() => predictor.Predict(x, rows, bOut));
    var cSeconds = Measure.MlNet(path, x, rows, inputs, options.Scoring, out var cOut);

    var diff = 0f;
    for (var i = 0; i < rows; i++)
        diff = Math.Max(diff, Math.Max(Math.Abs(bOut[i] - aOut[i]), Math.Abs(cOut[i] - aOut[i])));
    string Rate(double s) => $"{rows / s,12:N0} rows/s";
    Console.WriteLine($"{rows,10:N0} | {Rate(aSeconds),18} | {Rate(bSeconds),22} | {Rate(cSeconds),26} | {cSeconds / bSeconds,6:F1}x | {aSeconds / bSeconds,5:F2}x | {diff:E1}");
    if (predictor.ExecutionProvider != "CPUExecutionProvider" && rows == options.Rows[0])
    {
        using var cpu = new OrtBatchPredictor(onnx, new ScoringOptions { BatchSize = options.Scoring.BatchSize });
        var cpuOut = new float[rows];
        cpu.Predict(x, rows, cpuOut);
        Console.WriteLine($"{predictor.ExecutionProvider} vs CPUExecutionProvider on {rows:N0} rows: max |difference| {bOut.Zip(cpuOut).Max(p => Math.Abs(p.First - p.Second)):E2}");
    }
}

var latency = Measure.SingleRow(predictor, inputs, options.LatencyCalls);
Console.WriteLine();
Console.WriteLine($"OrtBatchPredictor.Predict(rows = 1), {options.LatencyCalls:N0} calls: p50 {latency.P50:F1} µs, p99 {latency.P99:F1} µs, mean {latency.Mean:F1} µs");
ScorerSection.Run(path, inputs, options);
File.Delete(path);

internal sealed record BenchmarkArgs(int[] Rows, ScoringOptions Scoring, int LatencyCalls)
{
    public static BenchmarkArgs Parse(string[] args)
    {
        int[] rows = [16_281, 1_000_000];
        var device = "cpu";
        var fallback = false;
        var calls = 100_000;
        var batch = 1024;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--device": device = args[++i]; break;
                case "--fallback": fallback = true; break;
                case "--rows": rows = args[++i].Split(',').Select(int.Parse).ToArray(); break;
                case "--latency-calls": calls = int.Parse(args[++i]); break;
                case "--batch": batch = int.Parse(args[++i]); break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'. Expected --device cpu|cuda:N, --fallback, --rows N[,N...], --batch N, --latency-calls N.");
            }
        }
        return new BenchmarkArgs(rows, new ScoringOptions { Device = device, FallbackToCpu = fallback, BatchSize = batch }, calls);
    }
}
