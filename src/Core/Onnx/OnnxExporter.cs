using System.Reflection;
using DeepML.Onnx;
using DeepML.Onnx.Proto;

namespace DeepML;

/// <summary>
/// Writes a <see cref="NetworkModel"/> as an ONNX model (IR version 8, opset 17) that ONNX Runtime
/// and ML.NET's <c>ApplyOnnxModel</c> load. Tensor names are in <see cref="OnnxNames"/>, metadata
/// keys in <see cref="OnnxMetadataKeys"/>.
/// </summary>
/// <remarks>
/// <para>The graph is generated from the network description and its weights: first the inference
/// form (<see cref="InferenceRewrite"/>: dropout removed, batch norm folded into a preceding Dense or Conv),
/// then each layer's own <see cref="LayerSpec.Lower"/>, walking the tree. Weights are initializers named
/// by their path (<c>"0.weight"</c>, <c>"3.body.0.weight"</c>); the inference-form description goes into
/// the metadata with <see cref="OnnxMetadataKeys.SpecFormat"/> = <see cref="SpecFormat"/>, so
/// the model can be read back without per-kind code.</para>
/// <para>The input is <c>[N, F]</c> with F the input shape's element count (what the scorer feeds); an
/// input shape of higher rank is reshaped to <c>[N, ...shape]</c> first, and an output of higher rank is
/// flattened. Task head: <c>Sigmoid</c> (binary), <c>Softmax</c> over the last axis (multiclass) or
/// <c>Identity</c> (regression), written as a second output beside the raw one.</para>
/// <para>Export is deterministic: the same model gives the same bytes. A layer kind without a lowering
/// fails with a <see cref="NotSupportedException"/> that names it and its path.</para>
/// </remarks>
public static class OnnxExporter
{
    /// <summary>The ONNX IR version written (ONNX 1.12 era; ML.NET 5 and ONNX Runtime ≥ 1.12 read it).</summary>
    public const long IrVersion = 8;

    /// <summary>The default-domain operator set version written.</summary>
    public const long Opset = 17;

    /// <summary>
    /// The <see cref="OnnxMetadataKeys.SpecFormat"/> written: "2" = the spec is the inference form (after
    /// <see cref="InferenceRewrite"/>) and every weight is an initializer named by its path. Models without
    /// the key were written by DeepML 0.1 (training-form spec, folded batch norms, <c>{i}.scale</c>/<c>{i}.shift</c>).
    /// </summary>
    public const string SpecFormat = "2";

    /// <summary>The symbolic batch dimension of the input and outputs.</summary>
    public const string BatchDimension = "N";

    /// <summary>Serializes <paramref name="model"/> as ONNX <c>ModelProto</c> bytes.</summary>
    /// <param name="model">A trained network.</param>
    /// <returns>The ONNX model.</returns>
    /// <exception cref="NotSupportedException">The network has a layer kind with no ONNX lowering.</exception>
    public static byte[] Export(NetworkModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        RequireFinite(model.Weights);
        var inference = InferenceRewrite.Apply(model.Weights);
        var graph = BuildGraph(model, inference);
        var header = new OnnxModelHeader(IrVersion, Opset, "DeepML", DeepMLVersion, Metadata(model, inference.Spec));
        return graph.Encode(header);
    }

    /// <summary>
    /// Writes <paramref name="model"/> to <paramref name="path"/> atomically: the bytes go to
    /// a temporary file beside <paramref name="path"/> first, which then replaces it (<see cref="AtomicFile"/>), so readers never see a
    /// half-written file.
    /// </summary>
    /// <param name="model">A trained network.</param>
    /// <param name="path">Destination file; its folder must exist. An existing file is replaced.</param>
    public static void ExportToFile(NetworkModel model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        AtomicFile.Write(path, Export(model), "OnnxExporter");
    }

    internal static string DeepMLVersion { get; } =
        typeof(OnnxExporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "0";

    private static void RequireFinite(NetworkWeights weights)
    {
        foreach (var (name, array) in weights.Arrays)
        {
            var at = Array.FindIndex(array.Data, v => !float.IsFinite(v));
            if (at >= 0)
                throw new ArgumentException($"OnnxExporter: weight '{name}' holds {array.Data[at]} at index {at}; expected finite values. Training diverged: lower the learning rate or check the inputs for NaN.", "model");
        }
    }

    private static OnnxGraph BuildGraph(NetworkModel model, NetworkWeights inference)
    {
        var graph = new OnnxGraph("deepml");
        var shape = inference.Spec.InputShape!;
        graph.AddInput(OnnxNames.Features, BatchDimension, (long)shape.ElementCount);
        var x = OnnxNames.Features;
        if (shape.Rank > 1) // the scorer feeds [N, C·H·W]; the network reads [N, C, H, W]
            x = graph.Node("input_shape", "Reshape", [x, graph.ConstantInt64("input_shape/shape", [-1, .. shape.Dims.Select(d => (long)d)], shape.Rank + 1)]);
        x = inference.Spec.Root.Lower(new OnnxLowering(graph, inference), x, shape, "");
        var outputs = inference.Spec.OutputShape;
        if (outputs.Rank > 1)
            x = graph.Node("output_flatten", "Flatten", [x], null, new OnnxAttribute("axis", Int: 1));
        var raw = graph.Alias(x, OnnxNames.RawOutput(model.Task));

        var task = OnnxNames.TaskOutput(model.Task);
        _ = model.Task switch
        {
            PredictionKind.BinaryClassification => graph.Node("head", "Sigmoid", [raw], task),
            PredictionKind.MulticlassClassification => graph.Node("head", "Softmax", [raw], task, new OnnxAttribute("axis", Int: -1)),
            _ => graph.Node("head", "Identity", [raw], task),
        };
        graph.AddOutput(raw, BatchDimension, (long)model.OutputSize);
        graph.AddOutput(task, BatchDimension, (long)model.OutputSize);
        return graph;
    }

    private static List<KeyValuePair<string, string>> Metadata(NetworkModel model, NetworkSpec inference) =>
    [
        new(OnnxMetadataKeys.Version, DeepMLVersion),
        new(OnnxMetadataKeys.Task, model.Task.ToString()),
        new(OnnxMetadataKeys.FeatureColumn, model.FeatureColumnName),
        new(OnnxMetadataKeys.ClassNames, NetworkSpecJson.WriteStrings(model.ClassNames)),
        new(OnnxMetadataKeys.FeatureNames, NetworkSpecJson.WriteStrings(model.FeatureNames)),
        new(OnnxMetadataKeys.Spec, NetworkSpecJson.Write(inference)),
        new(OnnxMetadataKeys.SpecFormat, SpecFormat),
        new(OnnxMetadataKeys.Input, OnnxNames.Features),
        new(OnnxMetadataKeys.RawOutput, OnnxNames.RawOutput(model.Task)),
        new(OnnxMetadataKeys.TaskOutput, OnnxNames.TaskOutput(model.Task)),
    ];
}
