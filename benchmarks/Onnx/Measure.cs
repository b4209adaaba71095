using System.Diagnostics;
using DeepML;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;

internal static class Measure
{
    public static double Time(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>The fastest of <paramref name="repeats"/> runs (the machine is shared; the minimum is the least disturbed).</summary>
    public static double Best(Action action, int repeats = 3) => Enumerable.Range(0, repeats).Min(_ => Time(action));

    /// <summary>(a) One InferenceSession.Run over every row (session created and warmed up outside the timing).</summary>
    public static (double Seconds, float[] Outputs) RawRun(byte[] onnx, float[] x, int rows, int inputs, ScoringOptions scoring)
    {
        using var so = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (scoring.DeviceId is int id && OnnxRuntimeNative.Initialize().HasCuda)
            OnnxRuntimeNative.AppendCuda(so, id);
        using var session = new InferenceSession(onnx, so);
        using var runOptions = new RunOptions();
        var outputs = new float[rows];
        void Run()
        {
            using var input = OrtValue.CreateTensorValueFromMemory(x, [rows, inputs]);
            using var output = OrtValue.CreateTensorValueFromMemory(outputs, [rows, 1]);
            session.Run(runOptions, [OnnxNames.Features], [input], [OnnxNames.Logits], [output]);
        }
        Run();
        return (Best(Run), outputs);
    }

    /// <summary>(c) ApplyOnnxModel over an in-memory IDataView, cursoring every row and reading the logits.</summary>
    public static double MlNet(string path, float[] x, int rows, int inputs, ScoringOptions scoring, out float[] outputs)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, rows).Select(r => new Row { Features = x.AsSpan(r * inputs, inputs).ToArray() }),
            SchemaDefinition.Create(typeof(Row)).WithVectorSize(inputs));
        // ML.NET asks for CUDA through the exported OrtSessionOptionsAppendExecutionProvider_CUDA: a core built
        // with CUDA (Microsoft.ML.OnnxRuntime.Gpu.Linux) has it. Elsewhere the call throws
        // EntryPointNotFoundException, which ML.NET's OnnxModel does not catch, so ask for the GPU only then.
        var gpu = OnnxRuntimeNative.Initialize().HasCuda ? scoring.DeviceId : null;
        var transformer = ml.Transforms.ApplyOnnxModel([OnnxNames.Logits], [OnnxNames.Features], path,
            gpuDeviceId: gpu, fallbackToCpu: scoring.FallbackToCpu).Fit(data);
        try
        {
            var scored = transformer.Transform(data);
            var result = new float[rows];
            void Cursor() => CursorRows(int.MaxValue);
            void CursorRows(int limit)
            {
                using var cursor = scored.GetRowCursor([scored.Schema[OnnxNames.Logits]]);
                var getter = cursor.GetGetter<VBuffer<float>>(scored.Schema[OnnxNames.Logits]);
                var buffer = default(VBuffer<float>);
                var i = 0;
                while (i < limit && cursor.MoveNext())
                {
                    getter(ref buffer);
                    result[i++] = buffer.GetValues()[0];
                }
            }
            CursorRows(1000);                       // warm-up (the first cursor pays lazy initialisation)
            var seconds = Time(Cursor);
            outputs = result;
            return seconds;
        }
        finally
        {
            (transformer as IDisposable)?.Dispose();
        }
    }

    public static (double P50, double P99, double Mean) SingleRow(OrtBatchPredictor predictor, int inputs, int calls)
    {
        var x = new float[inputs];
        var random = new Random(5);
        for (var i = 0; i < x.Length; i++)
            x[i] = (float)(random.NextDouble() * 4 - 2);
        var y = new float[1];
        for (var i = 0; i < 1000; i++)
            predictor.Predict(x, 1, y);
        var micros = new double[calls];
        for (var i = 0; i < calls; i++)
        {
            var start = Stopwatch.GetTimestamp();
            predictor.Predict(x, 1, y);
            micros[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }
        Array.Sort(micros);
        return (micros[calls / 2], micros[(int)(calls * 0.99)], micros.Average());
    }

    private sealed class Row
    {
        [ColumnName("features")]
        public float[] Features { get; set; } = [];
    }
}

internal static class SchemaExtensions
{
    public static SchemaDefinition WithVectorSize(this SchemaDefinition schema, int size)
    {
        schema["features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, size);
        return schema;
    }
}

internal static class RandomWeights
{
    /// <summary>Uniform ±1/√fan-in weights (PyTorch's default range for Linear), seeded.</summary>
    public static NetworkWeights For(NetworkSpec spec, int seed)
    {
        var random = new Random(seed);
        var arrays = new Dictionary<string, WeightArray>();
        foreach (var (name, shape) in spec.WeightShapes())
        {
            var bound = 1 / Math.Sqrt(shape.Length == 2 ? shape[1] : spec.InputSize);
            var data = new float[shape.Aggregate(1, (a, b) => a * b)];
            for (var i = 0; i < data.Length; i++)
                data[i] = (float)((random.NextDouble() * 2 - 1) * bound);
            arrays[name] = new WeightArray(data, shape);
        }
        return new NetworkWeights(spec, arrays);
    }
}
