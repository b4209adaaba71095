using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML.Explainability;

/// <summary>
/// A fitted ML.NET model seen as a function of its feature vector: many vectors in, one number per
/// vector out, evaluated through the model's own <see cref="ITransformer.Transform"/> on an in-memory
/// batch (DeepML networks score it in ONNX Runtime batches; ML.NET's trees and linear models run
/// their row mappers without a <c>PredictionEngine</c> per row).
/// </summary>
/// <remarks>Thread-safe: every call builds its own view and cursor. The model is borrowed, not owned.</remarks>
internal sealed class ScoreFunction
{
    private readonly ITransformer _model;
    private readonly string _featureColumn;
    private readonly IReadOnlyList<string> _slotNames;
    private readonly DataViewSchema.Column _output;
    private readonly int? _slot;

    /// <summary>Checks that <paramref name="model"/> reads <paramref name="featureColumn"/> (a vector of <paramref name="size"/>) and writes <paramref name="output"/> as a number.</summary>
    public ScoreFunction(ITransformer model, string featureColumn, int size, IReadOnlyList<string> slotNames, ExplainedOutput output, string component)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(output);
        _model = model;
        _featureColumn = featureColumn;
        Size = size;
        _slotNames = slotNames;
        Output = output;
        DataViewSchema schema;
        try
        {
            schema = model.GetOutputSchema(VectorBatchView.SchemaFor(featureColumn, size, slotNames));
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new ArgumentException($"{component}: the model cannot score a feature column '{featureColumn}' of {size} values: {e.Message} " +
                "Pass the model part that reads the feature vector (the trainer's transformer) and the same FeatureColumnName it was trained on.", "model", e);
        }
        var column = schema.GetColumnOrNull(output.ColumnName);
        if (column is null || column.Value.IsHidden)
            throw new ArgumentException(ColumnChecks.NotFoundMessage(component, "explained output", output.ColumnName,
                schema.Where(c => !c.IsHidden).Select(c => c.Name)), nameof(output));
        _output = column.Value;
        _slot = output.Slot;
        switch (_output.Type)
        {
            case NumberDataViewType n when (n == NumberDataViewType.Single || n == NumberDataViewType.Double) && output.Slot is null:
                break;
            case VectorDataViewType { IsKnownSize: true, ItemType: NumberDataViewType item } v when item == NumberDataViewType.Single:
                if (output.Slot is not { } s || s < 0 || s >= v.Size)
                    throw new ArgumentException($"{component}: the explained output '{output.ColumnName}' is a vector of {v.Size} values (one per class); " +
                        $"{(output.Slot is null ? "no slot was given" : $"slot {output.Slot} is out of range")}. Explain one class: ExplainedOutput.Class(0 … {v.Size - 1}).", nameof(output));
                break;
            default:
                throw new ArgumentException(ColumnChecks.MismatchMessage(component, "explained output", output.ColumnName,
                    output.Slot is null ? "Single or Double scalar" : "known-size vector of Single", ColumnChecks.Describe(_output.Type),
                    "Explain a numeric output: Score (the raw margin or regression value), Probability, or ExplainedOutput.Class(k) of a multiclass Score."), nameof(output));
        }
    }

    /// <summary>Slots per input vector.</summary>
    public int Size { get; }

    /// <summary>The explained output.</summary>
    public ExplainedOutput Output { get; }

    /// <summary>The model's output for each of the <paramref name="rows"/> vectors in <paramref name="inputs"/>.</summary>
    public double[] Evaluate(float[] inputs, int rows)
    {
        var result = new double[rows];
        if (rows == 0)
            return result;
        var scored = _model.Transform(new VectorBatchView(_featureColumn, Size, _slotNames, inputs, rows));
        var column = scored.Schema[_output.Name];
        using var cursor = scored.GetRowCursor([column]);
        var i = 0;
        if (column.Type is VectorDataViewType)
        {
            var getter = cursor.GetGetter<VBuffer<float>>(column);
            var buffer = default(VBuffer<float>);
            var slot = _slot!.Value;
            while (cursor.MoveNext())
            {
                getter(ref buffer);
                result[i++] = buffer.GetItemOrDefault(slot);
            }
        }
        else if (column.Type == NumberDataViewType.Single)
        {
            var getter = cursor.GetGetter<float>(column);
            var value = 0f;
            while (cursor.MoveNext())
            {
                getter(ref value);
                result[i++] = value;
            }
        }
        else
        {
            var getter = cursor.GetGetter<double>(column);
            var value = 0.0;
            while (cursor.MoveNext())
            {
                getter(ref value);
                result[i++] = value;
            }
        }
        if (i != rows)
            throw new InvalidOperationException($"The model returned {i} rows for {rows} inputs; explainers need a row-to-row model (one output per input row).");
        return result;
    }
}
