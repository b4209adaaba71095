using DeepML.Onnx.Proto;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;

namespace DeepML.Compression.Quantization;

/// <summary>
/// Runs the float graph on the calibration rows with ONNX Runtime (graph optimizations off, so every tensor is the one the
/// exporter wrote) and returns every value each requested tensor took. Rows are read in view order, the first
/// <see cref="QuantizationOptions.MaxCalibrationRows"/> only, so calibration is deterministic.
/// </summary>
internal static class ActivationCalibrator
{
    private const int BatchRows = 256;

    /// <summary>The values of <paramref name="tensors"/> over the calibration rows, and the number of rows read.</summary>
    public static (Dictionary<string, float[]> Values, int Rows) Collect(ModelProto floatModel, IReadOnlyList<string> tensors, IDataView data,
        DataViewSchema.Column feature, int inputSize, int maxRows)
    {
        var probe = floatModel.Clone();
        var outputs = new List<string>();
        foreach (var tensor in tensors)
        {
            if (probe.Graph.Output.All(o => o.Name != tensor) && probe.Graph.Input.All(i => i.Name != tensor))
                probe.Graph.Output.Add(new ValueInfoProto { Name = tensor, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = OnnxDataType.Float } } });
            outputs.Add(tensor);
        }
        var inputName = probe.Graph.Input[0].Name;
        var collected = tensors.ToDictionary(t => t, _ => new List<float>());

        OnnxRuntimeNative.Initialize();
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL };
        using var session = new InferenceSession(Google.Protobuf.MessageExtensions.ToByteArray(probe), options);
        var fetched = outputs.Where(o => o != inputName).ToArray();
        var rows = 0;
        var batch = new List<float>();
        void Run()
        {
            if (batch.Count == 0)
                return;
            var x = batch.ToArray();
            using var input = OrtValue.CreateTensorValueFromMemory(x, [x.Length / inputSize, inputSize]);
            using var run = new RunOptions();
            using var results = session.Run(run, [inputName], [input], fetched);
            for (var i = 0; i < fetched.Length; i++)
                collected[fetched[i]].AddRange(results[i].GetTensorDataAsSpan<float>().ToArray());
            if (collected.ContainsKey(inputName))
                collected[inputName].AddRange(x);
            batch.Clear();
        }

        using (var cursor = data.GetRowCursor([feature]))
        {
            var getter = cursor.GetGetter<VBuffer<float>>(feature);
            var buffer = default(VBuffer<float>);
            while (rows < maxRows && cursor.MoveNext())
            {
                getter(ref buffer);
                var dense = new float[inputSize];
                buffer.CopyTo(dense);
                batch.AddRange(dense);
                rows++;
                if (batch.Count == BatchRows * inputSize)
                    Run();
            }
        }
        Run();
        return (collected.ToDictionary(p => p.Key, p => p.Value.ToArray()), rows);
    }
}
