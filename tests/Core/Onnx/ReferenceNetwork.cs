namespace DeepML.Core.Tests.Onnx;

/// <summary>
/// An independent float64 forward pass written straight from the layer definitions (PyTorch
/// semantics), with no code shared with the exporter: dropout is the identity, batch norm uses
/// the running statistics, GELU is exact (erf by numerical integration).
/// </summary>
internal static class ReferenceNetwork
{
    /// <summary>Raw outputs, row-major [rows, OutputSize].</summary>
    public static double[] Forward(NetworkWeights weights, float[] features, int rows)
    {
        var spec = weights.Spec;
        var result = new List<double>();
        for (var r = 0; r < rows; r++)
        {
            var x = features.Skip(r * spec.InputSize).Take(spec.InputSize).Select(v => (double)v).ToArray();
            for (var i = 0; i < spec.Layers.Count; i++)
                x = Layer(spec.Layers[i], i, weights, x);
            result.AddRange(x);
        }
        return result.ToArray();
    }

    /// <summary>The task head applied to raw outputs: sigmoid, softmax per row, or identity.</summary>
    public static double[] Head(PredictionKind task, double[] raw, int outputSize) => task switch
    {
        PredictionKind.BinaryClassification => raw.Select(Sigmoid).ToArray(),
        PredictionKind.MulticlassClassification => raw.Chunk(outputSize).SelectMany(Softmax).ToArray(),
        _ => raw.ToArray(),
    };

    private static double[] Layer(LayerSpec layer, int i, NetworkWeights w, double[] x)
    {
        switch (layer)
        {
            case DenseLayer d:
            {
                var weight = w[$"{i}.weight"].Data;
                var y = new double[d.Units];
                for (var o = 0; o < d.Units; o++)
                {
                    double sum = d.UseBias ? w[$"{i}.bias"].Data[o] : 0.0;
                    for (var k = 0; k < x.Length; k++)
                        sum += (double)weight[o * x.Length + k] * x[k];
                    y[o] = sum;
                }
                return y;
            }
            case DropoutLayer:
                return x;
            case BatchNormLayer b:
            {
                var (g, beta, mean, var) = (w[$"{i}.weight"].Data, w[$"{i}.bias"].Data, w[$"{i}.running_mean"].Data, w[$"{i}.running_var"].Data);
                return x.Select((v, c) => (v - mean[c]) / Math.Sqrt(var[c] + b.Epsilon) * g[c] + beta[c]).ToArray();
            }
            case ActivationLayer a:
                return x.Select(v => Activate(a, v)).ToArray();
            default:
                throw new NotSupportedException(layer.Kind);
        }
    }

    private static double Activate(ActivationLayer a, double v) => a.Activation switch
    {
        ActivationKind.Relu => Math.Max(0, v),
        ActivationKind.LeakyRelu => v >= 0 ? v : a.Alpha * v,
        ActivationKind.Gelu => 0.5 * v * (1 + Erf(v / Math.Sqrt(2))),
        ActivationKind.Tanh => Math.Tanh(v),
        ActivationKind.Sigmoid => Sigmoid(v),
        ActivationKind.Elu => v >= 0 ? v : a.Alpha * (Math.Exp(v) - 1),
        ActivationKind.Silu => v * Sigmoid(v),
        _ => throw new NotSupportedException(a.Activation.ToString()),
    };

    public static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));

    private static IEnumerable<double> Softmax(double[] logits)
    {
        var max = logits.Max();
        var exp = logits.Select(l => Math.Exp(l - max)).ToArray();
        var sum = exp.Sum();
        return exp.Select(e => e / sum);
    }

    /// <summary>erf(x) = 2/√π ∫₀ˣ e^(−t²) dt by composite Simpson (error far below 1e-12 here).</summary>
    public static double Erf(double x)
    {
        if (x < 0)
            return -Erf(-x);
        if (x > 6)
            return 1;
        const int n = 2000;
        var h = x / n;
        var sum = 1 + Math.Exp(-x * x);
        for (var k = 1; k < n; k++)
        {
            var t = k * h;
            sum += (k % 2 == 1 ? 4 : 2) * Math.Exp(-t * t);
        }
        return 2 / Math.Sqrt(Math.PI) * sum * h / 3;
    }
}
