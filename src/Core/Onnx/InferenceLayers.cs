namespace DeepML.Onnx;

/// <summary>One step of an inference graph after simplification.</summary>
internal abstract record InferenceStep;

/// <summary><c>y = x·Wᵀ + b</c>, <c>W</c> row-major [Out, In] (PyTorch layout); <c>Bias</c> may be null.</summary>
internal sealed record DenseStep(int LayerIndex, float[] Weight, float[]? Bias, int Out, int In) : InferenceStep;

/// <summary>Per-feature <c>y = x·Scale + Shift</c>: an unfolded batch norm in inference form.</summary>
internal sealed record AffineStep(int LayerIndex, float[] Scale, float[] Shift) : InferenceStep;

/// <summary>An element-wise activation.</summary>
internal sealed record ActivationStep(int LayerIndex, ActivationLayer Layer) : InferenceStep;

/// <summary>
/// Turns a network's layers into inference steps: dropout is dropped (it is the identity at
/// inference), and a batch norm is folded into the dense layer before it (dropout between them is
/// the identity too), or becomes a per-feature affine step where no dense layer precedes it. The
/// arithmetic is done in double and rounded to float once.
/// </summary>
internal static class InferenceLayers
{
    public static IReadOnlyList<InferenceStep> Plan(NetworkWeights weights)
    {
        var spec = weights.Spec;
        var steps = new List<InferenceStep>();
        var size = spec.InputSize;
        for (var i = 0; i < spec.Layers.Count; i++)
        {
            var layer = spec.Layers[i];
            switch (layer)
            {
                case DenseLayer dense:
                    steps.Add(new DenseStep(i, weights[$"{i}.weight"].Data, dense.UseBias ? weights[$"{i}.bias"].Data : null, dense.Units, size));
                    break;
                case DropoutLayer:
                    break;
                case BatchNormLayer norm:
                    var (scale, shift) = Affine(weights, i, norm, size);
                    if (steps.Count > 0 && steps[^1] is DenseStep previous)
                        steps[^1] = Fold(previous, scale, shift);
                    else
                        steps.Add(new AffineStep(i, ToFloat(scale), ToFloat(shift)));
                    break;
                case ActivationLayer activation:
                    steps.Add(new ActivationStep(i, activation));
                    break;
                default:
                    throw new NotSupportedException(
                        $"OnnxExporter: layer {i} of kind '{layer.Kind}' ({layer.GetType().Name}) cannot be exported to ONNX yet. " +
                        "Supported kinds: Dense, Dropout, BatchNorm and the activations " + string.Join(", ", Enum.GetNames<ActivationKind>()) +
                        ". Remove the layer or add its lowering to DeepML.Onnx.InferenceLayers and OnnxExporter.");
            }
            size = layer.OutputSize(size);
        }
        return steps;
    }

    /// <summary>Inference batch norm as <c>x·scale + shift</c>: scale = γ/√(var+ε), shift = β − mean·scale.</summary>
    private static (double[] Scale, double[] Shift) Affine(NetworkWeights weights, int i, BatchNormLayer norm, int size)
    {
        var gamma = weights[$"{i}.weight"].Data;
        var beta = weights[$"{i}.bias"].Data;
        var mean = weights[$"{i}.running_mean"].Data;
        var variance = weights[$"{i}.running_var"].Data;
        var scale = new double[size];
        var shift = new double[size];
        for (var c = 0; c < size; c++)
        {
            scale[c] = gamma[c] / Math.Sqrt(variance[c] + norm.Epsilon);
            shift[c] = beta[c] - mean[c] * scale[c];
        }
        return (scale, shift);
    }

    /// <summary>BN(Dense(x)) = x·(W·diag(scale))ᵀ + (b·scale + shift): row o of W is scaled by scale[o].</summary>
    private static DenseStep Fold(DenseStep dense, double[] scale, double[] shift)
    {
        var weight = new float[dense.Weight.Length];
        var bias = new float[dense.Out];
        for (var o = 0; o < dense.Out; o++)
        {
            for (var k = 0; k < dense.In; k++)
                weight[o * dense.In + k] = (float)(dense.Weight[o * dense.In + k] * scale[o]);
            bias[o] = (float)((dense.Bias?[o] ?? 0.0) * scale[o] + shift[o]);
        }
        return dense with { Weight = weight, Bias = bias };
    }

    private static float[] ToFloat(double[] values) => Array.ConvertAll(values, v => (float)v);
}
