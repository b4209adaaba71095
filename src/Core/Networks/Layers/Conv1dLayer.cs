using System.Text.Json.Nodes;

namespace DeepML;

/// <summary>
/// A 1-D convolution over <c>[C, L]</c> (PyTorch's <c>Conv1d</c>, ONNX <c>Conv</c> with one spatial axis), with
/// stride, zero padding, dilation and groups (<c>groups = C = OutChannels</c> is a depthwise convolution).
/// The weight is <c>[OutChannels, C / Groups, KernelSize]</c>. Output length:
/// <c>⌊(L + 2·padding − dilation·(kernel − 1) − 1) / stride⌋ + 1</c>.
/// </summary>
[LayerKind("Conv1d")]
public sealed record Conv1dLayer : LayerSpec, IFoldsChannelAffine
{
    /// <summary>Creates a 1-D convolution.</summary>
    /// <param name="outChannels">Output channels; at least 1 and a multiple of <paramref name="groups"/>.</param>
    /// <param name="kernelSize">Kernel length; at least 1.</param>
    /// <param name="stride">Step between windows; at least 1.</param>
    /// <param name="padding">Zeros added on each side; at least 0.</param>
    /// <param name="dilation">Spacing between kernel taps; at least 1.</param>
    /// <param name="groups">Channel groups; at least 1.</param>
    /// <param name="useBias">Whether a per-channel bias is added.</param>
    public Conv1dLayer(int outChannels, int kernelSize, int stride = 1, int padding = 0, int dilation = 1, int groups = 1, bool useBias = true)
    {
        Check(outChannels >= 1, nameof(outChannels), $"at least 1, got {outChannels}");
        Check(kernelSize >= 1, nameof(kernelSize), $"at least 1, got {kernelSize}");
        Check(stride >= 1, nameof(stride), $"at least 1, got {stride}");
        Check(padding >= 0, nameof(padding), $"at least 0, got {padding}");
        Check(dilation >= 1, nameof(dilation), $"at least 1, got {dilation}");
        Check(groups >= 1 && outChannels % groups == 0, nameof(groups), $"at least 1 and a divisor of outChannels ({outChannels}), got {groups}");
        (OutChannels, KernelSize, Stride, Padding, Dilation, Groups, UseBias) = (outChannels, kernelSize, stride, padding, dilation, groups, useBias);
    }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>Kernel length.</summary>
    public int KernelSize { get; }

    /// <summary>Step between windows.</summary>
    public int Stride { get; }

    /// <summary>Zeros added on each side.</summary>
    public int Padding { get; }

    /// <summary>Spacing between kernel taps.</summary>
    public int Dilation { get; }

    /// <summary>Channel groups.</summary>
    public int Groups { get; }

    /// <summary>Whether a per-channel bias is added.</summary>
    public bool UseBias { get; }

    /// <inheritdoc />
    public override string Kind => "Conv1d";

    /// <inheritdoc />
    public override TensorShape OutputShape(TensorShape input)
    {
        if (input.Rank != 2)
            throw new LayerShapeException(Kind, "[C, L]", input, "Declare the input as [C, L] (NeuralNetworkOptions.InputShape), or use Conv2d for [C, H, W] and Dense for vectors.");
        if (input[0] % Groups != 0)
            throw new LayerShapeException(Kind, $"[C, L] with C a multiple of groups = {Groups}", input, "Change Groups or the channels of the layer before.");
        var span = Dilation * (KernelSize - 1) + 1;
        var length = (input[1] + 2 * Padding - span) / Stride + 1;
        if (input[1] + 2 * Padding < span)
            throw new LayerShapeException(Kind, $"[C, L] with L ≥ {span - 2 * Padding} (kernel {KernelSize}, dilation {Dilation}, padding {Padding})", input,
                "Use a smaller kernel, more padding, or fewer downsampling layers before it.");
        return new TensorShape(OutChannels, length);
    }

    /// <inheritdoc />
    public override IEnumerable<(string Name, int[] Shape)> WeightShapes(TensorShape input)
    {
        OutputShape(input);
        yield return ("weight", [OutChannels, input[0] / Groups, KernelSize]);
        if (UseBias)
            yield return ("bias", [OutChannels]);
    }

    /// <inheritdoc />
    public int OutputChannelAxis(TensorShape input) => 0;

    /// <inheritdoc />
    public LayerSpec WithBias() => new Conv1dLayer(OutChannels, KernelSize, Stride, Padding, Dilation, Groups, useBias: true);

    /// <inheritdoc />
    public override void WriteJson(JsonObject json)
    {
        json["outChannels"] = OutChannels;
        json["kernelSize"] = KernelSize;
        json["stride"] = Stride;
        json["padding"] = Padding;
        json["dilation"] = Dilation;
        json["groups"] = Groups;
        json["useBias"] = UseBias;
    }

    /// <summary>Reads the JSON that <see cref="WriteJson"/> writes.</summary>
    public static LayerSpec ReadJson(JsonObject json) => new Conv1dLayer(LayerJson.Int(json, "outChannels"), LayerJson.Int(json, "kernelSize"),
        LayerJson.Optional(json, "stride", 1), LayerJson.Optional(json, "padding", 0), LayerJson.Optional(json, "dilation", 1),
        LayerJson.Optional(json, "groups", 1), LayerJson.Optional(json, "useBias", true));

    /// <summary>ONNX <c>Conv</c> on <c>[N, C, L]</c> with <c>pads = [p, p]</c>.</summary>
    public override string Lower(OnnxLowering ctx, string input, TensorShape inputShape, string path)
    {
        string[] inputs = UseBias ? [input, ctx.Weight(path, "weight"), ctx.Weight(path, "bias")] : [input, ctx.Weight(path, "weight")];
        return ctx.Node(path, "Conv", inputs,
            ("kernel_shape", new long[] { KernelSize }), ("strides", new long[] { Stride }),
            ("pads", new long[] { Padding, Padding }), ("dilations", new long[] { Dilation }), ("group", (long)Groups));
    }

    /// <inheritdoc />
    protected override string Describe() =>
        $"Conv1d({OutChannels}, {KernelSize}" + (Stride != 1 ? $", stride {Stride}" : "") + (Padding != 0 ? $", pad {Padding}" : "") +
        (Dilation != 1 ? $", dilation {Dilation}" : "") + (Groups != 1 ? $", groups {Groups}" : "") + ")";

    private static void Check(bool ok, string name, string what)
    {
        if (!ok)
            throw new ArgumentException($"Conv1dLayer: {name} must be {what}.", name);
    }
}
