// Scores a float model in a fresh process and reports what ONNX Runtime it got.
// Usage: OrtProbe MODEL.onnx INPUTS.f32 ROWS DEVICE FALLBACK OUTPUTS.f32
//   INPUTS.f32 / OUTPUTS.f32: little-endian float32, row-major. DEVICE: cpu | cuda:N. FALLBACK: true | false.
// Prints "log: ..." lines from DeepML, then "provider: NAME", or "error: TYPE: MESSAGE" (exit code 2).
using System.Runtime.InteropServices;
using DeepML;

if (args.Length != 6)
{
    Console.Error.WriteLine("Usage: OrtProbe MODEL.onnx INPUTS.f32 ROWS DEVICE FALLBACK OUTPUTS.f32");
    return 1;
}
try
{
    void Log(string line) => Console.WriteLine($"log: {line}");
    OnnxRuntimeNative.Initialize(Log);
    var rows = int.Parse(args[2]);
    var options = new ScoringOptions { Device = args[3], FallbackToCpu = bool.Parse(args[4]) };
    using var predictor = new OrtBatchPredictor(args[0], options, log: Log);
    var features = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(args[1])).ToArray();
    var outputs = new float[rows * predictor.OutputSize];
    predictor.Predict(features, rows, outputs);
    File.WriteAllBytes(args[5], MemoryMarshal.AsBytes(outputs.AsSpan()).ToArray());
    Console.WriteLine($"provider: {predictor.ExecutionProvider}");
    return 0;
}
catch (Exception e)
{
    Console.WriteLine($"error: {e.GetType().Name}: {e.Message}");
    return 2;
}
