using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML;

/// <summary>Turns one row's raw model outputs into the columns a scoring transformer adds.</summary>
internal interface IOutputHead
{
    /// <summary>The added columns, in order.</summary>
    IReadOnlyList<(string Name, DataViewType Type, DataViewSchema.Annotations Annotations)> Columns();

    /// <summary>The value getter of added column <paramref name="outputIndex"/> over the current row's raw outputs.</summary>
    Delegate Getter(int outputIndex, RawRowSource raw);
}

/// <summary>
/// What the batched cursor (<see cref="ScoredDataView"/>) and the per-row mapper
/// (<see cref="ScoringRowMapper"/>) need from a scoring transformer: the model runner, the batch
/// size, and the head that makes columns from raw outputs.
/// </summary>
internal interface IBatchScoringTransformer
{
    /// <summary>Name used in error messages.</summary>
    string ComponentName { get; }

    /// <summary>Runs the model; throws <see cref="ObjectDisposedException"/> once the transformer is disposed.</summary>
    IBatchPredictor Predictor { get; }

    /// <summary>Rows per model run when scoring an <see cref="IDataView"/>.</summary>
    int BatchSize { get; }

    /// <summary>Makes the added columns.</summary>
    IOutputHead Head { get; }
}

/// <summary>One vector column holding a model output as it is (row-major, with the output's dimensions).</summary>
internal sealed class RawVectorHead : IOutputHead
{
    private readonly (string, DataViewType, DataViewSchema.Annotations)[] _columns;

    public RawVectorHead(string columnName, VectorDataViewType type)
    {
        _columns = [(columnName, type, new DataViewSchema.Annotations.Builder().ToAnnotations())];
        Size = type.Size;
    }

    public int Size { get; }

    public IReadOnlyList<(string Name, DataViewType Type, DataViewSchema.Annotations Annotations)> Columns() => _columns;

    public Delegate Getter(int outputIndex, RawRowSource raw) =>
        (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
        {
            var row = raw();
            var editor = VBufferEditor.Create(ref value, row.Length);
            row.CopyTo(editor.Values);
            value = editor.Commit();
        });
}
