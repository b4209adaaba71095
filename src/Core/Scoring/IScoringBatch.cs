using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML;

/// <summary>
/// One cursor's (or one mapped row's) working memory for a scoring transformer: rows are read from
/// a source row into numbered slots, the model runs once over the first <c>rows</c> slots, and the
/// added columns are served per slot. Not thread-safe: each cursor and each mapped row owns one.
/// </summary>
public interface IScoringBatch
{
    /// <summary>Copies the source row's current input values into slot <paramref name="slot"/>.</summary>
    void Read(int slot);

    /// <summary>Runs the model once over slots 0 … <paramref name="rows"/> − 1.</summary>
    void Run(int rows);

    /// <summary>The getter of added column <paramref name="outputIndex"/>; <paramref name="slot"/> gives the slot of the current row.</summary>
    Delegate Getter(int outputIndex, Func<int> slot);
}

/// <summary>
/// The float path of <see cref="IScoringBatch"/>: one known-size vector-of-Single feature column
/// fed to an <see cref="IBatchPredictor"/>, whose raw outputs an <see cref="IOutputHead"/> turns
/// into columns.
/// </summary>
internal sealed class PredictorBatch : IScoringBatch
{
    private readonly IBatchPredictor _predictor;
    private readonly IOutputHead _head;
    private readonly ValueGetter<VBuffer<float>> _features;
    private readonly float[] _inputs;
    private readonly float[] _outputs;
    private VBuffer<float> _row;

    public PredictorBatch(IBatchPredictor predictor, IOutputHead head, DataViewRow source, DataViewSchema.Column feature, int capacity)
    {
        _predictor = predictor;
        _head = head;
        _features = source.GetGetter<VBuffer<float>>(feature);
        _inputs = new float[capacity * predictor.InputSize];
        _outputs = new float[capacity * predictor.OutputSize];
    }

    public void Read(int slot)
    {
        _features(ref _row);
        _row.CopyTo(_inputs.AsSpan(slot * _predictor.InputSize, _predictor.InputSize)); // dense or sparse, written densely
    }

    public void Run(int rows) => _predictor.Predict(_inputs, rows, _outputs);

    public Delegate Getter(int outputIndex, Func<int> slot) =>
        _head.Getter(outputIndex, () => _outputs.AsSpan(slot() * _predictor.OutputSize, _predictor.OutputSize));
}
