using System.Globalization;

namespace DeepML;

/// <summary>
/// The shape of one example (without the batch dimension): <c>[F]</c> for tabular features,
/// <c>[C, H, W]</c> for an image, <c>[T, F]</c> for a sequence. Immutable; equal when the dimensions are.
/// </summary>
public sealed class TensorShape : IEquatable<TensorShape>
{
    private readonly int[] _dims;

    /// <summary>Creates a shape; every dimension must be at least 1 and there must be at least one.</summary>
    /// <param name="dims">Dimensions, outermost first.</param>
    public TensorShape(params int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        if (dims.Length == 0)
            throw new ArgumentException("TensorShape: at least one dimension is needed, got none. Use [F] for F features per example.", nameof(dims));
        var bad = Array.FindIndex(dims, d => d < 1);
        if (bad >= 0)
            throw new ArgumentException($"TensorShape: dimension {bad} of [{string.Join(", ", dims)}] is {dims[bad]}; every dimension must be at least 1.", nameof(dims));
        long count = 1;
        foreach (var d in dims)
            count *= d;
        if (count > int.MaxValue)
            throw new ArgumentException($"TensorShape: [{string.Join(", ", dims)}] holds {count} elements, more than {int.MaxValue}.", nameof(dims));
        _dims = (int[])dims.Clone();
        ElementCount = (int)count;
    }

    /// <summary>A vector shape <c>[features]</c>.</summary>
    /// <param name="features">Features per example; at least 1.</param>
    public static TensorShape Vector(int features) => new(features);

    /// <summary>The dimensions, outermost first.</summary>
    public IReadOnlyList<int> Dims => _dims;

    /// <summary>The number of dimensions.</summary>
    public int Rank => _dims.Length;

    /// <summary>The dimension at <paramref name="axis"/> (negative counts from the end).</summary>
    public int this[int axis] => _dims[axis < 0 ? _dims.Length + axis : axis];

    /// <summary>The number of values per example (the product of the dimensions).</summary>
    public int ElementCount { get; }

    /// <summary>The dimensions as an array (a copy).</summary>
    public int[] ToArray() => (int[])_dims.Clone();

    /// <summary>A copy with the last dimension replaced.</summary>
    public TensorShape WithLast(int size)
    {
        var dims = ToArray();
        dims[^1] = size;
        return new TensorShape(dims);
    }

    /// <summary>For example <c>"[3, 28, 28]"</c>.</summary>
    public override string ToString() => "[" + string.Join(", ", _dims.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";

    /// <inheritdoc />
    public bool Equals(TensorShape? other) => other is not null && _dims.AsSpan().SequenceEqual(other._dims);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as TensorShape);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var d in _dims)
            hash.Add(d);
        return hash.ToHashCode();
    }
}
