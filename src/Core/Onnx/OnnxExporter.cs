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
/// <para>The graph is generated from the network description and its weights:</para>
/// <list type="bullet">
/// <item>Dense → <c>Gemm</c> (transB = 1, PyTorch's [out, in] weight layout).</item>
/// <item>Dropout → removed (identity at inference).</item>
/// <item>BatchNorm → folded into the preceding Dense layer (in double precision); with no Dense
/// before it, <c>Mul</c> and <c>Add</c> by the precomputed per-feature scale and shift.</item>
/// <item>Relu, Tanh, Sigmoid → the operators of that name; LeakyRelu and Elu with their alpha;
/// Silu → <c>x·Sigmoid(x)</c>; Gelu (exact) → <c>0.5·x·(1 + Erf(x/√2))</c>, as Gelu is only an
/// operator from opset 20.</item>
/// <item>Task head: <c>Sigmoid</c> (binary), <c>Softmax</c> over the last axis (multiclass) or
/// <c>Identity</c> (regression), written as a second output beside the raw one.</item>
/// </list>
/// <para>Export is deterministic: the same model gives the same bytes. Any other layer kind fails
/// with a <see cref="NotSupportedException"/> that names it.</para>
/// </remarks>
public static class OnnxExporter
{
    /// <summary>The ONNX IR version written (ONNX 1.12 era; ML.NET 5 and ONNX Runtime ≥ 1.12 read it).</summary>
    public const long IrVersion = 8;

    /// <summary>The default-domain operator set version written.</summary>
    public const long Opset = 17;

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
        var graph = BuildGraph(model);
        var header = new OnnxModelHeader(IrVersion, Opset, "DeepML", DeepMLVersion, Metadata(model));
        return OnnxModelEncoder.Encode(graph, header);
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

    private static OnnxGraph BuildGraph(NetworkModel model)
    {
        var steps = InferenceLayers.Plan(model.Weights);
        var graph = new OnnxGraph("deepml");
        graph.AddInput(OnnxNames.Features, BatchDimension, (long)model.InputSize);
        var raw = OnnxNames.RawOutput(model.Task);
        var x = OnnxNames.Features;
        for (var s = 0; s < steps.Count; s++)
            x = Emit(graph, steps[s], x, s == steps.Count - 1 ? raw : null);
        if (steps.Count == 0)
            x = graph.Node("raw", "Identity", [x], raw);

        var task = OnnxNames.TaskOutput(model.Task);
        _ = model.Task switch
        {
            PredictionKind.BinaryClassification => graph.Node("head", "Sigmoid", [x], task),
            PredictionKind.MulticlassClassification => graph.Node("head", "Softmax", [x], task, new OnnxAttribute("axis", Int: -1)),
            _ => graph.Node("head", "Identity", [x], task),
        };
        graph.AddOutput(raw, BatchDimension, (long)model.OutputSize);
        graph.AddOutput(task, BatchDimension, (long)model.OutputSize);
        return graph;
    }

    /// <summary>Emits one step reading <paramref name="x"/>; its last node writes <paramref name="output"/> when given.</summary>
    private static string Emit(OnnxGraph g, InferenceStep step, string x, string? output) => step switch
    {
        DenseStep d => g.Node($"dense{d.LayerIndex}", "Gemm",
            d.Bias is null
                ? [x, g.Constant($"{d.LayerIndex}.weight", d.Weight, d.Out, d.In)]
                : [x, g.Constant($"{d.LayerIndex}.weight", d.Weight, d.Out, d.In), g.Constant($"{d.LayerIndex}.bias", d.Bias, d.Out)],
            output, new OnnxAttribute("transB", Int: 1)),
        AffineStep a => g.Node($"batchnorm{a.LayerIndex}", "Add",
            [g.Node($"batchnorm{a.LayerIndex}_scaled", "Mul", [x, g.Constant($"{a.LayerIndex}.scale", a.Scale, a.Scale.Length)]),
             g.Constant($"{a.LayerIndex}.shift", a.Shift, a.Shift.Length)], output),
        ActivationStep s => EmitActivation(g, s, x, output),
        _ => throw new InvalidOperationException($"OnnxExporter: no lowering for step {step.GetType().Name}."),
    };

    private static string EmitActivation(OnnxGraph g, ActivationStep step, string x, string? output)
    {
        var layer = step.Layer;
        var name = $"{layer.Activation.ToString().ToLowerInvariant()}{step.LayerIndex}";
        switch (layer.Activation)
        {
            case ActivationKind.Relu: return g.Node(name, "Relu", [x], output);
            case ActivationKind.Tanh: return g.Node(name, "Tanh", [x], output);
            case ActivationKind.Sigmoid: return g.Node(name, "Sigmoid", [x], output);
            case ActivationKind.LeakyRelu: return g.Node(name, "LeakyRelu", [x], output, new OnnxAttribute("alpha", Float: (float)layer.Alpha));
            case ActivationKind.Elu: return g.Node(name, "Elu", [x], output, new OnnxAttribute("alpha", Float: (float)layer.Alpha));
            case ActivationKind.Silu:
                return g.Node(name, "Mul", [x, g.Node(name + "_sigmoid", "Sigmoid", [x])], output);
            case ActivationKind.Gelu:
                // Exact GELU: 0.5 · x · (1 + erf(x / √2)).
                var scaled = g.Node(name + "_div", "Div", [x, g.Scalar(name + ".sqrt2", (float)Math.Sqrt(2.0))]);
                var onePlusErf = g.Node(name + "_add", "Add", [g.Node(name + "_erf", "Erf", [scaled]), g.Scalar(name + ".one", 1f)]);
                return g.Node(name, "Mul", [g.Node(name + "_mul", "Mul", [x, onePlusErf]), g.Scalar(name + ".half", 0.5f)], output);
            default:
                throw new NotSupportedException($"OnnxExporter: activation '{layer.Activation}' of layer {step.LayerIndex} has no ONNX lowering. Use one of {string.Join(", ", Enum.GetNames<ActivationKind>())}.");
        }
    }

    private static List<KeyValuePair<string, string>> Metadata(NetworkModel model) =>
    [
        new(OnnxMetadataKeys.Version, DeepMLVersion),
        new(OnnxMetadataKeys.Task, model.Task.ToString()),
        new(OnnxMetadataKeys.FeatureColumn, model.FeatureColumnName),
        new(OnnxMetadataKeys.ClassNames, NetworkSpecJson.WriteStrings(model.ClassNames)),
        new(OnnxMetadataKeys.FeatureNames, NetworkSpecJson.WriteStrings(model.FeatureNames)),
        new(OnnxMetadataKeys.Spec, NetworkSpecJson.Write(model.Spec)),
        new(OnnxMetadataKeys.Input, OnnxNames.Features),
        new(OnnxMetadataKeys.RawOutput, OnnxNames.RawOutput(model.Task)),
        new(OnnxMetadataKeys.TaskOutput, OnnxNames.TaskOutput(model.Task)),
    ];
}
