using System.Text.Json.Nodes;
using DeepML.Onnx.Proto;
using DeepML.Persistence;
using Google.Protobuf;
using Microsoft.ML;

namespace DeepML.Compression.Quantization;

/// <summary>
/// Post-training quantization of a fitted network's ONNX graph: finds the quantizable nodes, calibrates (static), rewrites the
/// graph, records the options in the metadata (<see cref="MetadataKey"/>) and opens the result as a scoring transformer.
/// </summary>
internal static class NetworkQuantizer
{
    /// <summary>The <c>metadata_props</c> key of a quantized DeepML graph: the options as JSON.</summary>
    public const string MetadataKey = OnnxMetadataKeys.Quantization;

    private const string Component = "Quantize";

    public static QuantizationResult Quantize(MLContext ml, NetworkScoringTransformer fitted, IDataView? calibration, QuantizationOptions options)
    {
        var floatBytes = fitted.ExportOnnx();
        var model = OnnxModelMetadata.Parse(floatBytes, Component);
        var metadata = OnnxModelMetadata.MetadataOf(model);
        if (metadata.ContainsKey(MetadataKey))
            throw new ArgumentException($"{Component}: the network is already quantized ({MetadataKey} = {metadata[MetadataKey]}). Quantize the float model instead.", nameof(fitted));
        var feature = options.Method == QuantizationMethod.Static ? CheckCalibration(calibration, fitted) : null;

        var nodes = QuantizableNode.Find(model.Graph);
        var ranges = new List<ActivationRange>();
        var rows = 0;
        if (options.Method == QuantizationMethod.Dynamic)
        {
            QuantizedGraphWriter.WriteDynamic(model.Graph, nodes, options);
        }
        else
        {
            (var byTensor, rows) = Calibrate(model, nodes, calibration!, feature!.Value, fitted.Model.InputSize, options);
            ranges.AddRange(byTensor.Values);
            QuantizedGraphWriter.WriteStatic(model.Graph, nodes, byTensor, options);
        }
        var quantizedWeights = options.Method == QuantizationMethod.Dynamic
            ? nodes.Where(n => n.Op != QuantizableOp.Conv).Select(n => n.Weight).ToHashSet()
            : nodes.Select(n => n.Weight).ToHashSet();
        var (quantized, floats) = Report(OnnxModelMetadata.FromMap(metadata).Spec, model.Graph, quantizedWeights, options);

        model.MetadataProps.Add(new StringStringEntryProto { Key = MetadataKey, Value = Describe(options) });
        var bytes = model.ToByteArray();
        var network = OnnxNetworkReader.Read(bytes);
        var scoring = options.Scoring ?? (fitted.Predictor as OrtBatchPredictor)?.Options ?? new ScoringOptions();
        var predictor = new OrtBatchPredictor(bytes, scoring);
        try
        {
            var transformer = new NetworkScoringTransformer(ml, network, predictor, bytes, fitted.BatchSize);
            Log(ml, $"{Component}: {options.Method} int8, {quantized.Count} layer(s) int8 ({string.Join(", ", quantized.Select(l => $"{l.Path} {l.Kind}"))}), " +
                $"{floats.Count} float{string.Concat(floats.Select(f => $"; {f.Path} {f.Kind}: {f.Reason}"))}; ONNX {floatBytes.Length:N0} → {bytes.Length:N0} bytes" +
                (rows > 0 ? $"; {ranges.Count} activation range(s) from {rows} calibration row(s)." : "."));
            return new QuantizationResult(transformer, quantized, floats, ranges, floatBytes.Length, bytes.Length, rows, options);
        }
        catch
        {
            predictor.Dispose();
            throw;
        }
    }

    private static void Log(MLContext ml, string message)
    {
        using var channel = ((Microsoft.ML.Runtime.IHostEnvironment)ml).Register("DeepML.Quantize").Start("Quantize");
        channel.Info(Microsoft.ML.Runtime.MessageSensitivity.None, message);
    }

    private static DataViewSchema.Column? CheckCalibration(IDataView? calibration, NetworkScoringTransformer fitted)
    {
        if (calibration is null)
            throw new ArgumentException($"{Component}: static quantization needs calibration data, got null. Pass an IDataView with the model's feature column '{fitted.Model.FeatureColumnName}' (for example a few hundred training rows after the pipeline's featurizing steps), or use QuantizationMethod.Dynamic.", "calibrationData");
        var column = ColumnChecks.Find(calibration.Schema, Component, "feature", fitted.Model.FeatureColumnName);
        ColumnChecks.RequireFloatVector(column, Component, "feature", fitted.Model.InputSize);
        return column;
    }

    private static (Dictionary<string, ActivationRange>, int) Calibrate(ModelProto model, List<QuantizableNode> nodes, IDataView data,
        DataViewSchema.Column feature, int inputSize, QuantizationOptions options)
    {
        var graphOutputs = model.Graph.Output.Select(o => o.Name).ToHashSet();
        // Inputs always (they carry the node's activation scale); outputs where ORT can fuse a Q after the node, never graph outputs.
        var tensors = nodes.Select(n => n.Activation).Concat(nodes.Select(n => n.Output).Where(o => !graphOutputs.Contains(o))).Distinct().ToList();
        var (values, rows) = ActivationCalibrator.Collect(model, tensors, data, feature, inputSize, options.MaxCalibrationRows);
        if (rows == 0)
            throw new ArgumentException($"{Component}: the calibration data has 0 rows; expected at least 1 row of feature column '{feature.Name}'. Pass the training rows (or a few hundred of them) after the pipeline's featurizing steps.", "calibrationData");
        var ranges = new Dictionary<string, ActivationRange>();
        foreach (var tensor in tensors)
        {
            var finite = values[tensor].Where(float.IsFinite).ToArray();
            var (min, max) = CalibrationRanges.Of(finite, options);
            var (scale, zero) = QuantizationMath.ActivationParameters(min, max, options.ActivationType, options.SymmetricActivations);
            ranges[tensor] = new ActivationRange(tensor, min, max, scale, zero);
        }
        return (ranges, rows);
    }

    /// <summary>Each layer with weights, int8 or float (with the reason), in walk order.</summary>
    private static (List<QuantizedLayer>, List<FloatLayer>) Report(NetworkSpec spec, GraphProto graph, HashSet<string> quantizedWeights, QuantizationOptions options)
    {
        var quantized = new List<QuantizedLayer>();
        var floats = new List<FloatLayer>();
        foreach (var (path, layer, input) in LayerTree.Walk(spec.Root, spec.InputShape!))
        {
            var names = layer.WeightShapes(input).Select(w => LayerTree.Join(path, w.Name)).ToArray();
            if (names.Length == 0)
                continue;
            var int8 = names.Where(quantizedWeights.Contains).ToArray();
            if (int8.Length > 0)
            {
                quantized.Add(new QuantizedLayer(path, layer.Kind, int8));
                continue;
            }
            var ops = graph.Node.Where(n => n.Input.Any(names.Contains)).Select(n => n.OpType).Distinct().Order(StringComparer.Ordinal).ToArray();
            var reason = options.Method == QuantizationMethod.Dynamic && ops.Contains("Conv")
                ? "dynamic quantization covers MatMul and Gemm only (as ONNX Runtime's quantize_dynamic by default); use QuantizationMethod.Static for Conv layers"
                : $"its weights feed {(ops.Length == 0 ? "no node" : string.Join(", ", ops))}, not the weight input of a MatMul, Gemm or Conv, so it has no int8 path here";
            floats.Add(new FloatLayer(path, layer.Kind, reason));
        }
        return (quantized, floats);
    }

    private static string Describe(QuantizationOptions o)
    {
        var json = new JsonObject
        {
            ["method"] = o.Method.ToString(),
            ["weights"] = o.PerChannel ? "int8 symmetric per-channel" : "int8 symmetric per-tensor",
        };
        if (o.Method == QuantizationMethod.Dynamic)
            json["activations"] = o.DynamicScale == DynamicActivationScale.PerRow ? "UInt8 symmetric per row" : "UInt8 asymmetric per batch (DynamicQuantizeLinear)";
        else
        {
            json["activations"] = $"{o.ActivationType} {(o.SymmetricActivations ? "symmetric" : "asymmetric")}";
            json["calibration"] = o.Calibration == CalibrationMethod.Percentile ? $"Percentile {o.Percentile.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : o.Calibration.ToString();
        }
        return json.ToJsonString();
    }
}
