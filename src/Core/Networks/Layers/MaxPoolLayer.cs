using System.Text.Json.Nodes;

namespace DeepML;

/// <summary>
/// Max pooling over the spatial axes of <c>[C, L]</c> (PyTorch's <c>MaxPool1d</c>) or <c>[C, H, W]</c>
/// (<c>MaxPool2d</c>); ONNX <c>MaxPool</c>. Square window, the same stride and padding on every axis, floor
/// rounding (<c>ceil_mode</c> off); padded positions never win (PyTorch and ONNX pad with −∞).
/// Output size per spatial axis: <c>⌊(in + 2·padding − kernel) / stride⌋ + 1</c>. No weights.
/// </summary>
[LayerKind("MaxPool")]
public sealed record MaxPoolLayer : LayerSpec
{
    private readonly PoolWindow _window;

    /// <summary>Creates a max-pooling layer.</summary>
    /// <param name="kernelSize">Window size on each spatial axis; at least 1.</param>
    /// <param name="stride">Step between windows; at least 1, or null (the default) for <paramref name="kernelSize"/>.</param>
    /// <param name="padding">Padding on each side; in [0, kernelSize / 2].</param>
    public MaxPoolLayer(int kernelSize, int? stride = null, int padding = 0) => _window = PoolWindow.Create(nameof(MaxPoolLayer), kernelSize, stride, padding);

    /// <summary>Window size on each spatial axis.</summary>
    public int KernelSize => _window.Kernel;

    /// <summary>Step between windows.</summary>
    public int Stride => _window.Stride;

    /// <summary>Padding on each side.</summary>
    public int Padding => _window.Padding;

    /// <inheritdoc />
    public override string Kind => "MaxPool";

    /// <inheritdoc />
    public override TensorShape OutputShape(TensorShape input) => _window.OutputShape(Kind, input);

    /// <inheritdoc />
    public override void WriteJson(JsonObject json) => _window.Write(json);

    /// <summary>Reads the JSON that <see cref="WriteJson"/> writes.</summary>
    public static LayerSpec ReadJson(JsonObject json) =>
        new MaxPoolLayer(LayerJson.Int(json, "kernelSize"), LayerJson.Optional(json, "stride", LayerJson.Int(json, "kernelSize")), LayerJson.Optional(json, "padding", 0));

    /// <summary>ONNX <c>MaxPool</c> (one output: the indices output is not requested).</summary>
    public override string Lower(OnnxLowering ctx, string input, TensorShape inputShape, string path) =>
        ctx.Node(path, "MaxPool", [input], _window.OnnxAttributes(inputShape.Rank - 1));

    /// <inheritdoc />
    protected override string Describe() => $"MaxPool({_window.Describe()})";
}
