namespace DeepML;

/// <summary>
/// A layer was given an input shape it cannot take. The message names the layer's path in the
/// network tree (for example <c>"layer 2.body.1 (Conv2d)"</c>), the shape it expects and the shape it got.
/// </summary>
public sealed class LayerShapeException : ArgumentException
{
    /// <summary>Creates the exception for a layer at the root of its own description (path empty).</summary>
    /// <param name="kind">The layer's <see cref="LayerSpec.Kind"/>.</param>
    /// <param name="expected">What the layer takes, in words, for example <c>"[C, H, W] with C = 3"</c>.</param>
    /// <param name="actual">The shape it got.</param>
    /// <param name="fix">How to fix it, for example <c>"Add a Flatten layer before it."</c>.</param>
    public LayerShapeException(string kind, string expected, TensorShape actual, string fix)
        : this("", kind, expected, actual, fix) { }

    private LayerShapeException(string path, string kind, string expected, TensorShape actual, string fix)
        : base(Format(path, kind, expected, actual, fix))
    {
        LayerPath = path;
        LayerKind = kind;
        Expected = expected;
        Actual = actual;
        Fix = fix;
    }

    /// <summary>The layer's path in the tree, for example <c>"2.body.1"</c> (empty for a layer checked alone).</summary>
    public string LayerPath { get; }

    /// <summary>The layer's kind.</summary>
    public string LayerKind { get; }

    /// <summary>The input the layer takes, in words.</summary>
    public string Expected { get; }

    /// <summary>The input shape it got.</summary>
    public TensorShape Actual { get; }

    /// <summary>How to fix the description.</summary>
    public string Fix { get; }

    /// <summary>The same error one level up the tree: <paramref name="childName"/> is prefixed to the path.</summary>
    public LayerShapeException Under(string childName) =>
        new(LayerPath.Length == 0 ? childName : $"{childName}.{LayerPath}", LayerKind, Expected, Actual, Fix);

    private static string Format(string path, string kind, string expected, TensorShape actual, string fix) =>
        $"NetworkSpec: {(path.Length == 0 ? "layer" : $"layer {path}")} ({kind}) cannot take an input of shape {actual}; it expects {expected}. {fix}";
}
