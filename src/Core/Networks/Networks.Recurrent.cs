namespace DeepML;

/// <summary>Recurrent presets: an LSTM or GRU encoder over a <c>[T, F]</c> sequence, then a dense head body.</summary>
public static partial class Networks
{
    /// <summary>
    /// An LSTM body for sequences declared <c>[T, F]</c> (<see cref="TensorShape"/> in the trainer's <c>InputShape</c>):
    /// <c>Lstm(hiddenSize, numLayers, bidirectional)</c> reading the last step, then for each of <paramref name="denseUnits"/>
    /// <c>Dense → activation → [Dropout]</c>. The trainer adds the output layer.
    /// </summary>
    /// <param name="hiddenSize">Units of the LSTM's hidden state; at least 1.</param>
    /// <param name="numLayers">Stacked LSTM layers; at least 1.</param>
    /// <param name="bidirectional">Whether the LSTM also reads the sequence backwards (the output doubles).</param>
    /// <param name="denseUnits">Units of each dense layer after the LSTM; null or empty for none.</param>
    /// <param name="dropout">Dropout between stacked LSTM layers and after each dense layer, in [0, 1); 0 adds none.</param>
    /// <param name="activation">The non-linearity after each dense layer.</param>
    public static NetworkSpec Lstm(int hiddenSize, int numLayers = 1, bool bidirectional = false, int[]? denseUnits = null,
        double dropout = 0, ActivationKind activation = ActivationKind.Relu) =>
        Recurrent(nameof(Lstm), denseUnits, dropout, activation, () => new LstmLayer(hiddenSize, numLayers, bidirectional, dropout: numLayers > 1 ? dropout : 0));

    /// <summary>
    /// A GRU body for sequences declared <c>[T, F]</c>: <c>Gru(hiddenSize, numLayers, bidirectional)</c> reading the last
    /// step, then for each of <paramref name="denseUnits"/> <c>Dense → activation → [Dropout]</c>. The trainer adds the output layer.
    /// </summary>
    /// <param name="hiddenSize">Units of the GRU's hidden state; at least 1.</param>
    /// <param name="numLayers">Stacked GRU layers; at least 1.</param>
    /// <param name="bidirectional">Whether the GRU also reads the sequence backwards (the output doubles).</param>
    /// <param name="denseUnits">Units of each dense layer after the GRU; null or empty for none.</param>
    /// <param name="dropout">Dropout between stacked GRU layers and after each dense layer, in [0, 1); 0 adds none.</param>
    /// <param name="activation">The non-linearity after each dense layer.</param>
    public static NetworkSpec Gru(int hiddenSize, int numLayers = 1, bool bidirectional = false, int[]? denseUnits = null,
        double dropout = 0, ActivationKind activation = ActivationKind.Relu) =>
        Recurrent(nameof(Gru), denseUnits, dropout, activation, () => new GruLayer(hiddenSize, numLayers, bidirectional, dropout: numLayers > 1 ? dropout : 0));

    private static NetworkSpec Recurrent(string preset, int[]? denseUnits, double dropout, ActivationKind activation, Func<RecurrentLayer> encoder)
    {
        if (!(dropout >= 0 && dropout < 1))
            throw new ArgumentException($"Networks.{preset}: dropout must be in [0, 1), got {dropout}.", nameof(dropout));
        var layers = new List<LayerSpec> { encoder() }; // the layer validates hiddenSize and numLayers, naming them
        foreach (var units in denseUnits ?? [])
        {
            if (units < 1)
                throw new ArgumentException($"Networks.{preset}: every dense layer needs at least 1 unit, got {units}.", nameof(denseUnits));
            layers.Add(new DenseLayer(units));
            layers.Add(new ActivationLayer(activation));
            if (dropout > 0)
                layers.Add(new DropoutLayer(dropout));
        }
        return new NetworkSpec(layers);
    }
}
