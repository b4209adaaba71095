namespace DeepML;

/// <summary>
/// A layer whose buffers are computed from the training data before training starts (the quantile bins of
/// <see cref="PiecewiseLinearEncodingLayer"/>). The buffers are weights of the network like batch norm's running
/// statistics: saved, exported to ONNX as initializers and read back by name; the description holds no data.
/// </summary>
/// <remarks>The trainers call <see cref="FitBuffers"/> once in <c>Fit</c>, after initialisation and before the first epoch,
/// with every training row as the layer receives it. Such a layer must sit at the top level of the network.</remarks>
public interface IFitsTrainingData
{
    /// <summary>The layer's buffers (names as in <see cref="LayerSpec.WeightShapes(TensorShape)"/>) for these rows.</summary>
    /// <param name="values">Row-major <c>[rows, ...input]</c> values the layer receives.</param>
    /// <param name="rows">Number of rows; at least 1.</param>
    /// <param name="input">The layer's per-example input shape.</param>
    IReadOnlyDictionary<string, WeightArray> FitBuffers(float[] values, int rows, TensorShape input);
}
