using Microsoft.ML.OnnxRuntime;

namespace DeepML;

/// <summary>
/// Binds the columns of <see cref="OnnxScoringOptions"/> to a model's inputs and outputs and checks
/// them, so that every problem is found when the estimator is made, before any row is read.
/// </summary>
internal static class OnnxBindings
{
    /// <summary>
    /// The input and output bindings. Outputs come in <see cref="OnnxScoringOptions.OutputColumnNames"/>
    /// order, those named like their ONNX output first and the renamed ones after them: the column order
    /// of the chain the transformer saves as (ML.NET's <c>OnnxTransformer</c>, then <c>CopyColumns</c>).
    /// </summary>
    public static (OnnxTensorSpec[] Inputs, OnnxTensorSpec[] Outputs) Resolve(string component, OnnxScoringOptions options,
        IReadOnlyDictionary<string, NodeMetadata> modelInputs, IReadOnlyDictionary<string, NodeMetadata> modelOutputs)
    {
        var inputColumns = options.InputColumns;
        var outputColumns = options.OutputColumns;
        if (options.OnnxOutputName is not null && options.OnnxOutputNames is not null)
            throw new ArgumentException($"{component}: give at most one of OnnxOutputName and OnnxOutputNames.", nameof(options));
        var onnxOutputs = options.OnnxOutputNames ?? (options.OnnxOutputName is { } one ? [one] : null);
        Require(component, onnxOutputs, outputColumns, "OnnxOutputNames", "output");
        Require(component, options.OnnxInputNames, inputColumns, "OnnxInputNames", "input");

        var inputs = inputColumns.Select((column, i) => OnnxTensorSpec.Create(component, "input", column,
            options.OnnxInputNames?[i] ?? DefaultInput(column, inputColumns.Count, modelInputs), modelInputs)).ToArray();
        if (inputs.GroupBy(s => s.OnnxName).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new ArgumentException($"{component}: ONNX input '{twice.Key}' is fed by two columns ({string.Join(", ", twice.Select(s => $"'{s.ColumnName}'"))}); each model input takes exactly one column.", nameof(options));
        var unfed = modelInputs.Keys.Where(name => inputs.All(s => s.OnnxName != name)).ToArray();
        if (unfed.Length > 0)
            throw new ArgumentException(
                $"{component}: model input{(unfed.Length > 1 ? "s" : "")} {string.Join(", ", unfed.Select(n => $"'{n}' ({OnnxTensorSpec.Describe(modelInputs[n])})"))} " +
                $"{(unfed.Length > 1 ? "have" : "has")} no column. Every model input must be fed: add a column for each to InputColumnNames (named like the input, or mapped with OnnxInputNames). " +
                $"The model's inputs: {OnnxTensorSpec.Describe(modelInputs)}.", nameof(options));

        var outputs = outputColumns.Select((column, i) => OnnxTensorSpec.Create(component, "output", column,
            onnxOutputs?[i] ?? DefaultOutput(column, outputColumns.Count, modelOutputs), modelOutputs)).ToArray();
        return (inputs, [.. outputs.Where(s => s.ColumnName == s.OnnxName), .. outputs.Where(s => s.ColumnName != s.OnnxName)]);
    }

    private static void Require(string component, IReadOnlyList<string>? onnxNames, IReadOnlyList<string> columns, string option, string role)
    {
        if (onnxNames is not null && onnxNames.Count != columns.Count)
            throw new ArgumentException($"{component}: {option} names {onnxNames.Count} ONNX {role}s for {columns.Count} {role} column(s); give one ONNX name per column, in the same order.", option);
    }

    // ApplyOnnxModel's rule (the column is named like the input), plus the one-input case of earlier versions.
    private static string DefaultInput(string column, int columns, IReadOnlyDictionary<string, NodeMetadata> all) =>
        all.ContainsKey(column) || columns != 1 || all.Count != 1 ? column : all.Keys.First();

    private static string DefaultOutput(string column, int columns, IReadOnlyDictionary<string, NodeMetadata> all) =>
        all.ContainsKey(column) || columns != 1 ? column : all.Keys.First();
}
