namespace DeepML;

/// <summary>
/// A framework-neutral, immutable description of a network: the per-example input shape and a root
/// <see cref="SequentialLayer"/> whose layers may themselves be composites (residual blocks, ...).
/// Trainers complete a user's body (for example <see cref="Networks.Mlp"/>) with the input shape and an
/// output head; the same description then builds the TorchSharp module, the ONNX graph and any compressed variant.
/// </summary>
public sealed class NetworkSpec
{
    /// <summary>Creates a description from its top-level layers and a vector input size.</summary>
    /// <param name="layers">The layers, input to output. May be empty (a linear model gets its head from the trainer).</param>
    /// <param name="inputSize">Features per example, or 0 when the trainer fills it in from the data.</param>
    public NetworkSpec(IEnumerable<LayerSpec> layers, int inputSize = 0)
        : this(Sequence(layers), inputSize switch
        {
            < 0 => throw new ArgumentException($"NetworkSpec: inputSize must be ≥ 0, got {inputSize}.", nameof(inputSize)),
            0 => null,
            _ => TensorShape.Vector(inputSize),
        })
    {
    }

    /// <summary>Creates a description from its top-level layers and an input shape.</summary>
    /// <param name="layers">The layers, input to output.</param>
    /// <param name="inputShape">The per-example input shape, or null while the trainer has not bound it.</param>
    public NetworkSpec(IEnumerable<LayerSpec> layers, TensorShape? inputShape) : this(Sequence(layers), inputShape) { }

    /// <summary>Creates a description from its root sequence and an input shape; a bound description is checked at once.</summary>
    /// <param name="root">The root sequence.</param>
    /// <param name="inputShape">The per-example input shape, or null while unbound.</param>
    /// <exception cref="LayerShapeException">A layer cannot take its input; the message names its path and both shapes.</exception>
    public NetworkSpec(SequentialLayer root, TensorShape? inputShape)
    {
        Root = root ?? throw new ArgumentNullException(nameof(root), "NetworkSpec: the root sequence is required.");
        InputShape = inputShape;
        if (inputShape is not null)
            _ = LayerTree.WeightShapes(root, inputShape).Count(); // walks the whole tree: shape errors surface here, naming the layer's path
    }

    /// <summary>The root sequence.</summary>
    public SequentialLayer Root { get; }

    /// <summary>The top-level layers, input to output.</summary>
    public IReadOnlyList<LayerSpec> Layers => Root.Layers;

    /// <summary>The per-example input shape; null while the description is a body not yet bound to data.</summary>
    public TensorShape? InputShape { get; }

    /// <summary>Values per example (the input shape's element count); 0 while unbound.</summary>
    public int InputSize => InputShape?.ElementCount ?? 0;

    /// <summary>The per-example output shape (requires a bound input).</summary>
    public TensorShape OutputShape => Root.OutputShape(RequireBound());

    /// <summary>Outputs per example (requires a bound input).</summary>
    public int OutputSize => OutputShape.ElementCount;

    /// <summary>A copy bound to <paramref name="inputSize"/> features with <paramref name="head"/> appended.</summary>
    /// <param name="inputSize">Features per example; at least 1.</param>
    /// <param name="head">Layers appended after the body (usually one <see cref="DenseLayer"/>).</param>
    public NetworkSpec Bind(int inputSize, params LayerSpec[] head)
    {
        if (inputSize < 1)
            throw new ArgumentException($"NetworkSpec: inputSize must be at least 1, got {inputSize}.", nameof(inputSize));
        return Bind(TensorShape.Vector(inputSize), head);
    }

    /// <summary>A copy bound to the per-example <paramref name="inputShape"/> with <paramref name="head"/> appended.</summary>
    /// <param name="inputShape">For example <c>[1, 28, 28]</c>.</param>
    /// <param name="head">Layers appended after the body.</param>
    /// <exception cref="LayerShapeException">A layer cannot take its input.</exception>
    public NetworkSpec Bind(TensorShape inputShape, params LayerSpec[] head)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        ArgumentNullException.ThrowIfNull(head);
        return new NetworkSpec(Layers.Concat(head), inputShape);
    }

    /// <summary>
    /// Every weight the network has, as <c>("{path}.{name}", shape)</c> in tree order: <c>"0.weight"</c> at the
    /// top level, <c>"3.body.0.weight"</c> below (TorchSharp's state-dict keys).
    /// </summary>
    public IEnumerable<(string Name, int[] Shape)> WeightShapes() => LayerTree.WeightShapes(Root, RequireBound());

    /// <summary>A one-line summary, for example <c>"14 → Dense(128) → Relu → Dropout(0.1) → Dense(1)"</c> or <c>"[1, 28, 28] → Conv2d(8, 3x3) → ..."</c>.</summary>
    public override string ToString()
    {
        var input = InputShape is null ? "?" : InputShape.Rank == 1 ? InputShape[0].ToString(System.Globalization.CultureInfo.InvariantCulture) : InputShape.ToString();
        return string.Join(" → ", new[] { input }.Concat(Layers.Select(l => l.ToString())));
    }

    private TensorShape RequireBound() => InputShape
        ?? throw new InvalidOperationException("NetworkSpec: the input shape is not known yet. Call Bind(inputSize or inputShape, head) first; trainers do this from the feature column.");

    private static SequentialLayer Sequence(IEnumerable<LayerSpec> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        var list = layers.ToArray();
        for (var i = 0; i < list.Length; i++)
        {
            if (list[i] is null)
                throw new ArgumentException($"NetworkSpec: layer {i} is null.", nameof(layers));
        }
        return new SequentialLayer(list);
    }
}
