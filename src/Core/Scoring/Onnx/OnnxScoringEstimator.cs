using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML;

/// <summary>
/// Scores an ONNX model in batches inside an ML.NET pipeline (see <see cref="OnnxScoringTransformer"/>).
/// The model is opened and checked when the estimator is made: every model input must have a column,
/// every named output must exist, and all of them must be tensors of Single, Double, Int32, Int64 or
/// Boolean with a free (or size-1) batch dimension, so a bad model fails before any data is read.
/// </summary>
public sealed class OnnxScoringEstimator : IEstimator<OnnxScoringTransformer>
{
    private const string Component = "OnnxScoringEstimator";
    private readonly MLContext _context;
    private readonly byte[] _model;
    private readonly OnnxTensorSpec[] _inputs;
    private readonly OnnxTensorSpec[] _outputs;

    internal OnnxScoringEstimator(MLContext context, OnnxScoringOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _context = context;
        Options = options;
        _model = Load(options);
        using var probe = new OnnxSessionRunner(_model, new ScoringOptions());
        (_inputs, _outputs) = OnnxBindings.Resolve(Component, options, probe.InputMetadata, probe.OutputMetadata);
    }

    /// <summary>The options this estimator was made with.</summary>
    public OnnxScoringOptions Options { get; }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        foreach (var input in _inputs)
            input.RequireInputColumn(Component, ColumnChecks.Find(inputSchema, Component, "input", input.ColumnName));
        return SchemaShapes.With(inputSchema, _outputs.Select(o => SchemaShapes.Column(o.ColumnName, o.OutputType)));
    }

    /// <summary>Opens the session on the configured device and checks the input columns' types and sizes.</summary>
    public OnnxScoringTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var types = _inputs.Select(spec =>
        {
            var column = ColumnChecks.Find(input.Schema, Component, "input", spec.ColumnName);
            spec.RequireInputColumn(Component, column);
            return column.Type;
        }).ToArray();
        return new OnnxScoringTransformer(_context, Options, _model, _inputs, _outputs, types);
    }

    private static byte[] Load(OnnxScoringOptions options)
    {
        if ((options.ModelPath is null) == (options.ModelBytes is null))
            throw new ArgumentException($"{Component}: give exactly one of ModelPath and ModelBytes.", nameof(options));
        if (options.ModelBytes is { } bytes)
            return (byte[])bytes.Clone();
        var full = Path.GetFullPath(options.ModelPath!);
        return File.Exists(full)
            ? File.ReadAllBytes(full)
            : throw new FileNotFoundException($"{Component}: ONNX model '{full}' does not exist. Check OnnxScoringOptions.ModelPath.", full);
    }
}

/// <summary>Adds batched scoring of any ONNX model to <c>ml.DeepML().Onnx</c>.</summary>
public static class OnnxScoringCatalog
{
    /// <summary>Scores <paramref name="modelPath"/> on <paramref name="inputColumnName"/> into <paramref name="outputColumnName"/>, in batches.</summary>
    /// <param name="catalog">The ONNX catalog, <c>ml.DeepML().Onnx</c>.</param>
    /// <param name="outputColumnName">The column written with the model output (its first output unless one is named like the column).</param>
    /// <param name="inputColumnName">The column fed to the model's only input (a known-size vector of its item type).</param>
    /// <param name="modelPath">The ONNX file.</param>
    /// <param name="scoring">Device, threads and batch size; null for the CPU in batches of 1024.</param>
    public static OnnxScoringEstimator ScoreOnnxModel(this DeepMLCatalog.OnnxCatalog catalog, string outputColumnName, string inputColumnName, string modelPath, ScoringOptions? scoring = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return catalog.ScoreOnnxModel(new OnnxScoringOptions
        {
            OutputColumnName = outputColumnName, InputColumnName = inputColumnName, ModelPath = modelPath, Scoring = scoring ?? new ScoringOptions(),
        });
    }

    /// <summary>
    /// Scores <paramref name="modelPath"/> on several columns into several columns, in batches; as in
    /// ML.NET's <c>ApplyOnnxModel</c>, each column is named like the ONNX input or output it maps to
    /// (use <see cref="OnnxScoringOptions"/> to map other names).
    /// </summary>
    /// <param name="catalog">The ONNX catalog, <c>ml.DeepML().Onnx</c>.</param>
    /// <param name="outputColumnNames">The ONNX outputs to read, each into the column of the same name.</param>
    /// <param name="inputColumnNames">The columns fed to the ONNX inputs of the same names; every model input needs one.</param>
    /// <param name="modelPath">The ONNX file.</param>
    /// <param name="scoring">Device, threads and batch size; null for the CPU in batches of 1024.</param>
    public static OnnxScoringEstimator ScoreOnnxModel(this DeepMLCatalog.OnnxCatalog catalog, string[] outputColumnNames, string[] inputColumnNames, string modelPath, ScoringOptions? scoring = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return catalog.ScoreOnnxModel(new OnnxScoringOptions
        {
            OutputColumnNames = outputColumnNames, InputColumnNames = inputColumnNames, ModelPath = modelPath, Scoring = scoring ?? new ScoringOptions(),
        });
    }

    /// <summary>Scores an ONNX model as <paramref name="options"/> describe, in batches.</summary>
    /// <param name="catalog">The ONNX catalog, <c>ml.DeepML().Onnx</c>.</param>
    /// <param name="options">Columns, model, output and device.</param>
    public static OnnxScoringEstimator ScoreOnnxModel(this DeepMLCatalog.OnnxCatalog catalog, OnnxScoringOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new OnnxScoringEstimator(catalog.Context, options);
    }
}
