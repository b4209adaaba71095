using Microsoft.ML;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DeepML;

/// <summary>
/// Validation rows too many for the shuffle buffer, streamed from the data view each time they are evaluated: the first
/// pass (<see cref="Open"/>) checks them and keeps only their targets, classes and weights; each evaluation reads the
/// features again in chunks of 4,096 rows. Memory: the chunk plus the outputs and labels (a few values per row, never the features).
/// </summary>
internal sealed class StreamedValidationRows : IValidationRows
{
    private const int Chunk = 4096;
    private readonly IDataView _data;
    private readonly Func<long, bool>? _include;
    private readonly TrainingSchema _schema;
    private readonly PredictionKind _task;
    private readonly IReadOnlyList<float>? _classWeights;
    private readonly string _component;
    private readonly string _role;
    private readonly CancellationToken _cancellation;

    private StreamedValidationRows(IDataView data, Func<long, bool>? include, TrainingSchema schema, PredictionKind task, IReadOnlyList<float>? classWeights,
        string component, string role, CancellationToken cancellation)
    {
        _data = data;
        _include = include;
        _schema = schema;
        _task = task;
        _classWeights = classWeights;
        _component = component;
        _role = role;
        _cancellation = cancellation;
        Labels = TrainingData.Create(0, schema.FeatureCount, [], [], [], []);
    }

    /// <summary>The rows' targets, classes and weights in the order they stream (no features).</summary>
    public TrainingData Labels { get; private set; }

    /// <summary>The first pass over <paramref name="data"/>'s rows that <paramref name="include"/> accepts (all when null): checks and labels.</summary>
    public static StreamedValidationRows Open(IDataView data, Func<long, bool>? include, TrainingSchema schema, PredictionKind task, IReadOnlyList<float>? classWeights,
        string component, string role, CancellationToken cancellation)
    {
        var rows = new StreamedValidationRows(data, include, schema, task, classWeights, component, role, cancellation);
        var targets = new List<float>();
        var classes = new List<long>();
        var weights = new List<float>();
        var scratch = new float[schema.FeatureCount];
        using (var reader = rows.Reader())
        {
            while (reader.MoveNext())
            {
                if (include is null || include(reader.Index))
                {
                    var (y, cls, w) = reader.Read(scratch);
                    targets.Add(y);
                    if (task == PredictionKind.MulticlassClassification)
                        classes.Add(cls);
                    weights.Add(w);
                }
                reader.Advance();
            }
            if (reader.Index == 0)
                throw new InvalidOperationException($"{component}: the {role} data has no rows. Check the data source and any filters before this trainer.");
        }
        rows.Labels = TrainingData.Create(weights.Count, schema.FeatureCount, [], task == PredictionKind.MulticlassClassification ? [] : targets.ToArray(), classes.ToArray(), weights.ToArray());
        return rows;
    }

    /// <summary>Standardises the kept targets (regression's <see cref="LabelScale"/>).</summary>
    public void Standardize(LabelScale scale)
    {
        var targets = Labels.Targets;
        for (var r = 0; r < targets.Length; r++)
            targets[r] = (float)((targets[r] - scale.Mean) / scale.StandardDeviation);
    }

    public (float[] Outputs, TrainingData Labels) Forward(Sequential network, Device device, int outputSize)
    {
        var n = _schema.FeatureCount;
        var outputs = new float[(long)Labels.Rows * outputSize];
        var chunk = new float[Chunk * n];
        var filled = 0;
        var written = 0;
        void Flush()
        {
            var y = TorchBatchPredictor.Forward(network, device, chunk, filled, n, outputSize);
            y.CopyTo(outputs.AsSpan(written * outputSize));
            written += filled;
            filled = 0;
        }
        using (var reader = Reader())
        {
            while (reader.MoveNext())
            {
                if (_include is null || _include(reader.Index))
                {
                    if (written + filled >= Labels.Rows)
                        throw new InvalidOperationException($"{_component}: the {_role} data's cursor returned more rows than its first pass. Streamed training needs a data view that returns the same rows on every cursor; cache it (ml.Data.Cache) or save it to a file first.");
                    reader.Read(chunk.AsSpan(filled * n, n));
                    if (++filled == Chunk)
                        Flush();
                }
                reader.Advance();
            }
        }
        if (filled > 0)
            Flush();
        return (outputs, Labels);
    }

    private TrainingRowReader Reader() => new(_data, _schema, _task, _classWeights, _component, _role, _cancellation);
}
