using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DeepML;

/// <summary>
/// Builds and initialises the TorchSharp module of one layer kind (the training half of a kind; the
/// description, shapes, JSON and ONNX half is the <see cref="LayerSpec"/> record in DeepML.Core).
/// Implementations in DeepML.Estimators are found by reflection (<see cref="TorchLayerRegistry"/>);
/// others are added with <see cref="TorchLayerRegistry.Register"/>. Derive from <see cref="TorchLayer{TLayer}"/>.
/// </summary>
/// <remarks>
/// The module's parameter and buffer names must be the names the layer's <see cref="LayerSpec.WeightShapes(TensorShape)"/>
/// lists (a child's names come from the child module registered under the child's name), so TorchSharp's
/// state-dict keys equal DeepML's weight names. This is the one TorchSharp-shaped extension point; it is for
/// layer authors, not for pipeline users.
/// </remarks>
public interface ITorchLayer
{
    /// <summary>The <see cref="LayerSpec"/> subclass this factory builds.</summary>
    Type LayerType { get; }

    /// <summary>Builds the module (with TorchSharp's default initialisation).</summary>
    /// <param name="layer">The layer (of <see cref="LayerType"/>).</param>
    /// <param name="input">Its per-example input shape.</param>
    /// <param name="context">Builds children and names the layer's path.</param>
    Module<Tensor, Tensor> Build(LayerSpec layer, TensorShape input, TorchBuildContext context);

    /// <summary>Initialises the layer's own weights (children are initialised by their own factories).</summary>
    /// <param name="module">The module <see cref="Build"/> returned.</param>
    /// <param name="layer">The layer.</param>
    /// <param name="input">Its per-example input shape.</param>
    /// <param name="context">The scheme and the activation that follows the layer.</param>
    void Initialize(Module<Tensor, Tensor> module, LayerSpec layer, TensorShape input, TorchInitContext context);
}

/// <summary>The typed base of an <see cref="ITorchLayer"/>.</summary>
/// <typeparam name="TLayer">The layer record type.</typeparam>
public abstract class TorchLayer<TLayer> : ITorchLayer where TLayer : LayerSpec
{
    /// <inheritdoc />
    public Type LayerType => typeof(TLayer);

    /// <summary>Builds the module of <paramref name="layer"/>.</summary>
    protected abstract Module<Tensor, Tensor> Build(TLayer layer, TensorShape input, TorchBuildContext context);

    /// <summary>Initialises the layer's own weights; the default keeps TorchSharp's initialisation.</summary>
    protected virtual void Initialize(Module<Tensor, Tensor> module, TLayer layer, TensorShape input, TorchInitContext context) { }

    Module<Tensor, Tensor> ITorchLayer.Build(LayerSpec layer, TensorShape input, TorchBuildContext context) => Build((TLayer)layer, input, context);

    void ITorchLayer.Initialize(Module<Tensor, Tensor> module, LayerSpec layer, TensorShape input, TorchInitContext context) =>
        Initialize(module, (TLayer)layer, input, context);
}

/// <summary>What a factory's <see cref="ITorchLayer.Build"/> gets besides the layer: its path and a way to build children.</summary>
public sealed class TorchBuildContext
{
    internal TorchBuildContext(string path) => Path = path;

    /// <summary>The layer's path in the tree (<c>""</c> for the root, <c>"3.body"</c> below).</summary>
    public string Path { get; }

    /// <summary>Builds the child <paramref name="name"/> through its own factory.</summary>
    /// <param name="name">The child's name (as in <see cref="LayerSpec.Children"/>).</param>
    /// <param name="child">The child layer.</param>
    /// <param name="input">The child's input shape.</param>
    public Module<Tensor, Tensor> BuildChild(string name, LayerSpec child, TensorShape input) =>
        TorchNetwork.BuildLayer(child, input, LayerTree.Join(Path, name));
}

/// <summary>What a factory's <see cref="ITorchLayer.Initialize"/> gets: the scheme, the following activation, the path.</summary>
public sealed class TorchInitContext
{
    internal TorchInitContext(string path, WeightInitializer initializer, ActivationLayer? following)
    {
        Path = path;
        Initializer = initializer;
        FollowingActivation = following;
    }

    /// <summary>The layer's path in the tree.</summary>
    public string Path { get; }

    /// <summary>The scheme the options ask for (<see cref="WeightInitializer.Default"/> picks by the following activation).</summary>
    public WeightInitializer Initializer { get; }

    /// <summary>
    /// The first activation after this layer in its sequence (or, when its sequence has none after it, after
    /// the enclosing layer); null when none follows (an output head).
    /// </summary>
    public ActivationLayer? FollowingActivation { get; }
}
