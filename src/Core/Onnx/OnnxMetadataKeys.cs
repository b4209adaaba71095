namespace DeepML;

/// <summary>
/// The keys DeepML writes into an ONNX model's <c>metadata_props</c>. ONNX Runtime exposes them as
/// <c>InferenceSession.ModelMetadata.CustomMetadataMap</c>; <see cref="OnnxModelMetadata"/> reads them.
/// </summary>
public static class OnnxMetadataKeys
{
    /// <summary>DeepML's version that wrote the model, for example <c>0.1.0</c>.</summary>
    public const string Version = "deepml.version";

    /// <summary>The <see cref="PredictionKind"/> name, for example <c>BinaryClassification</c>.</summary>
    public const string Task = "deepml.task";

    /// <summary>The ML.NET feature column the network reads.</summary>
    public const string FeatureColumn = "deepml.feature_column";

    /// <summary>Multiclass class names in output order, as a JSON array of strings (empty array otherwise).</summary>
    public const string ClassNames = "deepml.class_names";

    /// <summary>Feature slot names, as a JSON array of strings (empty array when unknown).</summary>
    public const string FeatureNames = "deepml.feature_names";

    /// <summary>The network description as JSON: <c>{"inputShape":[N],"layers":[{"kind":"Dense","units":128,...},...]}</c> (inference form from format 2 on).</summary>
    public const string Spec = "deepml.spec";

    /// <summary>
    /// The format of <see cref="Spec"/> and of the weight initializers: <c>"2"</c> = inference-form tree,
    /// weights named by path (<see cref="OnnxExporter.SpecFormat"/>). Absent in models written by DeepML 0.1.
    /// </summary>
    public const string SpecFormat = "deepml.spec_format";

    /// <summary>The graph input name (<see cref="OnnxNames.Features"/>).</summary>
    public const string Input = "deepml.input";

    /// <summary>The raw output name (<see cref="OnnxNames.Logits"/> or <see cref="OnnxNames.Output"/>).</summary>
    public const string RawOutput = "deepml.raw_output";

    /// <summary>
    /// Present only in int8 graphs written by <c>ml.DeepML().Compression.Quantize</c>: the quantization options as JSON, for example
    /// <c>{"method":"Static","weights":"int8 symmetric per-channel","activations":"UInt8 asymmetric","calibration":"MinMax"}</c>.
    /// </summary>
    public const string Quantization = "deepml.quantization";

    /// <summary>The task-shaped output name (<see cref="OnnxNames.Probability"/>, <see cref="OnnxNames.Probabilities"/> or <see cref="OnnxNames.Score"/>).</summary>
    public const string TaskOutput = "deepml.task_output";
}
