using System.Text.Json.Nodes;

namespace DeepML;

/// <summary>
/// A residual connection: <c>y = body(x) + shortcut(x)</c>, where the shortcut is the identity or a
/// projection (for example a 1×1 <see cref="Conv2dLayer"/> with stride, or a <see cref="DenseLayer"/>)
/// when the body changes the shape. Children are <c>"body"</c> and, when present, <c>"shortcut"</c>.
/// A ResNet basic block is <c>Residual(Sequential(Conv, BN, Relu, Conv, BN), projection)</c> followed by a Relu.
/// </summary>
[LayerKind("Residual")]
public sealed record ResidualLayer : LayerSpec
{
    /// <summary>Creates a residual layer.</summary>
    /// <param name="body">The main branch.</param>
    /// <param name="shortcut">The projection branch, or null for the identity.</param>
    public ResidualLayer(LayerSpec body, LayerSpec? shortcut = null)
    {
        Body = body ?? throw new ArgumentNullException(nameof(body), "ResidualLayer: the body is required; pass the layers of the main branch (a SequentialLayer).");
        Shortcut = shortcut;
    }

    /// <summary>The main branch.</summary>
    public LayerSpec Body { get; }

    /// <summary>The projection branch; null for the identity.</summary>
    public LayerSpec? Shortcut { get; }

    /// <inheritdoc />
    public override string Kind => "Residual";

    /// <inheritdoc />
    public override IReadOnlyList<(string Name, LayerSpec Layer)> Children =>
        Shortcut is null ? [("body", Body)] : [("body", Body), ("shortcut", Shortcut)];

    /// <inheritdoc />
    public override IEnumerable<(string Name, LayerSpec Layer, TensorShape Input)> ChildInputs(TensorShape input) =>
        Children.Select(c => (c.Name, c.Layer, input));

    /// <inheritdoc />
    public override TensorShape OutputShape(TensorShape input)
    {
        var body = ChildOutputShape("body", Body, input);
        var shortcut = Shortcut is null ? input : ChildOutputShape("shortcut", Shortcut, input);
        if (!body.Equals(shortcut))
            throw new LayerShapeException(Kind, $"an input for which body and shortcut give the same shape (body gives {body}, the {(Shortcut is null ? "identity shortcut" : "shortcut")} gives {shortcut})", input,
                Shortcut is null ? "Add a projection shortcut (for example a 1×1 Conv2d with the body's stride and channels)." : "Make the shortcut produce the body's output shape.");
        return body;
    }

    /// <inheritdoc />
    public override LayerSpec WithChildren(IReadOnlyList<LayerSpec> children) => children.Count == Children.Count
        ? new ResidualLayer(children[0], children.Count > 1 ? children[1] : null)
        : throw new ArgumentException($"ResidualLayer: expected {Children.Count} children, got {children.Count}.", nameof(children));

    /// <inheritdoc />
    public override void WriteJson(JsonObject json)
    {
        json["body"] = LayerJson.Write(Body);
        if (Shortcut is not null)
            json["shortcut"] = LayerJson.Write(Shortcut);
    }

    /// <summary>Reads the JSON that <see cref="WriteJson"/> writes.</summary>
    public static LayerSpec ReadJson(JsonObject json) =>
        new ResidualLayer(LayerJson.Read(json["body"]), json["shortcut"] is { } s ? LayerJson.Read(s) : null);

    /// <summary>Both branches and an <c>Add</c>.</summary>
    public override string Lower(OnnxLowering ctx, string input, TensorShape inputShape, string path)
    {
        var body = ctx.LowerChild(Body, input, inputShape, path, "body");
        var shortcut = Shortcut is null ? input : ctx.LowerChild(Shortcut, input, inputShape, path, "shortcut");
        return ctx.Node(path, "Add", [body, shortcut]);
    }

    /// <inheritdoc />
    protected override string Describe() => Shortcut is null ? $"Residual({Body})" : $"Residual({Body}, shortcut {Shortcut})";
}
