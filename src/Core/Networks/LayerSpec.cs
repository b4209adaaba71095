using System.Globalization;
using System.Text.Json.Nodes;

namespace DeepML;

/// <summary>
/// One layer of a framework-neutral network description: a node of the tree a <see cref="NetworkSpec"/>
/// holds. Each kind lives in one file (under <c>Networks/Layers</c>) with its description, shape inference,
/// JSON form and ONNX lowering; its TorchSharp module lives in one file of DeepML.Estimators.
/// </summary>
/// <remarks>
/// <para>Weights are not part of the description: they live in a <see cref="NetworkWeights"/> keyed by path,
/// PyTorch's state-dict names: <c>"{index}.weight"</c> at the top level (<c>"0.weight"</c>,
/// <c>"2.running_mean"</c>), <c>"{index}.{child}.{name}"</c> below it (<c>"3.body.0.weight"</c>), with
/// PyTorch's shapes (a dense weight is <c>[out, in]</c>).</para>
/// <para>To add a kind, see <c>src/Core/Networks/README.md</c>: derive from this record, mark it with
/// <see cref="LayerKindAttribute"/>, and add its TorchSharp factory in DeepML.Estimators.</para>
/// </remarks>
public abstract record LayerSpec
{
    /// <summary>For derived kinds.</summary>
    protected LayerSpec() { }

    /// <summary>The kind's name and JSON discriminator ("Dense", "BatchNorm", "Relu", "Conv2d", ...).</summary>
    public abstract string Kind { get; }

    /// <summary>
    /// The shape of one example after this layer, given the shape before it.
    /// </summary>
    /// <param name="input">The per-example input shape.</param>
    /// <exception cref="LayerShapeException">The layer cannot take <paramref name="input"/>.</exception>
    public abstract TensorShape OutputShape(TensorShape input);

    /// <summary>
    /// The names (without the layer's own path) and PyTorch shapes of this layer's own weights and buffers;
    /// a composite's children are listed by <see cref="LayerTree.WeightShapes"/>, not here.
    /// </summary>
    /// <param name="input">The per-example input shape.</param>
    public virtual IEnumerable<(string Name, int[] Shape)> WeightShapes(TensorShape input) => [];

    /// <summary>Child layers of a composite, by name (the middle part of their weight names); empty for a leaf.</summary>
    public virtual IReadOnlyList<(string Name, LayerSpec Layer)> Children => [];

    /// <summary>
    /// Each child with the input shape it receives when this layer receives <paramref name="input"/>.
    /// Composites override this (with <see cref="ChildOutputShape"/> so errors name the path); leaves have none.
    /// </summary>
    /// <param name="input">The per-example input shape of this layer.</param>
    public virtual IEnumerable<(string Name, LayerSpec Layer, TensorShape Input)> ChildInputs(TensorShape input) => [];

    /// <summary>A copy of a composite with its children replaced (same count and order as <see cref="Children"/>).</summary>
    /// <param name="children">The new children.</param>
    public virtual LayerSpec WithChildren(IReadOnlyList<LayerSpec> children) =>
        children.Count == 0 ? this : throw new InvalidOperationException($"{Kind}: this layer has no children to replace.");

    /// <summary>Whether the layer is the identity at inference (dropout): the inference rewrite removes it.</summary>
    public virtual bool IsIdentityAtInference => false;

    /// <summary>Writes the kind's own fields (not <c>"kind"</c>, which <see cref="LayerJson"/> writes) into <paramref name="json"/>.</summary>
    /// <param name="json">The layer's JSON object.</param>
    public virtual void WriteJson(JsonObject json) { }

    /// <summary>
    /// Emits this layer's ONNX nodes reading tensor <paramref name="input"/> and returns the name of its output tensor.
    /// Weights come from <paramref name="ctx"/> by full name (<c>ctx.Weight(path, "weight")</c>).
    /// </summary>
    /// <param name="ctx">The graph being built, with the network's weights.</param>
    /// <param name="input">The input tensor name (shape <c>[N, ...inputShape]</c>).</param>
    /// <param name="inputShape">The per-example input shape.</param>
    /// <param name="path">This layer's path, for example <c>"2"</c> or <c>"3.body.0"</c>.</param>
    /// <exception cref="NotSupportedException">The kind has no ONNX lowering.</exception>
    public virtual string Lower(OnnxLowering ctx, string input, TensorShape inputShape, string path) =>
        throw new NotSupportedException(
            $"OnnxExporter: layer {path} of kind '{Kind}' ({GetType().Name}) cannot be exported to ONNX yet. " +
            $"Registered kinds: {string.Join(", ", LayerRegistry.Kinds)}. Remove the layer or override LayerSpec.Lower in {GetType().Name}.");

    /// <summary>Features per example after this layer, for a vector input of <paramref name="inputSize"/> features.</summary>
    /// <param name="inputSize">Features per example entering the layer.</param>
    public int OutputSize(int inputSize) => OutputShape(TensorShape.Vector(inputSize)).ElementCount;

    /// <summary>The own weights for a vector input of <paramref name="inputSize"/> features.</summary>
    /// <param name="inputSize">Features per example entering the layer.</param>
    public IEnumerable<(string Name, int[] Shape)> WeightShapes(int inputSize) => WeightShapes(TensorShape.Vector(inputSize));

    /// <summary>A short description for summaries: <c>"Dense(128)"</c>, <c>"Relu"</c>, <c>"Dropout(0.1)"</c>.</summary>
    public sealed override string ToString() => Describe();

    /// <summary>The text of <see cref="ToString"/>; the kind unless a kind has parameters worth showing.</summary>
    protected virtual string Describe() => Kind;

    /// <summary>
    /// A child's output shape, with any shape error re-thrown under the child's name so the final
    /// message names the full path (<c>"layer 2.body.1 (Conv2d)"</c>).
    /// </summary>
    /// <param name="name">The child's name.</param>
    /// <param name="child">The child.</param>
    /// <param name="input">The child's input shape.</param>
    protected static TensorShape ChildOutputShape(string name, LayerSpec child, TensorShape input)
    {
        try
        {
            return child.OutputShape(input);
        }
        catch (LayerShapeException e)
        {
            throw e.Under(name);
        }
    }

    /// <summary>Formats a number the same way on every machine.</summary>
    protected static string Invariant(double value) => value.ToString(CultureInfo.InvariantCulture);
}
