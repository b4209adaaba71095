using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML.Explainability;

/// <summary>
/// One cursor's working memory for <see cref="AttributionTransformer"/>: feature vectors are read into
/// numbered slots, the explainer runs once over a batch, and each slot serves its attributions and base value.
/// </summary>
internal sealed class AttributionBatch : IScoringBatch
{
    private readonly IVectorExplainer _explainer;
    private readonly ValueGetter<VBuffer<float>> _features;
    private readonly float[] _inputs;
    private Attributions? _result;
    private VBuffer<float> _row;

    public AttributionBatch(IVectorExplainer explainer, DataViewRow source, DataViewSchema.Column feature, int capacity)
    {
        _explainer = explainer;
        _features = source.GetGetter<VBuffer<float>>(feature);
        _inputs = new float[(long)capacity * explainer.InputSize];
    }

    public void Read(int slot)
    {
        _features(ref _row);
        _row.CopyTo(_inputs.AsSpan(slot * _explainer.InputSize, _explainer.InputSize)); // dense or sparse, written densely
    }

    public void Run(int rows) => _result = _explainer.Explain(_inputs, rows);

    public Delegate Getter(int outputIndex, Func<int> slot) => outputIndex switch
    {
        0 => (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
        {
            var row = slot(); // first: for a mapped row, asking for the slot is what runs the explainer
            var phi = Result.Values[row];
            var editor = VBufferEditor.Create(ref value, phi.Length);
            for (var j = 0; j < phi.Length; j++)
                editor.Values[j] = (float)phi[j];
            value = editor.Commit();
        }),
        _ => (ValueGetter<float>)((ref float value) =>
        {
            var row = slot();
            value = (float)Result.BaseValues[row];
        }),
    };

    private Attributions Result => _result ?? throw new InvalidOperationException($"{AttributionTransformer.Component}: a value was read before the batch ran.");
}
