using Microsoft.ML.OnnxRuntime;

namespace DeepML.Core.Tests.Onnx;

/// <summary>Runs a model with plain ONNX Runtime (no DeepML code) and returns every output.</summary>
internal static class OrtRunner
{
    public static Dictionary<string, float[]> Run(byte[] model, float[] features, int rows, int inputSize)
    {
        using var session = new InferenceSession(model);
        using var input = OrtValue.CreateTensorValueFromMemory(features, [rows, inputSize]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [OnnxNames.Features], [input], session.OutputNames);
        return session.OutputNames.Zip(outputs).ToDictionary(p => p.First, p => p.Second.GetTensorDataAsSpan<float>().ToArray());
    }
}
