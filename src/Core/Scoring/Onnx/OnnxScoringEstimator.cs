using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;

namespace DeepML;

/// <summary>Options of <see cref="OnnxScoringEstimator"/>; each is checked when it is set.</summary>
public sealed record OnnxScoringOptions
{
    /// <summary>The column written with the model output (a vector of Single). Required.</summary>
    public required string OutputColumnName { get; init => field = Name(value, nameof(OutputColumnName)); }

    /// <summary>The column fed to the model input (a known-size vector of Single, each example flattened). Required.</summary>
    public required string InputColumnName { get; init => field = Name(value, nameof(InputColumnName)); }

    /// <summary>The model file; give this or <see cref="ModelBytes"/>.</summary>
    public string? ModelPath { get; init; }

    /// <summary>The model bytes; give this or <see cref="ModelPath"/>.</summary>
    public byte[]? ModelBytes { get; init; }

    /// <summary>The model output to read; null reads the first one.</summary>
    public string? OnnxOutputName { get; init; }

    /// <summary>Device, threads and batch size. Default: CPU, 1024 rows per run.</summary>
    public ScoringOptions Scoring { get; init => field = value ?? throw new ArgumentNullException(nameof(Scoring), "OnnxScoringOptions: Scoring must not be null; use new ScoringOptions()."); } = new();

    private static string Name(string? value, string option) =>
        string.IsNullOrWhiteSpace(value) ? throw new ArgumentException($"OnnxScoringOptions: {option} must be a non-empty column name.", option) : value;
}

/// <summary>
/// Scores an ONNX model in batches inside an ML.NET pipeline (see <see cref="OnnxScoringTransformer"/>).
/// The model is opened and checked when the estimator is made, so a model whose input or output is
/// not a float tensor with a free batch dimension fails before any data is read.
/// </summary>
public sealed class OnnxScoringEstimator : IEstimator<OnnxScoringTransformer>
{
    private const string Component = "OnnxScoringEstimator";
    private readonly MLContext _context;
    private readonly byte[] _model;
    private readonly int _inputSize;
    private readonly int[] _outputDimensions;

    internal OnnxScoringEstimator(MLContext context, OnnxScoringOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _context = context;
        Options = options;
        _model = Load(options);
        using var probe = new OrtBatchPredictor(_model, new ScoringOptions(), options.OnnxOutputName);
        _inputSize = probe.InputSize;
        using var session = new InferenceSession(_model);
        _outputDimensions = session.OutputMetadata[probe.OutputName].Dimensions.Skip(1).ToArray();
    }

    /// <summary>The options this estimator was made with.</summary>
    public OnnxScoringOptions Options { get; }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var input = ColumnChecks.Find(inputSchema, Component, "input", Options.InputColumnName);
        ColumnChecks.RequireFloatVector(input, Component, "input");
        return SchemaShapes.With(inputSchema,
            [SchemaShapes.Column(Options.OutputColumnName, new VectorDataViewType(NumberDataViewType.Single, new[] { 1 }.Concat(_outputDimensions).ToArray()))]);
    }

    /// <summary>Opens the session on the configured device and checks the input column's type and size.</summary>
    public OnnxScoringTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var column = ColumnChecks.Find(input.Schema, Component, "input", Options.InputColumnName);
        ColumnChecks.RequireFloatVector(column, Component, "input", _inputSize);
        var predictor = new OrtBatchPredictor(_model, Options.Scoring, Options.OnnxOutputName);
        return new OnnxScoringTransformer(_context, Options, _model, predictor, _outputDimensions);
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
    /// <param name="outputColumnName">The column written with the model output.</param>
    /// <param name="inputColumnName">The column fed to the model input (known-size vector of Single).</param>
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

    /// <summary>Scores an ONNX model as <paramref name="options"/> describe, in batches.</summary>
    /// <param name="catalog">The ONNX catalog, <c>ml.DeepML().Onnx</c>.</param>
    /// <param name="options">Columns, model, output and device.</param>
    public static OnnxScoringEstimator ScoreOnnxModel(this DeepMLCatalog.OnnxCatalog catalog, OnnxScoringOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new OnnxScoringEstimator(catalog.Context, options);
    }
}
