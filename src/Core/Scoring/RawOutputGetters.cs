using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML;

/// <summary>Gives the raw network outputs of the row a cursor or mapped row is on.</summary>
internal delegate ReadOnlySpan<float> RawRowSource();

/// <summary>Builds the value getters of <see cref="ScoringHead"/>'s columns over a raw-output source.</summary>
internal static class RawOutputGetters
{
    /// <summary>The getter of output column <paramref name="outputIndex"/> (in <see cref="ScoringHead.Columns"/> order).</summary>
    public static Delegate Create(ScoringHead head, int outputIndex, RawRowSource raw)
    {
        var name = head.Columns()[outputIndex].Name;
        switch (head.Task)
        {
            case PredictionKind.BinaryClassification when name == ScoringHead.Score:
                return (ValueGetter<float>)((ref float v) => v = raw()[0]);
            case PredictionKind.BinaryClassification when name == ScoringHead.Probability:
                return (ValueGetter<float>)((ref float v) => v = ScoringHead.Sigmoid(raw()[0]));
            case PredictionKind.BinaryClassification:
                return (ValueGetter<bool>)((ref bool v) => v = raw()[0] > 0);
            case PredictionKind.MulticlassClassification when name == ScoringHead.Score:
                return (ValueGetter<VBuffer<float>>)((ref VBuffer<float> v) =>
                {
                    var logits = raw();
                    var editor = VBufferEditor.Create(ref v, logits.Length);
                    ScoringHead.Softmax(logits, editor.Values);
                    v = editor.Commit();
                });
            case PredictionKind.MulticlassClassification:
                return (ValueGetter<uint>)((ref uint v) => v = ScoringHead.ArgMaxKey(raw()));
            default:
                return (ValueGetter<float>)((ref float v) => v = raw()[0]);
        }
    }

    /// <summary>Casts a getter to the type the caller asked for, with a clear error when it differs.</summary>
    public static ValueGetter<TValue> As<TValue>(Delegate getter, DataViewSchema.Column column) =>
        getter as ValueGetter<TValue> ?? throw new InvalidOperationException(
            $"DeepML: column '{column.Name}' holds {ColumnChecks.Describe(column.Type)}, but a getter of {typeof(TValue).Name} was requested.");
}
