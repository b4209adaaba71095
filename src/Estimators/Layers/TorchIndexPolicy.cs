using static TorchSharp.torch;

namespace DeepML;

/// <summary>
/// <see cref="EmbeddingLayer"/>'s index policy in TorchSharp, the same operations as its ONNX lowering:
/// NaN → −1, clip to [−1, cardinality], floor, int64, −1 → cardinality (the unknown-key row), plus each slot's row offset.
/// </summary>
internal static class TorchIndexPolicy
{
    /// <param name="keys">Float keys <c>[..., S]</c>.</param>
    /// <param name="cardinalities">One value for all slots, or one per slot (the last axis).</param>
    /// <param name="offsets">Row offset per slot, or empty.</param>
    public static Tensor Rows(Tensor keys, long[] cardinalities, long[] offsets)
    {
        var device = keys.device;
        var high = cardinalities.Length == 1 ? tensor((float)cardinalities[0], device: device) : tensor(cardinalities.Select(c => (float)c).ToArray(), device: device);
        var unknown = cardinalities.Length == 1 ? tensor(cardinalities[0], device: device) : tensor(cardinalities, device: device);
        var noNan = where(keys.isnan(), tensor(-1f, device: device), keys);
        var index = minimum(maximum(noNan, tensor(-1f, device: device)), high).floor().to(ScalarType.Int64);
        var rows = where(index.lt(0), unknown.expand_as(index), index);
        return offsets.Length == 0 ? rows : rows.add(tensor(offsets, device: device));
    }

    /// <summary><c>table[rows]</c>: <c>[...]</c> int64 rows → <c>[..., d]</c>.</summary>
    public static Tensor Lookup(Tensor table, Tensor rows)
    {
        long[] shape = [.. rows.shape, table.shape[1]];
        return table.index_select(0, rows.reshape(-1)).reshape(shape);
    }
}
