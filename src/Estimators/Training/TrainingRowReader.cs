using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML;

/// <summary>
/// One cursor over training rows that reads and checks each row as training needs it: the feature vector written densely
/// (finite, of the schema's length), the label (0/1, a class key in range, or a finite value), the example weight (finite,
/// ≥ 0) times the class weight, and adversarial debiasing's group. Bad data fails with the row (and slot) and the value.
/// Shared by the in-memory read (<see cref="TrainingData.Read"/>) and the streamed source, so both fail alike.
/// </summary>
internal sealed class TrainingRowReader : IDisposable
{
    private readonly TrainingSchema _schema;
    private readonly PredictionKind _task;
    private readonly IReadOnlyList<float>? _classWeights;
    private readonly string _component;
    private readonly string _role;
    private readonly CancellationToken _cancellation;
    private readonly DataViewRowCursor _cursor;
    private readonly ValueGetter<VBuffer<float>> _getFeatures;
    private readonly TrainingData.LabelGetter _getLabel;
    private readonly ValueGetter<float>? _getWeight;
    private readonly Func<long, string>? _getGroup;
    private VBuffer<float> _row;

    public TrainingRowReader(IDataView data, TrainingSchema schema, PredictionKind task, IReadOnlyList<float>? classWeights, string component, string role,
        CancellationToken cancellation, DataViewSchema.Column? sensitive = null)
    {
        _schema = schema;
        _task = task;
        _classWeights = classWeights;
        _component = component;
        _role = role;
        _cancellation = cancellation;
        var columns = new List<DataViewSchema.Column> { schema.Features, schema.Label };
        if (schema.Weight is { } w)
            columns.Add(w);
        if (sensitive is { } sc)
            columns.Add(sc);
        _cursor = data.GetRowCursor(columns);
        _getFeatures = _cursor.GetGetter<VBuffer<float>>(schema.Features);
        _getLabel = TrainingData.LabelReader(_cursor, schema, task, component, role);
        _getWeight = schema.Weight is { } wc ? _cursor.GetGetter<float>(wc) : null;
        _getGroup = sensitive is { } gc ? SensitiveGroupColumn.Reader(_cursor, gc, component, role) : null;
    }

    /// <summary>Rows read so far; the index of the next row.</summary>
    public long Index { get; private set; }

    /// <summary>Moves to the next row; false at the end. Checks for cancellation every 1,024 rows.</summary>
    public bool MoveNext()
    {
        if ((Index & 1023) == 0)
            _cancellation.ThrowIfCancellationRequested();
        return _cursor.MoveNext();
    }

    /// <summary>
    /// Reads the current row: its features into <paramref name="features"/> (length = feature count), and returns the
    /// target, class and weight (example weight × class weight). Call once per row, after <see cref="MoveNext"/>.
    /// </summary>
    public (float Target, long Class, float Weight) Read(Span<float> features)
    {
        var n = _schema.FeatureCount;
        var index = Index;
        _getFeatures(ref _row);
        if (_row.Length != n)
            throw new InvalidOperationException($"{_component}: {_role} row {index} has a feature vector of length {_row.Length}, expected {n}.");
        _row.CopyTo(features); // dense or sparse, written densely
        for (var j = 0; j < n; j++)
        {
            if (!float.IsFinite(features[j]))
                throw new InvalidOperationException(
                    $"{_component}: {_role} row {index}, feature column '{_schema.Features.Name}' slot {j}{SlotName(j)} holds {features[j]}; features must be finite. " +
                    "Replace missing values first (ml.Transforms.ReplaceMissingValues) or filter the rows.");
        }
        var (target, cls) = _getLabel(index);
        var weight = 1f;
        if (_getWeight is not null)
        {
            _getWeight(ref weight);
            if (!float.IsFinite(weight) || weight < 0)
                throw new InvalidOperationException($"{_component}: {_role} row {index}, example weight column '{_schema.Weight!.Value.Name}' holds {weight}; weights must be finite and ≥ 0.");
        }
        var classIndex = _task == PredictionKind.BinaryClassification ? (int)target : (int)cls;
        if (_classWeights is not null && _task != PredictionKind.Regression)
            weight *= _classWeights[classIndex];
        return (target, cls, weight);
    }

    /// <summary>The current row's sensitive group (after <see cref="Read"/>); only with a sensitive column.</summary>
    public string Group() => _getGroup!(Index);

    /// <summary>Marks the current row done; the next <see cref="Read"/> reports the next index.</summary>
    public void Advance() => Index++;

    private string SlotName(int slot) =>
        _schema.FeatureNames.Count > slot ? $" ('{_schema.FeatureNames[slot]}')" : "";

    public void Dispose() => _cursor.Dispose();
}
