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
public sealed class NetworkScoringTransformer : ITransformer, IDisposable, IBatchScoringTransformer
{
    private const string Component = "NetworkScoringTransformer";
    private readonly IBatchPredictor _predictor;
    private readonly byte[]? _onnx;
    private int _disposed;

    /// <summary>
    /// A scoring transformer over <paramref name="model"/> whose raw outputs come from <paramref name="predictor"/>
    /// (for example an <see cref="OrtBatchPredictor"/> over <c>OnnxExporter.Export(model)</c>). This is how a
    /// trainer returns its fitted network; the transformer takes ownership of the predictor.
    /// </summary>
    /// <param name="env">The host (an <c>MLContext</c>), used for saving and logging.</param>
    /// <param name="model">The trained network: its task, feature column and class names decide the output columns.</param>
    /// <param name="predictor">Runs the network; its input and output sizes must equal the model's. Disposed with the transformer.</param>
    /// <param name="batchSize">Rows per network run when scoring an <see cref="IDataView"/>; at least 1.</param>
    public NetworkScoringTransformer(IHostEnvironment env, NetworkModel model, IBatchPredictor predictor, int batchSize = 1024)
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

    /// <summary>A transformer over ONNX bytes it keeps (a loaded model): they are what <see cref="ExportOnnx"/> returns and what is saved.</summary>
    internal NetworkScoringTransformer(IHostEnvironment env, NetworkModel model, IBatchPredictor predictor, byte[] onnx, int batchSize)
        : this(env, model, predictor, batchSize)
    {
        _onnx = onnx ?? throw new ArgumentNullException(nameof(onnx));
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
    /// <remarks>For a transformer loaded by <c>ml.DeepML().Model.Load</c> these are the bytes read from the file.</remarks>
    public byte[] ExportOnnx()
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return _onnx is null ? OnnxExporter.Export(Model) : (byte[])_onnx.Clone();
    }

    /// <summary>Writes the model as an ONNX file, atomically (a temporary file renamed over <paramref name="path"/>).</summary>
    /// <param name="path">The file to write.</param>
    public void SaveOnnx(string path)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (_onnx is null)
            OnnxExporter.ExportToFile(Model, path);
        else
            AtomicFile.Write(path, _onnx, Component);
    }

    internal IHostEnvironment Environment { get; }

    internal ScoringHead Head { get; }

    string IBatchScoringTransformer.ComponentName => Component;

    IScoringBatch IBatchScoringTransformer.CreateBatch(DataViewRow source, int capacity) =>
        new PredictorBatch(Predictor, Head, source, source.Schema[Model.FeatureColumnName], capacity);

    internal IBatchPredictor Predictor
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            return _predictor;
        }
    }

    /// <inheritdoc />
    /// <remarks>The prediction columns are added with ML.NET's rule: appended, or, when the input already has a column of
    /// that name, inserted right after it (the input column becomes hidden), as ML.NET's own scorers do.</remarks>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => Columns(inputSchema).Schema;

    /// <inheritdoc />
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new ScoredDataView(this, input, Columns(input.Schema), [FeatureColumn(input.Schema)]);
    }

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return new ScoringRowMapper(this, inputSchema, Columns(inputSchema), [FeatureColumn(inputSchema)]);
    }

    internal ScoringColumns Columns(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        FeatureColumn(inputSchema);
        return new ScoringColumns(inputSchema, Head.Columns());
    }

    /// <summary>
    /// Saves the model (through <c>ml.Model.Save</c>) as an equivalent chain of ML.NET transformers over
    /// the exported ONNX model: ML.NET's <c>OnnxTransformer</c> plus DeepML's stateless
    /// <c>CustomMapping</c> heads (see <c>DeepML.Persistence.SurrogateChain</c>). <c>ml.Model.Load</c>
    /// in any <see cref="MLContext"/> gives the same columns and the same values (the DeepML.Core
    /// assembly must be loadable; ML.NET loads it by name); <c>ml.DeepML().Model.Load</c> gives back
    /// this fast batched transformer.
    /// </summary>
    void ICanSaveModel.Save(ModelSaveContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        using var chain = Persistence.SurrogateChain.Build(Environment, Model, _onnx ?? OnnxExporter.Export(Model));
        ((ICanSaveModel)chain).Save(ctx);
    }

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
