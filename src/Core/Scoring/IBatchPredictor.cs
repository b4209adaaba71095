namespace DeepML;

/// <summary>
/// Runs a network on a batch of examples held in one buffer. DeepML's scoring transformers call
/// it once per batch of rows (and once per row for <c>PredictionEngine</c>); implementations are
/// ONNX Runtime sessions (CPU or CUDA) or a training framework's module.
/// </summary>
/// <remarks>
/// Implementations must be safe to call from several threads at once (one fitted transformer
/// serves many prediction engines) and own their native resources (dispose releases them;
/// <see cref="Predict"/> after dispose throws <see cref="ObjectDisposedException"/>).
/// </remarks>
public interface IBatchPredictor : IDisposable
{
    /// <summary>Features per example.</summary>
    int InputSize { get; }

    /// <summary>Raw outputs per example.</summary>
    int OutputSize { get; }

    /// <summary>Where it runs, for logs: for example "ONNX Runtime 1.32.0, CPUExecutionProvider".</summary>
    string Description { get; }

    /// <summary>
    /// Computes the raw outputs of <paramref name="rows"/> examples.
    /// </summary>
    /// <param name="features">Row-major inputs; the first <c>rows × InputSize</c> values are used.</param>
    /// <param name="rows">Examples in this batch; at least 1.</param>
    /// <param name="outputs">Receives row-major outputs; the first <c>rows × OutputSize</c> values are written.</param>
    void Predict(float[] features, int rows, float[] outputs);
}
