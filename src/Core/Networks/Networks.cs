namespace DeepML;

/// <summary>Ready-made network bodies. Trainers add the input size and the output head.</summary>
public static partial class Networks
{
    /// <summary>
    /// A multi-layer perceptron body: for each hidden size, <c>Dense → [BatchNorm] → activation → [Dropout]</c>.
    /// </summary>
    /// <param name="hiddenUnits">Units of each hidden layer, input side first; empty gives a linear model.</param>
    /// <param name="activation">The non-linearity after each hidden layer.</param>
    /// <param name="dropout">Dropout rate after each hidden layer, in [0, 1); 0 adds none.</param>
    /// <param name="batchNorm">Whether to add batch normalisation after each hidden dense layer.</param>
    public static NetworkSpec Mlp(int[] hiddenUnits, ActivationKind activation = ActivationKind.Relu, double dropout = 0, bool batchNorm = false)
    {
        ArgumentNullException.ThrowIfNull(hiddenUnits);
        if (!(dropout >= 0 && dropout < 1))
            throw new ArgumentException($"Networks.Mlp: dropout must be in [0, 1), got {dropout}.", nameof(dropout));
        var layers = new List<LayerSpec>();
        foreach (var units in hiddenUnits)
        {
            if (units < 1)
                throw new ArgumentException($"Networks.Mlp: every hidden layer needs at least 1 unit, got {units}.", nameof(hiddenUnits));
            layers.Add(new DenseLayer(units));
            if (batchNorm)
                layers.Add(new BatchNormLayer());
            layers.Add(new ActivationLayer(activation));
            if (dropout > 0)
                layers.Add(new DropoutLayer(dropout));
        }
        return new NetworkSpec(layers);
    }

    /// <summary>A linear model body (no hidden layers): the trainer's head is the only layer.</summary>
    public static NetworkSpec Linear() => new([]);
}
