// Scores a float model in a fresh process and reports what ONNX Runtime it got.
// Usage: OrtProbe MODEL.onnx INPUTS.f32 ROWS DEVICE FALLBACK OUTPUTS.f32 [ENGINE]
//        OrtProbe init      (only OnnxRuntimeNative.Initialize: prints "info: ..." or "error: ...")
//   INPUTS.f32 / OUTPUTS.f32: little-endian float32, row-major. DEVICE: cpu | cuda:N. FALLBACK: true | false.
//   ENGINE: deepml (OrtBatchPredictor, the default) | mlnet (ML.NET's ApplyOnnxModel, with gpuDeviceId for cuda:N).
// Prints "log: ..." lines from DeepML, then "provider: NAME" (deepml) or "engine: mlnet", or "error: TYPE: MESSAGE" (exit code 2).
using System.Runtime.InteropServices;
using DeepML;
using Microsoft.ML;
using Microsoft.ML.Data;

if (args is ["init"])
{
    try
    {
        Console.WriteLine($"info: {OnnxRuntimeNative.Initialize()}");
        return 0;
    }
    catch (Exception e)
    {
        Console.WriteLine($"error: {e.GetType().Name}: {e.Message}");
        return 2;
    }
}
if (args.Length is not (6 or 7))
{
    Console.Error.WriteLine("Usage: OrtProbe MODEL.onnx INPUTS.f32 ROWS DEVICE FALLBACK OUTPUTS.f32 [deepml|mlnet] | OrtProbe init");
    return 1;
}
try
{
    void Log(string line) => Console.WriteLine($"log: {line}");
    OnnxRuntimeNative.Initialize(Log);
    var rows = int.Parse(args[2]);
    var options = new ScoringOptions { Device = args[3], FallbackToCpu = bool.Parse(args[4]) };
    var features = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(args[1])).ToArray();
    float[] outputs;
    if (args.Length == 7 && args[6] == "mlnet")
    {
        outputs = MlNet(args[0], features, rows, options);
        Console.WriteLine("engine: mlnet");
    }
    else
    {
        using var predictor = new OrtBatchPredictor(args[0], options, log: Log);
        outputs = new float[rows * predictor.OutputSize];
        predictor.Predict(features, rows, outputs);
        Console.WriteLine($"provider: {predictor.ExecutionProvider}");
    }
    File.WriteAllBytes(args[5], MemoryMarshal.AsBytes(outputs.AsSpan()).ToArray());
    return 0;
}
catch (Exception e)
{
    Console.WriteLine($"error: {e.GetType().Name}: {e.Message}");
    return 2;
}

// ML.NET's own ONNX transformer on the same file: the network's logits, row by row.
static float[] MlNet(string model, float[] features, int rows, ScoringOptions options)
{
    var ml = new MLContext(seed: 1);
    var width = features.Length / rows;
    var data = ml.Data.LoadFromEnumerable(
        Enumerable.Range(0, rows).Select(r => new Row { Features = features.AsSpan(r * width, width).ToArray() }),
        SchemaDefinition.Create(typeof(Row)).WithVectorSize(width));
    var transformer = ml.Transforms.ApplyOnnxModel([OnnxNames.Logits], [OnnxNames.Features], model,
        gpuDeviceId: options.DeviceId, fallbackToCpu: options.FallbackToCpu).Fit(data);
    var scored = transformer.Transform(data);
    return scored.GetColumn<float[]>(OnnxNames.Logits).SelectMany(v => v).ToArray();
}

internal sealed class Row
{
    [ColumnName(OnnxNames.Features)]
    public float[] Features { get; set; } = [];
}

internal static class SchemaDefinitionExtensions
{
    public static SchemaDefinition WithVectorSize(this SchemaDefinition schema, int size)
    {
        schema[OnnxNames.Features].ColumnType = new VectorDataViewType(NumberDataViewType.Single, size);
        return schema;
    }
}
