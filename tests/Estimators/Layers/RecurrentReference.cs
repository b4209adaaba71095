namespace DeepML.Estimators.Tests.Layers;

/// <summary>
/// PyTorch's documented LSTM and GRU equations (torch.nn.LSTM / torch.nn.GRU), written out in double precision for
/// one example, stacked and bidirectional, zero initial state: an implementation independent of TorchSharp and ONNX.
/// </summary>
internal static class RecurrentReference
{
    /// <summary>The layer's output for <paramref name="x"/> <c>[T][F]</c>: flattened <c>[T, dirs·H]</c> or <c>[dirs·H]</c>.</summary>
    public static double[] Forward(RecurrentLayer layer, NetworkWeights weights, string path, double[][] x)
    {
        var h = layer.HiddenSize;
        var input = x;
        double[][] fwd = [], bwd = [];
        for (var k = 0; k < layer.NumLayers; k++)
        {
            fwd = Direction(layer, weights, $"{path}.rnn", $"l{k}", input, reverse: false);
            bwd = layer.Bidirectional ? Direction(layer, weights, $"{path}.rnn", $"l{k}_reverse", input, reverse: true) : [];
            var (f, b) = (fwd, bwd);
            input = Enumerable.Range(0, x.Length).Select(t => layer.Bidirectional ? f[t].Concat(b[t]).ToArray() : f[t]).ToArray();
        }
        if (layer.ReturnSequences)
            return input.SelectMany(v => v).ToArray();
        return layer.Bidirectional ? fwd[^1].Concat(bwd[0]).ToArray() : fwd[^1]; // h_n: forward after step T, backward after step 1
    }

    private static double[][] Direction(RecurrentLayer layer, NetworkWeights weights, string prefix, string suffix, double[][] x, bool reverse)
    {
        var h = layer.HiddenSize;
        var wi = weights[$"{prefix}.weight_ih_{suffix}"];
        var wh = weights[$"{prefix}.weight_hh_{suffix}"];
        var bi = weights[$"{prefix}.bias_ih_{suffix}"].Data;
        var bh = weights[$"{prefix}.bias_hh_{suffix}"].Data;
        var state = new double[h];
        var cell = new double[h];
        var outputs = new double[x.Length][];
        foreach (var t in reverse ? Enumerable.Range(0, x.Length).Reverse() : Enumerable.Range(0, x.Length))
        {
            var a = Affine(wi.Data, wi.Shape[1], bi, x[t]);   // W_i·x + b_i, PyTorch's gate blocks stacked
            var b = Affine(wh.Data, h, bh, state);            // W_h·h + b_h
            var next = new double[h];
            for (var j = 0; j < h; j++)
            {
                if (layer is LstmLayer)
                {
                    // i, f, g, o: c' = f·c + i·g, h' = o·tanh(c')
                    double i = Sigmoid(a[j] + b[j]), f = Sigmoid(a[h + j] + b[h + j]), g = Math.Tanh(a[2 * h + j] + b[2 * h + j]), o = Sigmoid(a[3 * h + j] + b[3 * h + j]);
                    cell[j] = f * cell[j] + i * g;
                    next[j] = o * Math.Tanh(cell[j]);
                }
                else
                {
                    // r, z, n: n = tanh(W_n x + b_in + r·(W_hn h + b_hn)), h' = (1 − z)·n + z·h
                    double r = Sigmoid(a[j] + b[j]), z = Sigmoid(a[h + j] + b[h + j]), n = Math.Tanh(a[2 * h + j] + r * b[2 * h + j]);
                    next[j] = (1 - z) * n + z * state[j];
                }
            }
            state = next;
            outputs[t] = next;
        }
        return outputs;
    }

    private static double[] Affine(float[] w, int columns, float[] bias, double[] v)
    {
        var result = new double[bias.Length];
        for (var row = 0; row < bias.Length; row++)
        {
            double sum = bias[row];
            for (var c = 0; c < columns; c++)
                sum += w[row * columns + c] * v[c];
            result[row] = sum;
        }
        return result;
    }

    private static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));
}
