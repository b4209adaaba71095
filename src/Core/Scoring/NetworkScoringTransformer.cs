using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace DeepML;

/// <summary>
/// A fitted DeepML network in an ML.NET pipeline: reads the feature column and appends ML.NET's
/// prediction columns (<c>Score</c>, and for classifiers <c>PredictedLabel</c> and, for binary,
/// <c>Probability</c>), so that ML.NET's evaluators and <c>PredictionEngine</c> work unchanged.
/// </summary>
/// <remarks>
/// <para>Input: the feature column the model was trained on (a known-size vector of Single of the
/// trained size). Output: the input columns, then the prediction columns (see <see cref="ScoringHead"/>).</para>
/// <para><see cref="Transform"/> is lazy. Its cursors read rows ahead in batches
/// (<see cref="BatchSize"/>) and run the network once per batch; a <c>PredictionEngine</c> runs it
/// once per row. Deterministic: the same model gives the same outputs for the same inputs.</para>
/// <para>Thread-safe: one fitted transformer may serve many prediction engines at once (one engine
/// per thread, as ML.NET documents). It owns the native resources of its predictor: dispose it
/// when done; using it afterwards throws <see cref="ObjectDisposedException"/>.</para>
/// </remarks>
public sealed class NetworkScoringTransformer : ITransformer, IDisposable
{
    private const string Component = "NetworkScoringTransformer";
    private readonly IBatchPredictor _predictor;
    private int _disposed;

    internal NetworkScoringTransformer(IHostEnvironment env, NetworkModel model, IBatchPredictor predictor, int batchSize = 1024)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(predictor);
        if (predictor.InputSize != model.InputSize || predictor.OutputSize != model.OutputSize)
            throw new ArgumentException($"{Component}: the predictor maps {predictor.InputSize} → {predictor.OutputSize} values but the model has {model.InputSize} inputs and {model.OutputSize} outputs.", nameof(predictor));
        if (batchSize < 1)
            throw new ArgumentException($"{Component}: batchSize must be at least 1, got {batchSize}.", nameof(batchSize));
        Environment = env;
        Model = model;
        _predictor = predictor;
        BatchSize = batchSize;
        Head = new ScoringHead(model.Task, model.OutputSize, model.ClassNames);
    }

    /// <summary>The trained network in DeepML's framework-neutral form.</summary>
    public NetworkModel Model { get; }

    /// <summary>Rows per network run when scoring an <see cref="IDataView"/>.</summary>
    public int BatchSize { get; }

    /// <summary>Where predictions run, for example "TorchSharp, cpu" or "ONNX Runtime, CUDAExecutionProvider".</summary>
    public string Device => _predictor.Description;

    /// <inheritdoc />
    public bool IsRowToRowMapper => true;

    /// <summary>The model as ONNX bytes (IR 8, opset 17, DeepML metadata); see <see cref="OnnxExporter"/>.</summary>
    public byte[] ExportOnnx()
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return OnnxExporter.Export(Model);
    }

    /// <summary>Writes the model as an ONNX file, atomically (a temporary file renamed over <paramref name="path"/>).</summary>
    /// <param name="path">The file to write.</param>
    public void SaveOnnx(string path)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        OnnxExporter.ExportToFile(Model, path);
    }

    internal IHostEnvironment Environment { get; }

    internal ScoringHead Head { get; }

    internal IBatchPredictor Predictor
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            return _predictor;
        }
    }

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        FeatureColumn(inputSchema);
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(inputSchema);
        foreach (var (name, type, annotations) in Head.Columns())
            builder.AddColumn(name, type, annotations);
        return builder.ToSchema();
    }

    /// <inheritdoc />
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new ScoredDataView(this, input, GetOutputSchema(input.Schema), FeatureColumn(input.Schema));
    }

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return new ScoringRowMapper(this, inputSchema, GetOutputSchema(inputSchema), FeatureColumn(inputSchema));
    }

    void ICanSaveModel.Save(ModelSaveContext ctx) =>
        throw new NotSupportedException(
            $"{Component}: saving into an ML.NET model zip is not available in this DeepML version. " +
            "Keep the trained NetworkModel (transformer.Model) and its training options to rebuild it.");

    /// <summary>Releases the predictor's native resources. Safe to call more than once.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
            _predictor.Dispose();
    }

    internal DataViewSchema.Column FeatureColumn(DataViewSchema schema)
    {
        var column = ColumnChecks.Find(schema, Component, "feature", Model.FeatureColumnName);
        ColumnChecks.RequireFloatVector(column, Component, "feature", Model.InputSize);
        return column;
    }
}
