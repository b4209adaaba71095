namespace DeepML;

/// <summary>
/// Regression's label standardisation (<see cref="NeuralNetworkOptions.StandardizeLabel"/>): the network
/// trains on <c>(y − μ) / σ</c> and, after training, the output layer absorbs the inverse
/// (<c>W' = σ·W</c>, <c>b' = σ·b + μ</c>), so the exported graph predicts in label units with no extra node.
/// </summary>
/// <param name="Mean">μ, the (weighted) mean of the training labels.</param>
/// <param name="StandardDeviation">σ, their (weighted, population) standard deviation; 1 when the labels are constant.</param>
internal sealed record LabelScale(double Mean, double StandardDeviation)
{
    /// <summary>μ and σ of <paramref name="data"/>'s targets, each row weighted by its example weight.</summary>
    public static LabelScale Of(TrainingData data)
    {
        double sum = 0, weights = 0;
        for (var r = 0; r < data.Rows; r++)
        {
            sum += (double)data.Weights[r] * data.Targets[r];
            weights += data.Weights[r];
        }
        var mean = sum / weights;
        double squares = 0;
        for (var r = 0; r < data.Rows; r++)
        {
            var d = data.Targets[r] - mean;
            squares += data.Weights[r] * d * d;
        }
        var std = Math.Sqrt(squares / weights);
        // A constant label leaves nothing to scale; a tiny spread would blow the targets up past float precision.
        return new LabelScale(mean, std > 1e-12 * Math.Max(1, Math.Abs(mean)) ? std : 1);
    }

    /// <summary><paramref name="data"/> with its targets standardised.</summary>
    public TrainingData Standardize(TrainingData data) =>
        data.WithTargets(data.Targets.Select(y => (float)((y - Mean) / StandardDeviation)).ToArray());

    /// <summary>
    /// The weights with the de-standardisation folded into the last layer, which must be the dense output
    /// layer the trainer appended: every output weight times σ, the bias times σ plus μ.
    /// </summary>
    public NetworkWeights Fold(NetworkWeights weights)
    {
        var spec = weights.Spec;
        var last = spec.Layers.Count - 1;
        if (spec.Layers[last] is not DenseLayer)
            throw new InvalidOperationException($"LabelScale: the network's last layer is {spec.Layers[last]}, not the dense output layer the trainer appends.");
        var arrays = new Dictionary<string, WeightArray>(weights.Arrays);
        var weight = weights[$"{last}.weight"];
        arrays[$"{last}.weight"] = new WeightArray(weight.Data.Select(w => (float)(StandardDeviation * w)).ToArray(), weight.Shape);
        var bias = $"{last}.bias";
        if (!weights.Arrays.TryGetValue(bias, out var b))
            throw new InvalidOperationException($"LabelScale: the output layer has no bias '{bias}' to take the label mean.");
        arrays[bias] = new WeightArray(b.Data.Select(v => (float)(StandardDeviation * v + Mean)).ToArray(), b.Shape);
        return new NetworkWeights(spec, arrays);
    }
}
