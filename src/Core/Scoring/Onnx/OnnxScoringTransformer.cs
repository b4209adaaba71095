using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace DeepML;

/// <summary>
/// Scores any ONNX model whose inputs and outputs are tensors <c>[N, d1, ...]</c> of Single, Double,
/// Int32, Int64 or Boolean in an ML.NET pipeline, in batches: the faster alternative to ML.NET's
/// <c>ApplyOnnxModel</c>, which runs ONNX Runtime once per row.
/// </summary>
/// <remarks>
/// <para>Input: one column per model input, a known-size vector of the input's item type holding each
/// example flattened row-major (or a scalar of that type for a <c>[N]</c> or <c>[N, 1]</c> input).
/// Output: the input columns plus one known-size vector column per chosen model output, typed exactly as
/// <c>ApplyOnnxModel</c> types it (item type as above, dimensions <c>[1, d1, ...]</c>), so either can
/// replace the other. Columns named like their ONNX output come first, renamed ones after them.</para>
/// <para>Lazy, batched (<see cref="BatchSize"/> rows per run, one <c>OrtValue</c> per input and output,
/// rows served from the batch), deterministic, thread-safe for concurrent prediction engines; owns its
/// ONNX Runtime session (dispose it). Saved by <c>ml.Model.Save</c> as ML.NET's own <c>OnnxTransformer</c>
/// over the same model bytes, so plain ML.NET loads it with no DeepML code.</para>
/// </remarks>
public sealed class OnnxScoringTransformer : ITransformer, IDisposable, IBatchScoringTransformer
{
    private const string Component = "OnnxScoringTransformer";
    private readonly IHostEnvironment _env;
    private readonly OnnxSessionRunner _runner;
    private readonly byte[] _model;
    private readonly OnnxTensorSpec[] _inputs;
    private readonly OnnxTensorSpec[] _outputs;
    private readonly DataViewType[] _inputTypes;
    private readonly (string Name, DataViewType Type, DataViewSchema.Annotations Annotations)[] _added;
    private int _disposed;

    internal OnnxScoringTransformer(IHostEnvironment env, OnnxScoringOptions options, byte[] model, OnnxTensorSpec[] inputs, OnnxTensorSpec[] outputs, DataViewType[] inputTypes)
    {
        _env = env;
        Options = options;
        _model = model;
        _inputs = inputs;
        _outputs = outputs;
        _inputTypes = inputTypes;
        var none = new DataViewSchema.Annotations.Builder().ToAnnotations();
        _added = [.. outputs.Select(o => (o.ColumnName, (DataViewType)o.OutputType, none))];
        _runner = new OnnxSessionRunner(model, options.Scoring);
        _runner.Bind(inputs.Select(s => s.OnnxName), outputs.Select(s => s.OnnxName));
        // A model that fixes its batch dimension to 1 takes one row per run.
        BatchSize = inputs.Concat(outputs).Any(s => s.FixedBatchOfOne) ? 1 : options.Scoring.BatchSize;
    }

    /// <summary>The options the transformer was built with.</summary>
    public OnnxScoringOptions Options { get; }

    /// <summary>The first model input that is fed.</summary>
    public string OnnxInputName => _inputs[0].OnnxName;

    /// <summary>The first model output that is read.</summary>
    public string OnnxOutputName => _outputs[0].OnnxName;

    /// <summary>The model inputs that are fed, in the order of the input columns.</summary>
    public IReadOnlyList<string> OnnxInputNames => [.. _inputs.Select(s => s.OnnxName)];

    /// <summary>The model outputs that are read, in the order of the added columns.</summary>
    public IReadOnlyList<string> OnnxOutputNames => [.. _outputs.Select(s => s.OnnxName)];

    /// <summary>Where the model runs, for example "ONNX Runtime 1.32.0, CPUExecutionProvider".</summary>
    public string Device => _runner.Description;

    /// <summary>Rows per ONNX Runtime run when scoring an <see cref="IDataView"/> (1 when the model fixes its batch dimension to 1).</summary>
    public int BatchSize { get; }

    /// <inheritdoc />
    public bool IsRowToRowMapper => true;

    string IBatchScoringTransformer.ComponentName => Component;

    IScoringBatch IBatchScoringTransformer.CreateBatch(DataViewRow source, int capacity)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return new OnnxScoringBatch(_runner, _inputs, _outputs, source, capacity);
    }

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => Columns(inputSchema).Schema;

    /// <inheritdoc />
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new ScoredDataView(this, input, Columns(input.Schema), Sources(input.Schema));
    }

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) =>
        new ScoringRowMapper(this, inputSchema, Columns(inputSchema), Sources(inputSchema));

    /// <summary>
    /// Saves as ML.NET's own chain: <c>CopyColumns</c> into the model's input names where they differ,
    /// <c>OnnxTransformer</c> over the same model bytes, <c>CopyColumns</c> to the output columns and
    /// <c>DropColumns</c> of the intermediates. <c>ml.Model.Load</c> gives the same columns and values.
    /// </summary>
    void ICanSaveModel.Save(ModelSaveContext ctx)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        // ML.NET's OnnxTransformer feeds every input as [1, ...] with the column's shape after the batch
        // dimension, so it cannot feed a rank-1 [N] input; saving one would give a model that fails when scored.
        if (_inputs.FirstOrDefault(s => s.Shape.Length == 1) is { } rankOne)
            throw new NotSupportedException($"{Component}: cannot save ONNX input '{rankOne.OnnxName}' ({rankOne.Description}) as ML.NET's OnnxTransformer, which feeds every input with a batch dimension added to the column's shape " +
                $"(here [1, 1]), so the saved model would fail when scored. Scoring in process works; to save, re-export the model with the input shaped [N, 1] (or add an Unsqueeze in front of it).");
        var ml = _env as MLContext ?? new MLContext();
        var schema = new DataViewSchema.Builder();
        foreach (var (spec, type) in _inputs.Zip(_inputTypes))
            schema.AddColumn(spec.ColumnName, type);
        IDataView data = new EmptyDataView(schema.ToSchema());
        var steps = new List<IEstimator<ITransformer>>();
        var renamedInputs = _inputs.Where(s => s.ColumnName != s.OnnxName).ToArray();
        var renamedOutputs = _outputs.Where(s => s.ColumnName != s.OnnxName).ToArray();
        // Renamed inputs go through temporary names first, so names that trade places (column "a" into
        // ONNX "b" and "b" into "a") are copied from the original columns, not from each other.
        var staged = renamedInputs.Select((s, i) => (Spec: s, Temporary: $"DeepML.Staged.{i}.{s.OnnxName}")).ToArray();
        steps.AddRange(staged.Select(s => ml.Transforms.CopyColumns(s.Temporary, s.Spec.ColumnName)));
        steps.AddRange(staged.Select(s => ml.Transforms.CopyColumns(s.Spec.OnnxName, s.Temporary)));
        steps.Add(ml.Transforms.ApplyOnnxModel([.. _outputs.Select(s => s.OnnxName)], [.. _inputs.Select(s => s.OnnxName)], new MemoryStream(_model, writable: false)));
        steps.AddRange(renamedOutputs.Select(s => ml.Transforms.CopyColumns(s.ColumnName, s.OnnxName)));
        // An input column whose name another input's ONNX name took over gets its own values back
        // (unless an output of that name replaces it anyway).
        var clobbered = staged.Where(s => renamedInputs.Any(r => r.OnnxName == s.Spec.ColumnName) && _outputs.All(o => o.ColumnName != s.Spec.ColumnName)).ToArray();
        steps.AddRange(clobbered.Select(s => ml.Transforms.CopyColumns(s.Spec.ColumnName, s.Temporary)));
        var dropped = renamedInputs.Concat(renamedOutputs).Select(s => s.OnnxName).Concat(staged.Select(s => s.Temporary))
            .Except(_outputs.Select(s => s.ColumnName)).Except(_inputs.Select(s => s.ColumnName)).Distinct().ToArray();
        if (dropped.Length > 0)
            steps.Add(ml.Transforms.DropColumns(dropped));
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
            _runner.Dispose();
    }

    private ScoringColumns Columns(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        Sources(inputSchema);
        return new ScoringColumns(inputSchema, _added);
    }

    private DataViewSchema.Column[] Sources(DataViewSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var columns = new List<DataViewSchema.Column>();
        foreach (var spec in _inputs)
        {
            var column = ColumnChecks.Find(schema, Component, "input", spec.ColumnName);
            spec.RequireInputColumn(Component, column);
            if (!columns.Contains(column))
                columns.Add(column);
        }
        return [.. columns];
    }
}
