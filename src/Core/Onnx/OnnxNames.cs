namespace DeepML;

/// <summary>
/// The tensor names of the ONNX graphs that <see cref="OnnxExporter"/> writes. Every graph has one
/// input and two outputs, both with a symbolic batch dimension <c>N</c>:
/// <list type="table">
/// <listheader><term>Task</term><description>Outputs (in graph order)</description></listheader>
/// <item><term><see cref="PredictionKind.BinaryClassification"/></term><description><c>logits</c> [N,1] (raw), <c>probability</c> [N,1] = sigmoid(logits)</description></item>
/// <item><term><see cref="PredictionKind.MulticlassClassification"/></term><description><c>logits</c> [N,K] (raw), <c>probabilities</c> [N,K] = softmax(logits) over the last axis</description></item>
/// <item><term><see cref="PredictionKind.Regression"/></term><description><c>output</c> [N,1] (raw), <c>score</c> [N,1] (identical values)</description></item>
/// </list>
/// The input is <c>features</c> [N, InputSize] of float.
/// </summary>
public static class OnnxNames
{
    /// <summary>The input: <c>features</c>, float [N, InputSize].</summary>
    public const string Features = "features";

    /// <summary>Raw output of classifiers: <c>logits</c>, float [N,1] (binary) or [N,K] (multiclass).</summary>
    public const string Logits = "logits";

    /// <summary>Raw output of regressors: <c>output</c>, float [N,1].</summary>
    public const string Output = "output";

    /// <summary>Binary classification: <c>probability</c> = sigmoid(logits), float [N,1].</summary>
    public const string Probability = "probability";

    /// <summary>Multiclass classification: <c>probabilities</c> = softmax(logits), float [N,K].</summary>
    public const string Probabilities = "probabilities";

    /// <summary>Regression: <c>score</c>, float [N,1], equal to <see cref="Output"/>.</summary>
    public const string Score = "score";

    /// <summary>The raw (pre-activation) output name for a task: <see cref="Logits"/> or <see cref="Output"/>.</summary>
    /// <param name="task">The prediction task.</param>
    public static string RawOutput(PredictionKind task) => task == PredictionKind.Regression ? Output : Logits;

    /// <summary>The task-shaped output name: <see cref="Probability"/>, <see cref="Probabilities"/> or <see cref="Score"/>.</summary>
    /// <param name="task">The prediction task.</param>
    public static string TaskOutput(PredictionKind task) => task switch
    {
        PredictionKind.BinaryClassification => Probability,
        PredictionKind.MulticlassClassification => Probabilities,
        PredictionKind.Regression => Score,
        _ => throw new ArgumentException($"OnnxNames: unknown prediction task {(int)task}; expected BinaryClassification, MulticlassClassification or Regression.", nameof(task)),
    };
}
