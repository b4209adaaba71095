using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace DeepML.Explainability;

/// <summary>
/// Adds an explainer's attributions to every row as a column, so explanations compose with ML.NET
/// pipelines and score in batches: made by <c>ml.DeepML().Explainability.CalculateAttributions(explainer)</c>.
/// </summary>
/// <remarks>
/// <para><b>Input</b>: the explainer's feature column (<see cref="IVectorExplainer.FeatureColumnName"/>), a
/// known-size vector of Single of the explainer's size. <b>Output</b>: <see cref="OutputColumnName"/>, a
/// vector of Single with one attribution per explained feature (slot names = the explainer's feature or
/// group names), and <see cref="BaseValueColumnName"/>, the Single value the row's attributions start from
/// (E[f] over the background for Shapley values), so that for additive methods
/// <c>base value + Σ attributions = the explained output</c>.</para>
/// <para>Lazy: <see cref="Transform"/> reads nothing until a cursor moves; a cursor explains
/// <see cref="BatchSize"/> rows per explainer call (the explainer in turn batches its model calls).
/// <c>PredictionEngine</c> explains one row per call. Deterministic: the same row gets the same
/// attributions however it is batched. Thread-safe, as the explainers are; the explainer (and the
/// model it holds) is borrowed, not owned.</para>
/// <para>Not saveable with <c>ml.Model.Save</c>: the explainer holds a fitted model and a background in
/// memory, and ML.NET's extension point for persisted custom steps (<c>CustomMapping</c>) is
/// stateless. Save the model, and after loading it make the explainer and this transformer again.
/// Not ONNX-exportable; runs on the CPU (the explained model runs where it was loaded).</para>
/// </remarks>
public sealed class AttributionTransformer : ITransformer, IBatchScoringTransformer
{
    internal const string Component = "AttributionTransformer";

    /// <summary>The suffix of the base-value column: <c>Attributions</c> → <c>AttributionsBaseValue</c>.</summary>
    public const string BaseValueSuffix = "BaseValue";

    private readonly (string Name, DataViewType Type, DataViewSchema.Annotations Annotations)[] _added;

    internal AttributionTransformer(IHostEnvironment env, IVectorExplainer explainer, string outputColumnName, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(env);
        Explainer = explainer ?? throw new ArgumentNullException(nameof(explainer));
        AttributionOptions.Check(outputColumnName, batchSize);
        OutputColumnName = outputColumnName;
        BatchSize = batchSize;
        var names = explainer.FeatureNames;
        var slotNames = new DataViewSchema.Annotations.Builder();
        slotNames.Add("SlotNames", new VectorDataViewType(TextDataViewType.Instance, names.Count), (ref VBuffer<ReadOnlyMemory<char>> v) =>
        {
            var editor = VBufferEditor.Create(ref v, names.Count);
            for (var j = 0; j < names.Count; j++)
                editor.Values[j] = names[j].AsMemory();
            v = editor.Commit();
        });
        _added =
        [
            (outputColumnName, new VectorDataViewType(NumberDataViewType.Single, names.Count), slotNames.ToAnnotations()),
            (BaseValueColumnName, NumberDataViewType.Single, DataViewSchema.Annotations.Empty),
        ];
    }

    /// <summary>The explainer that computes the attributions.</summary>
    public IVectorExplainer Explainer { get; }

    /// <summary>The attribution column's name.</summary>
    public string OutputColumnName { get; }

    /// <summary>The base-value column's name: <see cref="OutputColumnName"/> + <see cref="BaseValueSuffix"/>.</summary>
    public string BaseValueColumnName => OutputColumnName + BaseValueSuffix;

    /// <summary>Rows per explainer call when transforming an <see cref="IDataView"/>.</summary>
    public int BatchSize { get; }

    /// <summary>True: rows map one to one (PredictionEngine works).</summary>
    public bool IsRowToRowMapper => true;

    string IBatchScoringTransformer.ComponentName => Component;

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        FeatureColumn(inputSchema);
        return BatchedScoring.OutputSchema(inputSchema, _added);
    }

    /// <inheritdoc />
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return BatchedScoring.Transform(this, input, _added, [FeatureColumn(input.Schema)]);
    }

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) =>
        BatchedScoring.RowToRowMapper(this, inputSchema, _added, [FeatureColumn(inputSchema)]);

    IScoringBatch IBatchScoringTransformer.CreateBatch(DataViewRow source, int capacity) =>
        new AttributionBatch(Explainer, source, source.Schema[Explainer.FeatureColumnName], capacity);

    void ICanSaveModel.Save(ModelSaveContext ctx) =>
        throw new NotSupportedException($"{Component}: attributions cannot be saved with ml.Model.Save: the explainer holds a fitted model and a background in memory. " +
            "Save the explained model instead and, after loading it, make the explainer and CalculateAttributions again.");

    internal DataViewSchema.Column FeatureColumn(DataViewSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var column = ColumnChecks.Find(schema, Component, "feature", Explainer.FeatureColumnName);
        ColumnChecks.RequireFloatVector(column, Component, "feature", Explainer.InputSize);
        return column;
    }
}
