using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace DeepML;

/// <summary>
/// One mini-batch's memory: three CPU tensors allocated once by libtorch (x [B, n], target [B],
/// weight [B]). Rows are gathered, in shuffled order, straight into their storage, and each batch
/// is handed to the network as a view of the first <c>count</c> rows: one contiguous block and one
/// tensor per role per batch, with no per-batch allocation.
/// </summary>
/// <remarks>
/// libtorch's allocator aligns the storage (64 bytes). Tensors over managed arrays start wherever
/// the GC put the array, and CPU kernels pick code paths, and so rounding, by alignment: with them
/// the same seed gave weights differing in the last bits. The storage is reused for the next batch
/// only after the previous step's backward pass has finished with it.
/// </remarks>
internal sealed class BatchBuffer : IDisposable
{
    private readonly int _features;
    private readonly PredictionKind _task;
    private readonly Tensor _x;
    private readonly Tensor _target;
    private readonly Tensor _weight;

    public BatchBuffer(int batchSize, int features, PredictionKind task)
    {
        _features = features;
        _task = task;
        _x = empty([batchSize, features], ScalarType.Float32).DetachFromDisposeScope();
        _target = empty([batchSize], task == PredictionKind.MulticlassClassification ? ScalarType.Int64 : ScalarType.Float32).DetachFromDisposeScope();
        _weight = empty([batchSize], ScalarType.Float32).DetachFromDisposeScope();
    }

    /// <summary>Copies rows <c>order[start..start+count)</c> into the batch tensors; returns their total weight.</summary>
    public double Gather(TrainingData data, int[] order, int start, int count)
    {
        var n = _features;
        var x = MemoryMarshal.Cast<byte, float>(_x.bytes);
        var w = MemoryMarshal.Cast<byte, float>(_weight.bytes);
        var features = data.Features.AsSpan();
        double total = 0;
        for (var i = 0; i < count; i++)
        {
            var row = order[start + i];
            features.Slice(row * n, n).CopyTo(x.Slice(i * n, n));
            w[i] = data.Weights[row];
            total += w[i];
        }
        if (_task == PredictionKind.MulticlassClassification)
        {
            var classes = MemoryMarshal.Cast<byte, long>(_target.bytes);
            for (var i = 0; i < count; i++)
                classes[i] = data.Classes[order[start + i]];
        }
        else
        {
            var targets = MemoryMarshal.Cast<byte, float>(_target.bytes);
            for (var i = 0; i < count; i++)
                targets[i] = data.Targets[order[start + i]];
        }
        return total;
    }

    /// <summary>The gathered batch on <paramref name="device"/>: x [count, n], target [count], weight [count] (views on the CPU).</summary>
    public (Tensor X, Tensor Target, Tensor Weight) ToTensors(int count, Device device) =>
        (_x.narrow(0, 0, count).to(device), _target.narrow(0, 0, count).to(device), _weight.narrow(0, 0, count).to(device));

    public void Dispose()
    {
        _x.Dispose();
        _target.Dispose();
        _weight.Dispose();
    }
}
