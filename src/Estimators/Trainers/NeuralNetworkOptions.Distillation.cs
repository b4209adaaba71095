namespace DeepML;

// Knowledge distillation: learning from a fitted teacher as well as from the labels.
public sealed partial record NeuralNetworkOptions
{
    /// <summary>
    /// Knowledge distillation from a fitted teacher (<see cref="DistillationOptions"/>: any ML.NET model, scored once
    /// and cached, or a DeepML network scored on every batch); null (default) learns from the labels alone. The fitted
    /// model, its ONNX export and its scoring are those of a plain network.
    /// </summary>
    public DistillationOptions? Distillation { get; init; }
}
