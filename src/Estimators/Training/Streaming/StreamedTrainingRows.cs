using System.Collections;
using Microsoft.ML;

namespace DeepML;

/// <summary>
/// Training rows streamed from the data view's cursor (<see cref="StreamingOptions"/>). <see cref="Open"/> makes the first
/// pass: it counts the rows, checks every value as <see cref="TrainingData.Read"/> does (same messages), routes the
/// validation split's rows (<see cref="EpochOrder.Split"/>, the in-memory path's choice) and gathers what must be known up
/// front: the rows per class, whether any weight is positive, regression's label statistics.
/// </summary>
/// <remarks>
/// When the buffer holds every training row (<see cref="HoldsAll"/>) the first pass keeps them, in the in-memory path's
/// order, and each epoch emits <see cref="EpochOrder.Shuffled"/>'s permutation of them: the same batches as the in-memory
/// path, bit for bit. Otherwise each epoch opens a new cursor and draws its batches through a <see cref="ShuffleBuffer"/>
/// seeded from (seed, epoch). Memory: the buffer, plus one bit per row for the validation split's routing (12 bytes per
/// row while <see cref="EpochOrder.Split"/> draws it).
/// </remarks>
internal sealed class StreamedTrainingRows : ITrainingRows
{
    private readonly IDataView _data;
    private readonly TrainingSchema _schema;
    private readonly PredictionKind _task;
    private readonly IReadOnlyList<float>? _classWeights;
    private readonly string _component;
    private readonly CancellationToken _cancellation;
    private readonly BitArray? _validation; // rows held out by the split (null: none)
    private readonly bool _validationAlsoTrains; // a split that would leave no training rows keeps them all (as the in-memory path does)
    private readonly ShuffleBuffer _buffer;
    private LabelScale? _scale;

    private StreamedTrainingRows(IDataView data, TrainingSchema schema, PredictionKind task, IReadOnlyList<float>? classWeights, string component, CancellationToken cancellation,
        BitArray? validation, bool validationAlsoTrains, int rows, int capacity)
    {
        _data = data;
        _schema = schema;
        _task = task;
        _classWeights = classWeights;
        _component = component;
        _cancellation = cancellation;
        _validation = validation;
        _validationAlsoTrains = validationAlsoTrains;
        Rows = rows;
        _buffer = new ShuffleBuffer(Math.Min(capacity, rows), schema.FeatureCount, task);
    }

    public int Rows { get; }

    /// <summary>Rows in the data view, before the split.</summary>
    public int RowsBefore { get; private set; }

    /// <summary>Whether the buffer holds every training row (then the batches are the in-memory path's).</summary>
    public bool HoldsAll => _buffer.Capacity >= Rows;

    /// <summary>Training rows per class (binary: [false, true]); empty for regression.</summary>
    public long[] ClassCounts { get; private set; } = [];

    /// <summary>Rows per class before the split.</summary>
    public long[] ClassCountsBefore { get; private set; } = [];

    /// <summary>Whether every training row weighs 0.</summary>
    public bool AllWeightsZero { get; private set; }

    /// <summary>The split's validation rows held in the split's order (when the buffer holds every row); null otherwise.</summary>
    public TrainingData? HeldValidation { get; private set; }

    /// <summary>Whether a row of the data view is a validation row (for the streamed validation).</summary>
    public bool IsValidation(long row) => _validation is not null && row < _validation.Length && _validation[(int)row];

    /// <summary>The training rows the buffer holds (all of them when <see cref="HoldsAll"/>), for data-fitted layers.</summary>
    public TrainingData Buffered => _buffer.Rows;

    private (double Sum, double Weights, double Shifted, double Squares, float Shift) _labelSums;

    /// <summary>
    /// The first pass. <paramref name="validationFraction"/> &gt; 0 holds out the rows the in-memory split would;
    /// <paramref name="bufferRows"/> is computed from the training row count (the batch size depends on it).
    /// </summary>
    public static StreamedTrainingRows Open(IDataView data, TrainingSchema schema, PredictionKind task, IReadOnlyList<float>? classWeights, double validationFraction,
        int seed, Func<int, int> bufferRows, string component, CancellationToken cancellation)
    {
        var count = data.GetRowCount() ?? CountRows(data, cancellation);
        if (count > Array.MaxLength)
            throw new NotSupportedException($"{component}: the training data has {count:N0} rows; streamed training indexes rows with Int32 and takes at most {Array.MaxLength:N0}. Train on a sample (ml.Data.TakeRows).");
        var rows = (int)count;
        if (rows == 0)
            throw new InvalidOperationException($"{component}: the training data has no rows. Check the data source and any filters before this trainer.");
        int[]? split = null;
        var validationRows = 0;
        var alsoTrains = false;
        if (validationFraction > 0)
        {
            split = EpochOrder.Split(rows, seed);
            validationRows = EpochOrder.ValidationRows(rows, validationFraction);
            alsoTrains = validationRows >= rows;
        }
        var trainRows = alsoTrains ? rows : rows - validationRows;
        var capacity = bufferRows(trainRows);
        BitArray? isValidation = null;
        int[]? position = null; // when the buffer holds all: per source row its training index (≥ 0) or −(validation position + 1)
        int[]? validationPosition = null; // the same for validation rows when every row also trains
        if (split is not null)
        {
            isValidation = new BitArray(rows);
            for (var i = 0; i < validationRows && i < rows; i++)
                isValidation[split[i]] = true;
            if (capacity >= trainRows)
            {
                position = new int[rows];
                validationPosition = alsoTrains ? new int[rows] : null;
                for (var i = 0; i < rows; i++)
                {
                    if (alsoTrains)
                    {
                        position[i] = i;
                        validationPosition![split[i]] = i;
                    }
                    else
                    {
                        position[split[i]] = i < validationRows ? -(i + 1) : i - validationRows;
                    }
                }
            }
        }
        var source = new StreamedTrainingRows(data, schema, task, classWeights, component, cancellation, isValidation, alsoTrains, trainRows, capacity);
        return source.FirstPass(count, validationRows, position, validationPosition);
    }

    private StreamedTrainingRows FirstPass(long count, int validationRows, int[]? position, int[]? validationPosition)
    {
        var n = _schema.FeatureCount;
        var classes = _task == PredictionKind.Regression ? 0 : _task == PredictionKind.BinaryClassification ? 2 : _schema.ClassCount;
        var counts = new long[classes];
        var before = new long[classes];
        var anyWeight = false;
        var holdsAll = _buffer.Capacity >= Rows;
        var held = holdsAll && validationRows > 0
            ? TrainingData.Create(validationRows, n, new float[(long)validationRows * n], new float[validationRows], _task == PredictionKind.MulticlassClassification ? new long[validationRows] : [], new float[validationRows])
            : null;
        var scratch = new float[n];
        var buffer = _buffer.Rows;
        var sums = (Sum: 0.0, Weights: 0.0, Shifted: 0.0, Squares: 0.0, Shift: float.NaN);
        using var reader = new TrainingRowReader(_data, _schema, _task, _classWeights, _component, "training", _cancellation);
        while (reader.MoveNext())
        {
            var row = reader.Index;
            if (row >= count)
                throw RowCountChanged(count, row + 1);
            var validation = IsValidation(row);
            var trains = !validation || _validationAlsoTrains;
            var slot = !holdsAll || !trains ? -1 : position is null ? (int)row : position[row];
            var target = slot >= 0 ? buffer.Features.AsSpan((int)((long)slot * n), n) : scratch;
            var (y, cls, weight) = reader.Read(target);
            var classIndex = _task == PredictionKind.BinaryClassification ? (int)y : (int)cls;
            if (classes > 0)
                before[classIndex]++;
            if (trains)
            {
                if (classes > 0)
                    counts[classIndex]++;
                anyWeight |= weight != 0;
                if (slot >= 0)
                    Store(buffer, slot, y, cls, weight);
                if (float.IsNaN(sums.Shift))
                    sums.Shift = y;
                var d = (double)y - sums.Shift;
                sums = (sums.Sum + (double)weight * y, sums.Weights + weight, sums.Shifted + weight * d, sums.Squares + weight * d * d, sums.Shift);
            }
            if (validation && held is not null)
            {
                var p = validationPosition is not null ? validationPosition[row] : -position![row] - 1;
                target.CopyTo(held.Features.AsSpan((int)((long)p * n), n));
                Store(held, p, y, cls, weight);
            }
            reader.Advance();
        }
        if (reader.Index != count)
            throw RowCountChanged(count, reader.Index);
        _labelSums = sums;
        HeldValidation = held;
        RowsBefore = (int)count;
        ClassCounts = counts;
        ClassCountsBefore = before;
        AllWeightsZero = !anyWeight;
        return this;
    }

    private static void Store(TrainingData rows, int slot, float target, long cls, float weight)
    {
        if (rows.Classes.Length > 0)
            rows.Classes[slot] = cls;
        rows.Targets[slot] = target;
        rows.Weights[slot] = weight;
    }

    /// <summary>
    /// Regression's label standardisation over the training rows: exactly <see cref="LabelScale.Of"/> when the buffer holds
    /// every row, otherwise from the first pass's weighted sums (shifted by the first label, for precision).
    /// </summary>
    public LabelScale Scale()
    {
        if (HoldsAll)
            return LabelScale.Of(_buffer.Rows);
        var (sum, weights, shifted, squares, _) = _labelSums;
        var mean = sum / weights;
        var m = shifted / weights;
        var std = Math.Sqrt(Math.Max(0, squares / weights - m * m));
        return new LabelScale(mean, std > 1e-12 * Math.Max(1, Math.Abs(mean)) ? std : 1);
    }

    /// <summary>Trains on standardised targets from now on (the held rows are standardised at once, streamed ones as they are read).</summary>
    public void Standardize(LabelScale scale)
    {
        _scale = scale;
        if (HoldsAll)
            Standardize(_buffer.Rows, scale);
        if (HeldValidation is { } v)
            Standardize(v, scale);
    }

    private static void Standardize(TrainingData rows, LabelScale scale)
    {
        for (var r = 0; r < rows.Rows; r++)
            rows.Targets[r] = (float)((rows.Targets[r] - scale.Mean) / scale.StandardDeviation);
    }

    public IEnumerable<TrainingBatch> Epoch(int seed, int epoch, int batchSize)
    {
        if (HoldsAll)
        {
            var order = EpochOrder.Shuffled(Rows, seed, epoch);
            for (var start = 0; start < Rows; start += batchSize)
                yield return new TrainingBatch(_buffer.Rows, order, start, Math.Min(batchSize, Rows - start));
            yield break;
        }
        using var reader = new TrainingRowReader(_data, _schema, _task, _classWeights, _component, "training", _cancellation);
        var rows = _buffer.Rows;
        var n = _schema.FeatureCount;
        var streamed = 0;
        bool Fill(int slot)
        {
            while (reader.MoveNext())
            {
                var row = reader.Index;
                if (row >= RowsBefore)
                    throw RowCountChanged(RowsBefore, row + 1);
                if (IsValidation(row) && !_validationAlsoTrains)
                {
                    reader.Advance();
                    continue;
                }
                var (y, cls, weight) = reader.Read(rows.Features.AsSpan(slot * n, n));
                Store(rows, slot, _scale is { } s ? (float)((y - s.Mean) / s.StandardDeviation) : y, cls, weight);
                reader.Advance();
                streamed++;
                return true;
            }
            return false;
        }
        foreach (var batch in _buffer.Epoch(Fill, EpochOrder.Generator(seed, epoch), batchSize))
            yield return batch;
        if (streamed != Rows || reader.Index != RowsBefore)
            throw RowCountChanged(RowsBefore, reader.Index);
    }

    private static long CountRows(IDataView data, CancellationToken cancellation)
    {
        using var cursor = data.GetRowCursor([]);
        long rows = 0;
        while (cursor.MoveNext())
        {
            if ((rows++ & 0xFFFF) == 0)
                cancellation.ThrowIfCancellationRequested();
        }
        return rows;
    }

    private InvalidOperationException RowCountChanged(long expected, long actual) =>
        new($"{_component}: the training data's cursor returned {actual:N0} rows where {expected:N0} were expected (its row count, or the rows of an earlier pass). " +
            "Streamed training reads the data once per epoch and needs a data view that returns the same rows on every cursor; cache it (ml.Data.Cache) or save it to a file first.");
}
