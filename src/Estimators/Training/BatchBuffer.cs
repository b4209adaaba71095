using static TorchSharp.torch;

namespace DeepML;

/// <summary>
/// Reusable managed buffers for one mini-batch: rows are gathered (in shuffled order) into one
/// contiguous block, and each block becomes exactly one tensor per role.
/// </summary>
internal sealed class BatchBuffer
{
    private readonly int _features;
    private readonly PredictionKind _task;
    private readonly float[] _x;
    private readonly float[] _y;
    private readonly long[] _classes;
    private readonly float[] _w;
    private readonly float[] _s;

    public BatchBuffer(int batchSize, int features, PredictionKind task)
    {
        _features = features;
        _task = task;
        _x = new float[batchSize * features];
        _y = new float[batchSize];
        _classes = new long[batchSize];
        _w = new float[batchSize];
        _s = new float[batchSize];
    }

    /// <summary>Copies rows <c>order[start..start+count)</c> into the buffers; returns their total weight.</summary>
    public double Gather(TrainingData data, int[] order, int start, int count)
    {
        var n = _features;
        double total = 0;
        for (var i = 0; i < count; i++)
        {
            var row = order[start + i];
            Array.Copy(data.Features, (long)row * n, _x, (long)i * n, n);
            if (_task == PredictionKind.MulticlassClassification)
                _classes[i] = data.Classes[row];
            else
                _y[i] = data.Targets[row];
            _w[i] = data.Weights[row];
            if (data.Sensitive.Length > 0)
                _s[i] = data.Sensitive[row];
            total += _w[i];
        }
        return total;
    }

    /// <summary>The gathered batch as tensors on <paramref name="device"/>: x [count, n], target [count], weight [count].</summary>
    public (Tensor X, Tensor Target, Tensor Weight) ToTensors(int count, Device device)
    {
        var x = tensor(_x.AsMemory(0, count * _features), [count, _features]).to(device);
        var target = _task == PredictionKind.MulticlassClassification
            ? tensor(_classes.AsMemory(0, count), [count]).to(device)
            : tensor(_y.AsMemory(0, count), [count]).to(device);
        var weight = tensor(_w.AsMemory(0, count), [count]).to(device);
        return (x, target, weight);
    }

    /// <summary>The gathered rows' sensitive groups (0/1) as a tensor [count] (adversarial debiasing only).</summary>
    public Tensor SensitiveTensor(int count, Device device) => tensor(_s.AsMemory(0, count), [count]).to(device);
}
