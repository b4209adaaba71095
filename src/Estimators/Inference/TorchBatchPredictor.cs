using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DeepML;

/// <summary>
/// Runs a trained TorchSharp module on batches held in managed buffers, in inference mode
/// (no gradients, dropout off, batch norm on running statistics). Owns the module.
/// </summary>
/// <remarks>Thread-safe: each call makes its own tensors inside its own dispose scope, and the
/// module is only read. Used for validation during training and as a scorer.</remarks>
internal sealed class TorchBatchPredictor : IBatchPredictor
{
    private readonly Sequential _network;
    private readonly Device _device;
    private int _disposed;

    public TorchBatchPredictor(Sequential network, Device device, int inputSize, int outputSize)
    {
        _network = network;
        _device = device;
        InputSize = inputSize;
        OutputSize = outputSize;
        _network.eval();
    }

    public int InputSize { get; }

    public int OutputSize { get; }

    public string Description => $"TorchSharp, {_device}";

    public void Predict(float[] features, int rows, float[] outputs)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (rows < 1 || features.Length < rows * InputSize || outputs.Length < rows * OutputSize)
            throw new ArgumentException($"TorchBatchPredictor: {rows} rows need {rows * InputSize} inputs and room for {rows * OutputSize} outputs; got {features.Length} and {outputs.Length}.", nameof(rows));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = tensor(features.AsMemory(0, rows * InputSize), [rows, InputSize]).clone().to(_device); // aligned copy: see BatchBuffer.ToTensors
        using var y = _network.call(x).to(CPU).contiguous();
        y.data<float>().CopyTo(outputs.AsSpan(0, rows * OutputSize));
    }

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

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
            _network.Dispose();
    }
}
