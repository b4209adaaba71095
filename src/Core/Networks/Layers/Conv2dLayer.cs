using System.Text.Json.Nodes;

namespace DeepML;

/// <summary>
/// A 2-D convolution over <c>[C, H, W]</c> (PyTorch's <c>Conv2d</c>, ONNX <c>Conv</c>), with stride,
/// zero padding, dilation and groups (<c>groups = C = OutChannels</c> is a depthwise convolution).
/// The weight is <c>[OutChannels, C / Groups, KernelH, KernelW]</c>. Output size per spatial axis:
/// <c>⌊(in + 2·padding − dilation·(kernel − 1) − 1) / stride⌋ + 1</c>.
/// </summary>
[LayerKind("Conv2d")]
public sealed record Conv2dLayer : LayerSpec, IFoldsChannelAffine
{
    /// <summary>Creates a convolution with square kernel, stride, padding and dilation.</summary>
    /// <param name="outChannels">Output channels; at least 1 and a multiple of <paramref name="groups"/>.</param>
    /// <param name="kernelSize">Kernel height and width; at least 1.</param>
    /// <param name="stride">Step between windows; at least 1.</param>
    /// <param name="padding">Zeros added on each side; at least 0.</param>
    /// <param name="dilation">Spacing between kernel taps; at least 1.</param>
    /// <param name="groups">Channel groups; at least 1.</param>
    /// <param name="useBias">Whether a per-channel bias is added.</param>
    public Conv2dLayer(int outChannels, int kernelSize, int stride = 1, int padding = 0, int dilation = 1, int groups = 1, bool useBias = true)
        : this(outChannels, (kernelSize, kernelSize), (stride, stride), (padding, padding), (dilation, dilation), groups, useBias) { }

    /// <summary>Creates a convolution with per-axis (height, width) kernel, stride, padding and dilation.</summary>
    /// <param name="outChannels">Output channels; at least 1 and a multiple of <paramref name="groups"/>.</param>
    /// <param name="kernel">Kernel (height, width); each at least 1.</param>
    /// <param name="stride">Stride (height, width); each at least 1.</param>
    /// <param name="padding">Zero padding (height, width) on both sides; each at least 0.</param>
    /// <param name="dilation">Dilation (height, width); each at least 1.</param>
    /// <param name="groups">Channel groups; at least 1.</param>
    /// <param name="useBias">Whether a per-channel bias is added.</param>
    public Conv2dLayer(int outChannels, (int H, int W) kernel, (int H, int W) stride, (int H, int W) padding, (int H, int W) dilation, int groups = 1, bool useBias = true)
    {
        Check(outChannels >= 1, nameof(outChannels), $"at least 1, got {outChannels}");
        Check(kernel.H >= 1 && kernel.W >= 1, nameof(kernel), $"at least 1 on each axis, got ({kernel.H}, {kernel.W})");
        Check(stride.H >= 1 && stride.W >= 1, nameof(stride), $"at least 1 on each axis, got ({stride.H}, {stride.W})");
        Check(padding.H >= 0 && padding.W >= 0, nameof(padding), $"at least 0 on each axis, got ({padding.H}, {padding.W})");
        Check(dilation.H >= 1 && dilation.W >= 1, nameof(dilation), $"at least 1 on each axis, got ({dilation.H}, {dilation.W})");
        Check(groups >= 1 && outChannels % groups == 0, nameof(groups), $"at least 1 and a divisor of outChannels ({outChannels}), got {groups}");
        (OutChannels, Kernel, Stride, Padding, Dilation, Groups, UseBias) = (outChannels, kernel, stride, padding, dilation, groups, useBias);
    }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>Kernel (height, width).</summary>
    public (int H, int W) Kernel { get; }

    /// <summary>Stride (height, width).</summary>
    public (int H, int W) Stride { get; }

    /// <summary>Zero padding (height, width), added on both sides.</summary>
    public (int H, int W) Padding { get; }

    /// <summary>Dilation (height, width).</summary>
    public (int H, int W) Dilation { get; }

    /// <summary>Channel groups.</summary>
    public int Groups { get; }

    /// <summary>Whether a per-channel bias is added.</summary>
    public bool UseBias { get; }

    /// <inheritdoc />
    public override string Kind => "Conv2d";

    /// <inheritdoc />
    public override TensorShape OutputShape(TensorShape input)
    {
        if (input.Rank != 3)
            throw new LayerShapeException(Kind, "[C, H, W]", input, "Declare the input as [C, H, W] (NeuralNetworkOptions.InputShape) or use Dense for vectors.");
        if (input[0] % Groups != 0)
            throw new LayerShapeException(Kind, $"[C, H, W] with C a multiple of groups = {Groups}", input, "Change Groups or the channels of the layer before.");
        var h = Out(input[1], Kernel.H, Stride.H, Padding.H, Dilation.H);
        var w = Out(input[2], Kernel.W, Stride.W, Padding.W, Dilation.W);
        if (h < 1 || w < 1)
            throw new LayerShapeException(Kind, $"[C, H, W] with H ≥ {Span(Kernel.H, Dilation.H) - 2 * Padding.H} and W ≥ {Span(Kernel.W, Dilation.W) - 2 * Padding.W} (kernel {Kernel.H}×{Kernel.W}, dilation {Dilation.H}×{Dilation.W}, padding {Padding.H}×{Padding.W})", input,
                "Use a smaller kernel, more padding, or fewer downsampling layers before it.");
        return new TensorShape(OutChannels, h, w);
    }

    /// <inheritdoc />
    public override IEnumerable<(string Name, int[] Shape)> WeightShapes(TensorShape input)
    {
        OutputShape(input);
        yield return ("weight", [OutChannels, input[0] / Groups, Kernel.H, Kernel.W]);
        if (UseBias)
            yield return ("bias", [OutChannels]);
    }

    /// <inheritdoc />
    public int OutputChannelAxis(TensorShape input) => 0;

    /// <inheritdoc />
    public LayerSpec WithBias() => new Conv2dLayer(OutChannels, Kernel, Stride, Padding, Dilation, Groups, useBias: true);

    /// <inheritdoc />
    public override void WriteJson(JsonObject json)
    {
        json["outChannels"] = OutChannels;
        json["kernel"] = new JsonArray(Kernel.H, Kernel.W);
        json["stride"] = new JsonArray(Stride.H, Stride.W);
        json["padding"] = new JsonArray(Padding.H, Padding.W);
        json["dilation"] = new JsonArray(Dilation.H, Dilation.W);
        json["groups"] = Groups;
        json["useBias"] = UseBias;
    }

    /// <summary>Reads the JSON that <see cref="WriteJson"/> writes.</summary>
    public static LayerSpec ReadJson(JsonObject json) => new Conv2dLayer(LayerJson.Int(json, "outChannels"),
        Pair(json, "kernel"), Pair(json, "stride"), Pair(json, "padding"), Pair(json, "dilation"),
        LayerJson.Optional(json, "groups", 1), LayerJson.Optional(json, "useBias", true));

    /// <summary>ONNX <c>Conv</c> with <c>pads = [pH, pW, pH, pW]</c>.</summary>
    public override string Lower(OnnxLowering ctx, string input, TensorShape inputShape, string path)
    {
        string[] inputs = UseBias ? [input, ctx.Weight(path, "weight"), ctx.Weight(path, "bias")] : [input, ctx.Weight(path, "weight")];
        return ctx.Node(path, "Conv", inputs,
            ("kernel_shape", new long[] { Kernel.H, Kernel.W }), ("strides", new long[] { Stride.H, Stride.W }),
            ("pads", new long[] { Padding.H, Padding.W, Padding.H, Padding.W }), ("dilations", new long[] { Dilation.H, Dilation.W }),
            ("group", (long)Groups));
    }

    /// <inheritdoc />
    protected override string Describe() =>
        $"Conv2d({OutChannels}, {Kernel.H}x{Kernel.W}" + (Stride != (1, 1) ? $", stride {Stride.H}x{Stride.W}" : "") +
        (Padding != (0, 0) ? $", pad {Padding.H}x{Padding.W}" : "") + (Dilation != (1, 1) ? $", dilation {Dilation.H}x{Dilation.W}" : "") +
        (Groups != 1 ? $", groups {Groups}" : "") + ")";

    private static int Span(int kernel, int dilation) => dilation * (kernel - 1) + 1;

    private static int Out(int size, int kernel, int stride, int padding, int dilation) =>
        (int)Math.Floor((size + 2.0 * padding - Span(kernel, dilation)) / stride) + 1;

    private static (int, int) Pair(JsonObject json, string name)
    {
        var a = json[name]?.AsArray() ?? throw new FormatException($"field '{name}' is missing; expected [height, width]");
        return (a[0]!.GetValue<int>(), a[1]!.GetValue<int>());
    }

    private static void Check(bool ok, string name, string what)
    {
        if (!ok)
            throw new ArgumentException($"Conv2dLayer: {name} must be {what}.", name);
    }
}
