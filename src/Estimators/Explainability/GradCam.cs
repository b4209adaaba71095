using DeepML.Explainability;
using static TorchSharp.torch;

namespace DeepML;

/// <summary>
/// Grad-CAM maps (Selvaraju et al. 2017) of one convolution layer for a set of rows: per row, ReLU(Σ_c α_c·A_c) with
/// α_c the spatial mean of ∂y/∂A_c, upsampled bilinearly to the input image's height and width.
/// </summary>
/// <param name="LayerPath">The convolution layer's path in the network.</param>
/// <param name="Rows">Rows.</param>
/// <param name="Height">The map's height (the input image's).</param>
/// <param name="Width">The map's width.</param>
/// <param name="LayerHeight">The layer output's height before upsampling.</param>
/// <param name="LayerWidth">The layer output's width before upsampling.</param>
/// <param name="Values">Row-major <c>[Rows, Height, Width]</c>, ≥ 0.</param>
/// <param name="LayerValues">Row-major <c>[Rows, LayerHeight, LayerWidth]</c>: the map at the layer's own resolution.</param>
public sealed record GradCamMaps(string LayerPath, int Rows, int Height, int Width, int LayerHeight, int LayerWidth, float[] Values, float[] LayerValues)
{
    /// <summary>Row <paramref name="row"/>'s upsampled map (<c>Height × Width</c>).</summary>
    public ReadOnlySpan<float> Map(int row) => Values.AsSpan(row * Height * Width, Height * Width);
}

/// <summary>Grad-CAM for DeepML networks with <see cref="Conv2dLayer"/>s (CNNs, ResNets).</summary>
/// <remarks>Computed on the TorchSharp build of the network (eval mode, exact weights), batched, on the CPU or CUDA.
/// The explained output is chosen as for the other gradient explainers (<see cref="GradientOptions.Output"/>).</remarks>
public static class GradCam
{
    /// <summary>The Conv2d layers of <paramref name="model"/> by path, in network order: the names <see cref="Compute"/> accepts.</summary>
    /// <param name="model">A fitted network.</param>
    public static IReadOnlyList<string> ConvolutionLayers(NetworkModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Spec.InputShape is null ? [] :
            LayerTree.Walk(model.Spec.Root, model.Spec.InputShape).Where(w => w.Layer is Conv2dLayer).Select(w => w.Path).ToArray();
    }

    /// <summary>Grad-CAM of layer <paramref name="layerPath"/> for <paramref name="rows"/> rows of <paramref name="features"/>.</summary>
    /// <param name="model">A fitted network whose input is an image <c>[C, H, W]</c>.</param>
    /// <param name="features">Row-major inputs, <c>rows × InputSize</c>, as the feature column holds them.</param>
    /// <param name="rows">Rows; at least 1.</param>
    /// <param name="layerPath">A Conv2d layer's path (<see cref="ConvolutionLayers"/>); null takes the last one (the usual choice).</param>
    /// <param name="options">The explained output, device and batch size; null for the defaults (Score, cpu).</param>
    public static GradCamMaps Compute(NetworkModel model, float[] features, int rows, string? layerPath = null, SaliencyOptions? options = null)
    {
        const string component = "GradCam";
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(features);
        if (rows < 1 || features.Length < (long)rows * model.InputSize)
            throw new ArgumentException($"{component}: expected {rows} rows × {model.InputSize} inputs = {(long)rows * model.InputSize} values, got {features.Length}.", nameof(features));
        var input = model.Spec.InputShape;
        if (input is null || input.Rank != 3)
            throw new ArgumentException($"{component}: the network's input is {input?.ToString() ?? "unshaped"}, not an image [C, H, W]; Grad-CAM needs a convolutional network over images.", nameof(model));
        var layers = ConvolutionLayers(model);
        if (layers.Count == 0)
            throw new ArgumentException($"{component}: the network {model.Spec} has no Conv2d layer. Grad-CAM explains a convolution layer; use Saliency or IntegratedGradients for this network.", nameof(model));
        var path = layerPath ?? layers[^1];
        if (!layers.Contains(path))
            throw new ArgumentException($"{component}: layer '{path}' is not a Conv2d layer of this network. Its convolution layers are: {string.Join(", ", layers.Select(l => $"'{l}'"))}.", nameof(layerPath));
        var o = options ?? new SaliencyOptions();
        using var gradients = new NetworkGradients(model, o.Output, o.Device, component);
        var module = gradients.Network.named_modules().Single(m => m.name == path).module as nn.Module<Tensor, Tensor>
            ?? throw new InvalidOperationException($"{component}: layer '{path}' has no TorchSharp module to observe.");
        var (height, width) = ((int)input[1], (int)input[2]);
        var batch = Math.Max(1, o.MaxBatchRows);
        float[]? low = null, high = null;
        int lowHeight = 0, lowWidth = 0;
        for (var start = 0; start < rows; start += batch)
        {
            var count = Math.Min(batch, rows - start);
            Tensor? activation = null, probe = null;
            // The layer's output gets a zero "probe" added: ∂y/∂probe = ∂y/∂A, and the probe is our own leaf tensor, alive
            // until the batch's scope ends (a Sequential disposes its intermediate outputs, so A's own handle cannot be kept).
            var hook = module.register_forward_hook((m, x, y) =>
            {
                activation = y.detach().clone();
                probe = zeros_like(y).requires_grad_(true);
                return y.add(probe);
            });
            var ignored = new float[count * model.InputSize];
            try
            {
                gradients.Run(features.AsSpan(start * model.InputSize, count * model.InputSize), count, ignored, y =>
                {
                    if (probe is null)
                        throw new InvalidOperationException($"{component}: layer '{path}' was not reached by the forward pass.");
                }, after: () =>
                {
                    using var scope = NewDisposeScope();
                    var a = activation!;                                  // [N, C, h, w]
                    var alpha = probe!.grad!.mean([2, 3], keepdim: true); // [N, C, 1, 1]
                    var cam = (alpha * a).sum(1, keepdim: true).relu(); // [N, 1, h, w]
                    var up = nn.functional.interpolate(cam, size: [height, width], mode: InterpolationMode.Bilinear, align_corners: false);
                    lowHeight = (int)cam.shape[2];
                    lowWidth = (int)cam.shape[3];
                    low ??= new float[rows * lowHeight * lowWidth];
                    high ??= new float[rows * height * width];
                    cam.to(CPU).contiguous().data<float>().CopyTo(low.AsSpan(start * lowHeight * lowWidth, count * lowHeight * lowWidth));
                    up.to(CPU).contiguous().data<float>().CopyTo(high.AsSpan(start * height * width, count * height * width));
                });
            }
            finally
            {
                hook.remove();
            }
        }
        return new GradCamMaps(path, rows, height, width, lowHeight, lowWidth, high!, low!);
    }
}
