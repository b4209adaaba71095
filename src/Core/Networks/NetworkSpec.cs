namespace DeepML;

/// <summary>
/// A framework-neutral, immutable description of a feed-forward network: an ordered list of
/// <see cref="LayerSpec"/>. Trainers complete a user's body (for example <see cref="Networks.Mlp"/>)
/// with an input size and an output head; the same description then builds the TorchSharp module,
/// the ONNX graph and any compressed variant.
/// </summary>
public sealed class NetworkSpec
{
    /// <summary>Creates a description from its layers.</summary>
    /// <param name="layers">The layers, input to output. May be empty (a linear model gets its head from the trainer).</param>
    /// <param name="inputSize">Features per example, or 0 when the trainer fills it in from the data.</param>
    public NetworkSpec(IEnumerable<LayerSpec> layers, int inputSize = 0)
    {
        ArgumentNullException.ThrowIfNull(layers);
        var list = layers.ToArray();
        for (var i = 0; i < list.Length; i++)
        {
            if (list[i] is null)
                throw new ArgumentException($"NetworkSpec: layer {i} is null.", nameof(layers));
        }
        if (inputSize < 0)
            throw new ArgumentException($"NetworkSpec: inputSize must be ≥ 0, got {inputSize}.", nameof(inputSize));
        Layers = list;
        InputSize = inputSize;
    }

    /// <summary>The layers, input to output.</summary>
    public IReadOnlyList<LayerSpec> Layers { get; }

    /// <summary>Features per example; 0 while the description is a body not yet bound to data.</summary>
    public int InputSize { get; }

    /// <summary>Outputs per example (requires a bound <see cref="InputSize"/>).</summary>
    public int OutputSize
    {
        get
        {
            RequireBound();
            var size = InputSize;
            foreach (var layer in Layers)
                size = layer.OutputSize(size);
            return size;
        }
    }

    /// <summary>A copy bound to <paramref name="inputSize"/> features with <paramref name="head"/> appended.</summary>
    /// <param name="inputSize">Features per example; at least 1.</param>
    /// <param name="head">Layers appended after the body (usually one <see cref="DenseLayer"/>).</param>
    public NetworkSpec Bind(int inputSize, params LayerSpec[] head)
    {
        if (inputSize < 1)
            throw new ArgumentException($"NetworkSpec: inputSize must be at least 1, got {inputSize}.", nameof(inputSize));
        return new NetworkSpec(Layers.Concat(head), inputSize);
    }

    /// <summary>
    /// Every weight the network has, as <c>("{layer}.{name}", shape)</c>, in layer order.
    /// </summary>
    public IEnumerable<(string Name, int[] Shape)> WeightShapes()
    {
        RequireBound();
        var size = InputSize;
        for (var i = 0; i < Layers.Count; i++)
        {
            foreach (var (name, shape) in Layers[i].WeightShapes(size))
                yield return ($"{i}.{name}", shape);
            size = Layers[i].OutputSize(size);
        }
    }

    /// <summary>A one-line summary, for example <c>"14 → Dense(128) → Relu → Dropout(0.1) → Dense(1)"</c>.</summary>
    public override string ToString()
    {
        var parts = Layers.Select(l => l switch
        {
            DenseLayer d => $"Dense({d.Units})",
            DropoutLayer d => $"Dropout({d.Rate})",
            _ => l.Kind,
        });
        return string.Join(" → ", new[] { InputSize > 0 ? InputSize.ToString() : "?" }.Concat(parts));
    }

    private void RequireBound()
    {
        if (InputSize < 1)
            throw new InvalidOperationException("NetworkSpec: the input size is not known yet. Call Bind(inputSize, head) first; trainers do this from the feature column.");
    }
}
