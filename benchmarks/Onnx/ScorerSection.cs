using System.Diagnostics;
using DeepML;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;

/// <summary>
/// The transformer-level comparison, measured in the same run on the same ONNX file:
/// DeepML's <see cref="NetworkScoringTransformer"/> (from <c>ml.DeepML().Onnx.LoadNetwork</c>) against
/// ML.NET's <c>ApplyOnnxModel</c> — bulk scoring through an IDataView cursor, PredictionEngine single-row
/// latency (and a raw single-row ORT run as the floor), and memory across 1M single-row predictions.
/// </summary>
internal static class ScorerSection
{
    public static void Run(string path, int inputs, BenchmarkArgs options)
    {
        var ml = new MLContext(seed: 1);
        using var scorer = ml.DeepML().Onnx.LoadNetwork(path, options.Scoring);
        Console.WriteLine();
        Console.WriteLine($"Transformers on the same file: DeepML NetworkScoringTransformer ({scorer.Device}, batch {scorer.BatchSize}) vs ML.NET ApplyOnnxModel");
        Console.WriteLine($"{"rows",10} | {"DeepML transformer",22} | {"ML.NET ApplyOnnxModel",24} | {"ratio",7} | max |diff| logit");
        foreach (var rows in options.Rows)
        {
            var x = Inputs(rows, inputs, seed: rows);
            var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, rows).Select(r => new FeatureRow { Features = x.AsSpan(r * inputs, inputs).ToArray() }), Definition(inputs, "Features"));
            var scored = scorer.Transform(data);
            var deep = new float[rows];
            ReadScores(scored, deep, 1000);
            var deepSeconds = Measure.Best(() => ReadScores(scored, deep, int.MaxValue));
            var mlnetSeconds = Measure.MlNet(path, x, rows, inputs, options.Scoring, out var logits);
            var diff = deep.Zip(logits).Max(p => Math.Abs(p.First - p.Second));
            Console.WriteLine($"{rows,10:N0} | {rows / deepSeconds,13:N0} rows/s | {rows / mlnetSeconds,15:N0} rows/s | {mlnetSeconds / deepSeconds,6:F1}x | {diff:E1}");
        }

        var one = Inputs(1, inputs, seed: 5);
        var raw = RawSingleRun(File.ReadAllBytes(path), one, inputs, options.LatencyCalls);
        var deepEngine = ml.Model.CreatePredictionEngine<FeatureRow, ScoreRow>(scorer, inputSchemaDefinition: Definition(inputs, "Features"));
        var deepLatency = Latency(() => deepEngine.Predict(new FeatureRow { Features = one }), options.LatencyCalls);
        var onnx = ml.Transforms.ApplyOnnxModel([OnnxNames.Logits], [OnnxNames.Features], path)
            .Fit(ml.Data.LoadFromEnumerable(Array.Empty<FeatureRow>(), Definition(inputs, OnnxNames.Features)));
        var mlnetEngine = ml.Model.CreatePredictionEngine<FeatureRow, LogitRow>(onnx, inputSchemaDefinition: Definition(inputs, OnnxNames.Features));
        var mlnetLatency = Latency(() => mlnetEngine.Predict(new FeatureRow { Features = one }), options.LatencyCalls);
        onnx.Dispose();
        Console.WriteLine();
        Console.WriteLine($"Single row, {options.LatencyCalls:N0} calls          |   p50 µs |   p99 µs");
        Console.WriteLine($"raw ORT Run (pre-made OrtValues)     | {raw.P50,8:F1} | {raw.P99,8:F1}");
        Console.WriteLine($"DeepML PredictionEngine              | {deepLatency.P50,8:F1} | {deepLatency.P99,8:F1}");
        Console.WriteLine($"ML.NET ApplyOnnxModel PredictionEngine | {mlnetLatency.P50,6:F1} | {mlnetLatency.P99,8:F1}");
        Console.WriteLine($"DeepML vs ApplyOnnxModel (p50): {mlnetLatency.P50 / deepLatency.P50:F2}x faster; DeepML throughput vs a raw single ORT run (p50): {raw.P50 / deepLatency.P50:F2}x");

        Memory(deepEngine, one);
    }

    /// <summary>Managed heap and working set across 1M single-row predictions (after a 10k warm-up).</summary>
    private static void Memory(PredictionEngine<FeatureRow, ScoreRow> engine, float[] one)
    {
        var row = new FeatureRow { Features = one };
        for (var i = 0; i < 10_000; i++)
            engine.Predict(row);
        (long Managed, long WorkingSet) Sample()
        {
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true); // also returns freed pages to the OS
            GC.WaitForPendingFinalizers();
            var managed = GC.GetTotalMemory(forceFullCollection: true);
            using var process = Process.GetCurrentProcess();
            return (managed, process.WorkingSet64);
        }
        var start = Sample();
        for (var i = 0; i < 100_000; i++)
            engine.Predict(row);
        var at100k = Sample();
        for (var i = 100_000; i < 1_000_000; i++)
            engine.Predict(row);
        var at1m = Sample();
        static string Mb(long bytes) => $"{bytes / 1048576.0,8:F1} MB";
        static string Growth(long from, long to) => $"{100.0 * (to - from) / from:F2}% ({(to - from) / 1024.0:+0;-0} KB)";
        Console.WriteLine();
        Console.WriteLine("Memory, DeepML PredictionEngine, 1,000,000 single-row predictions");
        Console.WriteLine($"          | managed     | working set");
        Console.WriteLine($"start     | {Mb(start.Managed)} | {Mb(start.WorkingSet)}");
        Console.WriteLine($"100k      | {Mb(at100k.Managed)} | {Mb(at100k.WorkingSet)}");
        Console.WriteLine($"1M        | {Mb(at1m.Managed)} | {Mb(at1m.WorkingSet)}");
        Console.WriteLine($"growth start→1M: managed {Growth(start.Managed, at1m.Managed)}, working set {Growth(start.WorkingSet, at1m.WorkingSet)}; 100k→1M: managed {Growth(at100k.Managed, at1m.Managed)}, working set {Growth(at100k.WorkingSet, at1m.WorkingSet)}");
    }

    private static (double P50, double P99) RawSingleRun(byte[] onnx, float[] x, int inputs, int calls)
    {
        using var session = new InferenceSession(onnx);
        using var runOptions = new RunOptions();
        var y = new float[1];
        using var input = OrtValue.CreateTensorValueFromMemory(x, [1, inputs]);
        using var output = OrtValue.CreateTensorValueFromMemory(y, [1, 1]);
        string[] inputNames = [OnnxNames.Features], outputNames = [OnnxNames.Logits];
        OrtValue[] inputs1 = [input], outputs1 = [output];
        return Latency(() => session.Run(runOptions, inputNames, inputs1, outputNames, outputs1), calls);
    }

    private static (double P50, double P99) Latency(Action call, int calls)
    {
        for (var i = 0; i < 1000; i++)
            call();
        var micros = new double[calls];
        for (var i = 0; i < calls; i++)
        {
            var start = Stopwatch.GetTimestamp();
            call();
            micros[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }
        Array.Sort(micros);
        return (micros[calls / 2], micros[(int)(calls * 0.99)]);
    }

    private static void ReadScores(IDataView scored, float[] into, int limit)
    {
        using var cursor = scored.GetRowCursor([scored.Schema["Score"]]);
        var getter = cursor.GetGetter<float>(scored.Schema["Score"]);
        for (var i = 0; i < limit && cursor.MoveNext(); i++)
            getter(ref into[i]);
    }

    private static float[] Inputs(int rows, int inputs, int seed)
    {
        var random = new Random(seed);
        var x = new float[rows * inputs];
        for (var i = 0; i < x.Length; i++)
            x[i] = (float)(random.NextDouble() * 4 - 2);
        return x;
    }

    private static SchemaDefinition Definition(int inputs, string column)
    {
        var definition = SchemaDefinition.Create(typeof(FeatureRow));
        definition[0].ColumnName = column;
        definition[0].ColumnType = new VectorDataViewType(NumberDataViewType.Single, inputs);
        return definition;
    }

    public sealed class FeatureRow
    {
        public float[] Features { get; set; } = [];
    }

    public sealed class ScoreRow
    {
        public float Score { get; set; }
    }

    public sealed class LogitRow
    {
        [ColumnName(OnnxNames.Logits)]
        public float[] Logits { get; set; } = [];
    }
}
