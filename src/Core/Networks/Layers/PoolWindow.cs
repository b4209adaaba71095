using System.Text.Json.Nodes;

namespace DeepML;

/// <summary>
/// The window of a pooling layer (<see cref="MaxPoolLayer"/>, <see cref="AvgPoolLayer"/>): the same kernel,
/// stride and zero padding on every spatial axis of <c>[C, L]</c> (1-D) or <c>[C, H, W]</c> (2-D), floor
/// rounding (PyTorch's <c>ceil_mode = False</c>). Output size per spatial axis: <c>⌊(in + 2·padding − kernel) / stride⌋ + 1</c>.
/// </summary>
internal readonly record struct PoolWindow(int Kernel, int Stride, int Padding)
{
    /// <summary>Validates the window; <paramref name="stride"/> null means the kernel (PyTorch's default).</summary>
    public static PoolWindow Create(string component, int kernelSize, int? stride, int padding)
    {
        if (kernelSize < 1)
            throw new ArgumentException($"{component}: kernelSize must be at least 1, got {kernelSize}.", nameof(kernelSize));
        if (stride is < 1)
            throw new ArgumentException($"{component}: stride must be at least 1 (or null for the kernel size), got {stride}.", nameof(stride));
        if (padding < 0 || 2 * padding > kernelSize)
            throw new ArgumentException($"{component}: padding must be in [0, kernelSize / 2] = [0, {kernelSize / 2}] (as in PyTorch), got {padding}.", nameof(padding));
        return new PoolWindow(kernelSize, stride ?? kernelSize, padding);
    }

    /// <summary>The output shape for <c>[C, L]</c> or <c>[C, H, W]</c>.</summary>
    public TensorShape OutputShape(string kind, TensorShape input)
    {
        if (input.Rank is not (2 or 3))
            throw new LayerShapeException(kind, "[C, L] or [C, H, W]", input, "Declare the input as [C, L] or [C, H, W] (NeuralNetworkOptions.InputShape); pooling needs spatial axes.");
        var dims = input.ToArray();
        for (var axis = 1; axis < dims.Length; axis++)
        {
            if (dims[axis] + 2 * Padding < Kernel)
                throw new LayerShapeException(kind, $"spatial sizes ≥ {Kernel - 2 * Padding} (kernel {Kernel}, padding {Padding})", input,
                    "Use a smaller kernel, more padding, or fewer downsampling layers before it.");
            dims[axis] = (dims[axis] + 2 * Padding - Kernel) / Stride + 1;
        }
        return new TensorShape(dims);
    }

    /// <summary>ONNX attributes for <paramref name="spatial"/> spatial axes.</summary>
    public (string Name, object Value)[] OnnxAttributes(int spatial) =>
    [
        ("kernel_shape", Enumerable.Repeat((long)Kernel, spatial).ToArray()),
        ("strides", Enumerable.Repeat((long)Stride, spatial).ToArray()),
        ("pads", Enumerable.Repeat((long)Padding, 2 * spatial).ToArray()),
    ];

    /// <summary>Writes the three fields.</summary>
    public void Write(JsonObject json)
    {
        json["kernelSize"] = Kernel;
        json["stride"] = Stride;
        json["padding"] = Padding;
    }

    /// <summary>"2, stride 1, pad 1" (stride and padding only when they differ from the defaults).</summary>
    public string Describe() => $"{Kernel}" + (Stride != Kernel ? $", stride {Stride}" : "") + (Padding != 0 ? $", pad {Padding}" : "");
}
