namespace DeepML;

/// <summary>One named weight: row-major <see cref="float"/> data and its shape.</summary>
public sealed class WeightArray
{
    /// <summary>Creates a weight array; the data length must equal the product of the shape.</summary>
    /// <param name="data">Row-major values (not copied).</param>
    /// <param name="shape">Dimensions, outermost first.</param>
    public WeightArray(float[] data, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        long count = 1;
        foreach (var d in shape)
            count *= d;
        if (count != data.Length)
            throw new ArgumentException($"WeightArray: shape [{string.Join(", ", shape)}] holds {count} values but {data.Length} were given.", nameof(data));
        Data = data;
        Shape = shape;
    }

    /// <summary>Row-major values.</summary>
    public float[] Data { get; }

    /// <summary>Dimensions, outermost first.</summary>
    public int[] Shape { get; }
}

/// <summary>
/// The trained weights of a <see cref="NetworkSpec"/>, keyed as <see cref="NetworkSpec.WeightShapes"/> names them.
/// </summary>
public sealed class NetworkWeights
{
    private readonly Dictionary<string, WeightArray> _arrays;

    /// <summary>Creates the weights of <paramref name="spec"/>, checking every name and shape.</summary>
    /// <param name="spec">A bound description.</param>
    /// <param name="arrays">One array per weight the description needs; extra names are an error.</param>
    public NetworkWeights(NetworkSpec spec, IReadOnlyDictionary<string, WeightArray> arrays)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(arrays);
        var expected = spec.WeightShapes().ToDictionary(w => w.Name, w => w.Shape);
        foreach (var (name, shape) in expected)
        {
            if (!arrays.TryGetValue(name, out var array))
                throw new ArgumentException($"NetworkWeights: weight '{name}' is missing. Expected weights: {string.Join(", ", expected.Keys)}.", nameof(arrays));
            if (!array.Shape.SequenceEqual(shape))
                throw new ArgumentException($"NetworkWeights: weight '{name}' has shape [{string.Join(", ", array.Shape)}], expected [{string.Join(", ", shape)}].", nameof(arrays));
        }
        var extra = arrays.Keys.Where(k => !expected.ContainsKey(k)).ToArray();
        if (extra.Length > 0)
            throw new ArgumentException($"NetworkWeights: unexpected weight(s) {string.Join(", ", extra)} for network {spec}.", nameof(arrays));
        Spec = spec;
        _arrays = new Dictionary<string, WeightArray>(arrays);
    }

    /// <summary>The description these weights belong to.</summary>
    public NetworkSpec Spec { get; }

    /// <summary>All weights by name.</summary>
    public IReadOnlyDictionary<string, WeightArray> Arrays => _arrays;

    /// <summary>The weight named by its path, for example <c>"0.weight"</c> or <c>"3.body.1.running_mean"</c>.</summary>
    public WeightArray this[string name] => _arrays.TryGetValue(name, out var w)
        ? w
        : throw new KeyNotFoundException($"NetworkWeights: no weight '{name}'. Available: {string.Join(", ", _arrays.Keys)}.");
}
