using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DeepML;

/// <summary>
/// Runs a trained TorchSharp module on rows held in one managed buffer, without gradients, for
/// validation during training and for the tests' reference outputs. The caller owns the module and
/// puts it in the mode it wants (<c>eval()</c> for inference: dropout off, batch norm on running statistics).
/// </summary>
/// <remarks>Thread-safe as far as the module is: each chunk makes its own tensors inside its own
/// dispose scope, and the module is only read. Fitted models are scored by ONNX Runtime
/// (<see cref="OrtBatchPredictor"/>), not by this class.</remarks>
internal static class TorchBatchPredictor
{
    /// <summary>Outputs of all <paramref name="rows"/> rows, computed in chunks of 4096.</summary>
    public static float[] Forward(Sequential network, Device device, float[] features, int rows, int inputSize, int outputSize)
    {
        var outputs = new float[rows * outputSize];
        const int chunk = 4096;
        using var noGrad = no_grad();
        for (var start = 0; start < rows; start += chunk)
        {
            var count = Math.Min(chunk, rows - start);
            using var scope = NewDisposeScope();
            var x = tensor(features.AsMemory(start * inputSize, count * inputSize), [count, inputSize]).clone().to(device); // aligned copy: see BatchBuffer.ToTensors
            var y = network.call(x).to(CPU).contiguous();
            y.data<float>().CopyTo(outputs.AsSpan(start * outputSize, count * outputSize));
        }
        return outputs;
    }
}
