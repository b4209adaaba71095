namespace DeepML;

/// <summary>
/// Walks a layer tree: every layer with its path and input shape, and every weight by full name
/// (<c>"{path}.{name}"</c>, PyTorch's state-dict keys).
/// </summary>
public static class LayerTree
{
    /// <summary>Joins a parent path and a child name (<c>""</c> + <c>"0"</c> = <c>"0"</c>, <c>"2"</c> + <c>"body"</c> = <c>"2.body"</c>).</summary>
    /// <param name="path">The parent's path, empty at the root.</param>
    /// <param name="name">The child's name or a weight name.</param>
    public static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    /// <summary>
    /// Every layer below and including <paramref name="root"/>, parents before children, with its path and input shape.
    /// </summary>
    /// <param name="root">The tree.</param>
    /// <param name="input">The root's input shape.</param>
    /// <param name="path">The root's path (empty for a network's root sequence).</param>
    /// <exception cref="LayerShapeException">A layer cannot take its input; the message names its full path.</exception>
    public static IEnumerable<(string Path, LayerSpec Layer, TensorShape Input)> Walk(LayerSpec root, TensorShape input, string path = "")
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(input);
        yield return (path, root, input);
        List<(string Name, LayerSpec Layer, TensorShape Input)> children;
        try
        {
            children = root.ChildInputs(input).ToList();
        }
        catch (LayerShapeException e) when (path.Length > 0)
        {
            throw Reroot(e, path);
        }
        foreach (var (name, child, shape) in children)
        {
            foreach (var item in Walk(child, shape, Join(path, name)))
                yield return item;
        }
    }

    /// <summary>Every weight and buffer of the tree as <c>(full name, shape)</c>, in walk order.</summary>
    /// <param name="root">The tree.</param>
    /// <param name="input">The root's input shape.</param>
    /// <param name="path">The root's path.</param>
    public static IEnumerable<(string Name, int[] Shape)> WeightShapes(LayerSpec root, TensorShape input, string path = "")
    {
        foreach (var (at, layer, shape) in Walk(root, input, path))
        {
            foreach (var (name, dims) in layer.WeightShapes(shape))
                yield return (Join(at, name), dims);
        }
    }

    /// <summary>The output shape of <paramref name="root"/> at <paramref name="path"/>, errors naming the full path.</summary>
    /// <param name="root">The layer.</param>
    /// <param name="input">Its input shape.</param>
    /// <param name="path">Its path.</param>
    public static TensorShape OutputShape(LayerSpec root, TensorShape input, string path = "")
    {
        try
        {
            return root.OutputShape(input);
        }
        catch (LayerShapeException e) when (path.Length > 0)
        {
            throw Reroot(e, path);
        }
    }

    private static LayerShapeException Reroot(LayerShapeException e, string path)
    {
        var parts = path.Split('.');
        for (var i = parts.Length - 1; i >= 0; i--)
            e = e.Under(parts[i]);
        return e;
    }
}
