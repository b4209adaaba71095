using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace DeepML;

/// <summary>
/// Scores any ONNX model with one float tensor input <c>[N, d1, ...]</c> and float tensor outputs
/// in an ML.NET pipeline, in batches: the faster alternative to ML.NET's <c>ApplyOnnxModel</c>,
/// which runs ONNX Runtime once per row.
/// </summary>
/// <remarks>
/// <para>Input: one known-size vector-of-Single column holding each example flattened row-major
/// (as many values as the model input has per example). Output: the input columns plus one
/// vector-of-Single column for the chosen model output, typed exactly as <c>ApplyOnnxModel</c>
/// types it (dimensions <c>[1, d1, ...]</c>), so either can replace the other.</para>
/// <para>Lazy, batched (<see cref="BatchSize"/> rows per run), deterministic, thread-safe for
/// concurrent prediction engines; owns its ONNX Runtime session (dispose it). Saved by
/// <c>ml.Model.Save</c> as ML.NET's own <c>OnnxTransformer</c> over the same model bytes, so plain
/// ML.NET loads it with no DeepML code.</para>
/// </remarks>
public sealed class OnnxScoringTransformer : ITransformer, IDisposable, IBatchScoringTransformer
{
    private const string Component = "OnnxScoringTransformer";
    private readonly IHostEnvironment _env;
    private readonly OrtBatchPredictor _predictor;
    private readonly byte[] _model;
    private readonly RawVectorHead _head;
    private int _disposed;

    internal OnnxScoringTransformer(IHostEnvironment env, OnnxScoringOptions options, byte[] model, OrtBatchPredictor predictor, int[] outputDimensions)
    {
        _env = env;
        Options = options;
        _model = model;
        _predictor = predictor;
        _head = new RawVectorHead(options.OutputColumnName, new VectorDataViewType(NumberDataViewType.Single, new[] { 1 }.Concat(outputDimensions).ToArray()));
    }

    /// <summary>The options the transformer was built with.</summary>
    public OnnxScoringOptions Options { get; }

    /// <summary>The model input that is fed.</summary>
    public string OnnxInputName => _predictor.InputName;

    /// <summary>The model output that is read.</summary>
    public string OnnxOutputName => _predictor.OutputName;

    /// <summary>Where the model runs, for example "ONNX Runtime 1.31.1, CPUExecutionProvider".</summary>
    public string Device => _predictor.Description;

    /// <summary>Rows per ONNX Runtime run when scoring an <see cref="IDataView"/>.</summary>
    public int BatchSize => Options.Scoring.BatchSize;

    /// <inheritdoc />
    public bool IsRowToRowMapper => true;

    string IBatchScoringTransformer.ComponentName => Component;

    IBatchPredictor IBatchScoringTransformer.Predictor
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            return _predictor;
        }
    }

    IOutputHead IBatchScoringTransformer.Head => _head;

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => Columns(inputSchema).Schema;

    /// <inheritdoc />
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new ScoredDataView(this, input, Columns(input.Schema), InputColumn(input.Schema));
    }

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) =>
        new ScoringRowMapper(this, inputSchema, Columns(inputSchema), InputColumn(inputSchema));

    /// <summary>
    /// Saves as ML.NET's own chain: <c>CopyColumns</c> into the model's input name where it differs,
    /// <c>OnnxTransformer</c> over the same model bytes, <c>CopyColumns</c> to the output column and
    /// <c>DropColumns</c> of the intermediates. <c>ml.Model.Load</c> gives the same columns and values.
    /// </summary>
    void ICanSaveModel.Save(ModelSaveContext ctx)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var ml = _env as MLContext ?? new MLContext();
        var input = Options.InputColumnName;
        var definition = SchemaDefinition.Create(typeof(VectorRow));
        definition[0].ColumnName = input;
        definition[0].ColumnType = new VectorDataViewType(NumberDataViewType.Single, _predictor.InputSize);
        IDataView data = ml.Data.LoadFromEnumerable(Array.Empty<VectorRow>(), definition);
        var steps = new List<IEstimator<ITransformer>>();
        var dropped = new List<string>();
        if (input != OnnxInputName)
        {
            steps.Add(ml.Transforms.CopyColumns(OnnxInputName, input));
            dropped.Add(OnnxInputName);
        }
        steps.Add(ml.Transforms.ApplyOnnxModel([OnnxOutputName], [OnnxInputName], new MemoryStream(_model, writable: false)));
        if (Options.OutputColumnName != OnnxOutputName)
        {
            steps.Add(ml.Transforms.CopyColumns(Options.OutputColumnName, OnnxOutputName));
            dropped.Add(OnnxOutputName);
        }
        if (dropped.Count > 0)
            steps.Add(ml.Transforms.DropColumns([.. dropped]));
        var chain = new EstimatorChain<ITransformer>();
        foreach (var step in steps)
            chain = chain.Append(step);
        using var fitted = chain.Fit(data);
        ((ICanSaveModel)fitted).Save(ctx);
    }

    /// <summary>Releases the ONNX Runtime session. Safe to call more than once.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
            _predictor.Dispose();
    }

    private ScoringColumns Columns(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        InputColumn(inputSchema);
        return new ScoringColumns(inputSchema, _head);
    }

    private DataViewSchema.Column InputColumn(DataViewSchema schema)
    {
        var column = ColumnChecks.Find(schema, Component, "input", Options.InputColumnName);
        ColumnChecks.RequireFloatVector(column, Component, "input", _predictor.InputSize);
        return column;
    }

    private sealed class VectorRow
    {
        public float[] Values { get; set; } = [];
    }
}
