using System.Text.Json.Nodes;

namespace DeepML;

/// <summary>
/// Average pooling over the spatial axes of <c>[C, L]</c> (PyTorch's <c>AvgPool1d</c>) or <c>[C, H, W]</c>
/// (<c>AvgPool2d</c>); ONNX <c>AveragePool</c>. Square window, the same stride and padding on every axis, floor
/// rounding (<c>ceil_mode</c> off). With padding, <see cref="CountIncludePad"/> (PyTorch's default, true) divides
/// by the full window; false divides by the real values in it. No weights.
/// </summary>
[LayerKind("AvgPool")]
public sealed record AvgPoolLayer : LayerSpec
{
    private readonly PoolWindow _window;

    /// <summary>Creates an average-pooling layer.</summary>
    /// <param name="kernelSize">Window size on each spatial axis; at least 1.</param>
    /// <param name="stride">Step between windows; at least 1, or null (the default) for <paramref name="kernelSize"/>.</param>
    /// <param name="padding">Zero padding on each side; in [0, kernelSize / 2].</param>
    /// <param name="countIncludePad">Whether padded zeros count in the divisor (PyTorch's default: true).</param>
    public AvgPoolLayer(int kernelSize, int? stride = null, int padding = 0, bool countIncludePad = true)
    {
        _window = PoolWindow.Create(nameof(AvgPoolLayer), kernelSize, stride, padding);
        CountIncludePad = countIncludePad;
    }

    /// <summary>Window size on each spatial axis.</summary>
    public int KernelSize => _window.Kernel;

    /// <summary>Step between windows.</summary>
    public int Stride => _window.Stride;

    /// <summary>Zero padding on each side.</summary>
    public int Padding => _window.Padding;

    /// <summary>Whether padded zeros count in the divisor.</summary>
    public bool CountIncludePad { get; }

    /// <inheritdoc />
    public override string Kind => "AvgPool";

    /// <inheritdoc />
    public override TensorShape OutputShape(TensorShape input) => _window.OutputShape(Kind, input);

    /// <inheritdoc />
    public override void WriteJson(JsonObject json)
    {
        _window.Write(json);
        json["countIncludePad"] = CountIncludePad;
    }

    /// <summary>Reads the JSON that <see cref="WriteJson"/> writes.</summary>
    public static LayerSpec ReadJson(JsonObject json) => new AvgPoolLayer(LayerJson.Int(json, "kernelSize"), LayerJson.Optional(json, "stride", LayerJson.Int(json, "kernelSize")),
        LayerJson.Optional(json, "padding", 0), LayerJson.Optional(json, "countIncludePad", true));

    /// <summary>ONNX <c>AveragePool</c> with <c>count_include_pad</c> set explicitly (ONNX's default is 0, PyTorch's is true).</summary>
    public override string Lower(OnnxLowering ctx, string input, TensorShape inputShape, string path) =>
        ctx.Node(path, "AveragePool", [input], [.. _window.OnnxAttributes(inputShape.Rank - 1), ("count_include_pad", CountIncludePad ? 1L : 0L)]);

    /// <inheritdoc />
    protected override string Describe() => $"AvgPool({_window.Describe()}" + (CountIncludePad || Padding == 0 ? "" : ", exclude pad") + ")";
}
