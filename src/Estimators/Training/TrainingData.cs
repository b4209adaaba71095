using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML;

/// <summary>
/// Training rows read once into flat buffers: features row-major <c>[Rows, FeatureCount]</c>,
/// targets, and per-row weights. Batches are gathered from these into one buffer and one tensor
/// per batch. Every value is checked while it is read, so bad data fails before any training
/// with the row (and slot) and the offending value.
/// </summary>
internal sealed class TrainingData
{
    private TrainingData(int rows, int featureCount, float[] features, float[] targets, long[] classes, float[] weights, float[] sensitive, IReadOnlyList<string> groupNames,
        int[]? sourceRows = null)
    {
        SourceRows = sourceRows ?? Enumerable.Range(0, rows).ToArray();
        SensitiveGroupNames = groupNames;
        Rows = rows;
        FeatureCount = featureCount;
        Features = features;
        Targets = targets;
        Classes = classes;
        Weights = weights;
        Sensitive = sensitive;
    }

    public int Rows { get; }
    public int FeatureCount { get; }
    public float[] Features { get; }

    /// <summary>Binary: 0/1; regression: the value; multiclass: unused (empty).</summary>
    public float[] Targets { get; }

    /// <summary>Multiclass: class index 0..K-1; otherwise empty.</summary>
    public long[] Classes { get; }

    /// <summary>Example weight × class weight per row (all 1 without either).</summary>
    public float[] Weights { get; }

    /// <summary>Adversarial debiasing's sensitive group per row, an index into <see cref="SensitiveGroupNames"/>; empty when debiasing is off.</summary>
    public float[] Sensitive { get; }

    /// <summary>
    /// Per row, its position in the data view it was read from (identity after <see cref="Read"/>; a subset keeps
    /// the original positions), so that add-ons holding per-row values of that view (a teacher's cached outputs)
    /// find each training row's value after a validation split.
    /// </summary>
    public int[] SourceRows { get; }

    /// <summary>Adversarial debiasing's groups in index order (see <see cref="SensitiveGroupColumn.Encode"/>); empty when debiasing is off.</summary>
    public IReadOnlyList<string> SensitiveGroupNames { get; }

    public static TrainingData Read(IDataView data, TrainingSchema schema, PredictionKind task, IReadOnlyList<float>? classWeights,
        string component, string role, CancellationToken cancellation, AdversarialDebiasingOptions? debiasing = null, IReadOnlyList<string>? knownGroups = null,
        long? abandonAboveBytes = null)
    {
        var n = schema.FeatureCount;
        var knownRows = data.GetRowCount();
        if (knownRows is { } count)
            CheckCapacity(count, n, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, component, role);
        var features = new List<float>(knownRows is { } c && c * n <= Array.MaxLength ? (int)(c * n) : 4096);
        var targets = new List<float>();
        var classes = new List<long>();
        var weights = new List<float>();
        var sensitiveColumn = debiasing is null ? null : schema.Sensitive;
        using var reader = new TrainingRowReader(data, schema, task, classWeights, component, role, cancellation, sensitiveColumn);
        var groups = new List<string>();
        var buffer = new float[n];
        while (reader.MoveNext())
        {
            if ((long)features.Count + n > Array.MaxLength)
                throw TooManyValues(reader.Index + 1, n, component, role);
            // A view that does not know its row count, read for Streaming.Mode = Auto: give up before the buffers outgrow the budget.
            if (abandonAboveBytes is { } budget && (reader.Index & 4095) == 0 && (reader.Index + 1) * (n * 4L + 16) > budget)
                throw new RowsDoNotFitException(reader.Index, budget);
            var (target, cls, weight) = reader.Read(buffer);
            features.AddRange(buffer);
            targets.Add(target);
            if (task == PredictionKind.MulticlassClassification)
                classes.Add(cls);
            weights.Add(weight);
            if (sensitiveColumn is not null)
                groups.Add(reader.Group());
            reader.Advance();
        }
        var index = reader.Index;
        if (index == 0)
            throw new InvalidOperationException($"{component}: the {role} data has no rows. Check the data source and any filters before this trainer.");
        var sensitive = sensitiveColumn is { } s ? SensitiveGroupColumn.Encode(groups, s.Name, debiasing!.PrivilegedGroup, component, knownGroups) : null;
        return new TrainingData((int)index, n, features.ToArray(), task == PredictionKind.MulticlassClassification ? [] : targets.ToArray(), classes.ToArray(), weights.ToArray(),
            sensitive?.Codes ?? [], sensitive?.Names ?? []);
    }

    /// <summary>
    /// Fails before reading when <paramref name="rows"/> rows of <paramref name="featureCount"/> features
    /// cannot be held in memory: more values than one .NET array holds, or more bytes than the process
    /// has available (<paramref name="availableBytes"/>, the GC's limit, which honours container limits).
    /// </summary>
    internal static void CheckCapacity(long rows, int featureCount, long availableBytes, string component, string role)
    {
        if (rows * featureCount > Array.MaxLength)
            throw TooManyValues(rows, featureCount, component, role);
        // Features, target, class and weight per row; the validation split copies its share once more.
        var bytes = rows * (featureCount * 4L + 16);
        if (availableBytes > 0 && bytes > availableBytes)
            throw new InsufficientMemoryException(
                $"{component}: the {role} data needs about {bytes / 1e9:F1} GB in memory ({rows:N0} rows × {featureCount:N0} features as Single), " +
                $"but the process has {availableBytes / 1e9:F1} GB available. DeepML reads the training rows into memory before training. " +
                "Train on a sample (ml.Data.TakeRows or ml.Data.BootstrapSample), reduce the features, or run with more memory.");
    }

    private static NotSupportedException TooManyValues(long rows, int featureCount, string component, string role) =>
        new($"{component}: the {role} data is too large to train on in memory: {rows:N0} rows × {featureCount:N0} features is more than the " +
            $"{Array.MaxLength:N0} values one .NET array holds. DeepML reads the training rows into memory before training. " +
            "Train on a sample (ml.Data.TakeRows or ml.Data.BootstrapSample) or reduce the features.");

    /// <summary>Rows <paramref name="indices"/> as a new set (used for the validation split).</summary>
    public TrainingData Subset(IReadOnlyList<int> indices)
    {
        var n = FeatureCount;
        var features = new float[indices.Count * n];
        for (var i = 0; i < indices.Count; i++)
            Array.Copy(Features, (long)indices[i] * n, features, (long)i * n, n);
        return new TrainingData(indices.Count, n, features,
            Targets.Length == 0 ? [] : indices.Select(i => Targets[i]).ToArray(),
            Classes.Length == 0 ? [] : indices.Select(i => Classes[i]).ToArray(),
            indices.Select(i => Weights[i]).ToArray(),
            Sensitive.Length == 0 ? [] : indices.Select(i => Sensitive[i]).ToArray(), SensitiveGroupNames,
            indices.Select(i => SourceRows[i]).ToArray());
    }

    /// <summary>Rows held in the given arrays (a streamed shuffle buffer or validation set); no sensitive groups, identity source rows.</summary>
    internal static TrainingData Create(int rows, int featureCount, float[] features, float[] targets, long[] classes, float[] weights) =>
        new(rows, featureCount, features, targets, classes, weights, [], []);

    /// <summary>The same rows with other targets (regression's standardised label, see <see cref="LabelScale"/>).</summary>
    public TrainingData WithTargets(float[] targets) =>
        new(Rows, FeatureCount, Features, targets, Classes, Weights, Sensitive, SensitiveGroupNames, SourceRows);

    /// <summary>Fails when the rows hold fewer than two classes (classification) or no positive weight.</summary>
    /// <param name="task">The prediction task.</param>
    /// <param name="classCount">Classes the label can take.</param>
    /// <param name="classNames">Their names, in class order.</param>
    /// <param name="component">The trainer, for messages.</param>
    /// <param name="split">When the rows are what a validation split left (<see cref="NeuralNetworkOptions.ValidationFraction"/>):
    /// the fraction and the rows before the split, so a single class left by the split is blamed on it.</param>
    public void RequireLearnable(PredictionKind task, int classCount, IReadOnlyList<string> classNames, string component, (double Fraction, int RowsBefore, int ClassesBefore)? split = null)
        => RequireLearnable(Weights.All(w => w == 0), task == PredictionKind.Regression ? [] : ClassCounts(task, classCount), Rows, task, classCount, classNames, component, split);

    /// <summary>The checks of <see cref="RequireLearnable(PredictionKind, int, IReadOnlyList{string}, string, ValueTuple{double, int, int}?)"/> from
    /// what a streamed first pass counts: whether every weight is 0, the rows per class and the row count.</summary>
    internal static void RequireLearnable(bool allWeightsZero, long[] counts, int rows, PredictionKind task, int classCount, IReadOnlyList<string> classNames, string component,
        (double Fraction, int RowsBefore, int ClassesBefore)? split)
    {
        if (allWeightsZero)
            throw new InvalidOperationException($"{component}: every training example has weight 0; nothing can be learned. Check the example-weight column and ClassWeights.");
        if (task == PredictionKind.Regression)
            return;
        if (counts.Count(c => c > 0) < 2)
        {
            var present = Enumerable.Range(0, classCount).Where(i => counts[i] > 0)
                .Select(i => task == PredictionKind.BinaryClassification ? (i == 1 ? "true" : "false") : classNames[i]);
            if (split is { ClassesBefore: >= 2 } s)
                throw new InvalidOperationException(
                    $"{component}: after the validation split (ValidationFraction = {s.Fraction}) the training rows hold a single class ({string.Join(", ", present)}, {rows} of {s.RowsBefore} rows); " +
                    "the data held more than one before the split, and a classifier needs at least two. The split caused this: " +
                    "use a smaller ValidationFraction, pass ValidationData split by class (stratified, e.g. ml.Data.TrainTestSplit with samplingKeyColumnName), or use more rows.");
            throw new InvalidOperationException(
                $"{component}: the training data holds a single class ({string.Join(", ", present)}, {rows} rows); a classifier needs at least two. " +
                "Check the label column and any filters, or use more data.");
        }
    }

    /// <summary>Rows per class (binary: [false, true]); empty for regression.</summary>
    public long[] ClassCounts(PredictionKind task, int classCount)
    {
        if (task == PredictionKind.Regression)
            return [];
        var counts = new long[classCount];
        if (task == PredictionKind.BinaryClassification)
        {
            foreach (var t in Targets)
                counts[(int)t]++;
        }
        else
        {
            foreach (var c in Classes)
                counts[c]++;
        }
        return counts;
    }

    internal delegate (float Target, long Class) LabelGetter(long row);

    internal static LabelGetter LabelReader(DataViewRowCursor cursor, TrainingSchema schema, PredictionKind task, string component, string role)
    {
        var name = schema.Label.Name;
        switch (task)
        {
            case PredictionKind.BinaryClassification when schema.Label.Type == BooleanDataViewType.Instance:
                var getBool = cursor.GetGetter<bool>(schema.Label);
                return _ => { var b = false; getBool(ref b); return (b ? 1f : 0f, 0); };
            case PredictionKind.BinaryClassification:
                var getBinary = cursor.GetGetter<float>(schema.Label);
                return row =>
                {
                    var v = 0f;
                    getBinary(ref v);
                    if (v is not (0f or 1f))
                        throw new InvalidOperationException($"{component}: {role} row {row}, label column '{name}' holds {v}; a Single binary label must be 0 or 1. Map it to Boolean or to 0/1 first.");
                    return (v, 0);
                };
            case PredictionKind.MulticlassClassification:
                var getKey = KeyGetter(cursor, schema.Label);
                var count = schema.ClassCount;
                return row =>
                {
                    var key = getKey();
                    if (key == 0 || key > (ulong)count)
                        throw new InvalidOperationException(
                            $"{component}: {role} row {row}, label column '{name}' holds key {key}, outside the {count} classes (key 0 means a missing or unseen label). " +
                            "Fit MapValueToKey on data that holds every class, and remove rows with missing labels.");
                    return (0f, (long)key - 1);
                };
            default:
                var getValue = cursor.GetGetter<float>(schema.Label);
                return row =>
                {
                    var v = 0f;
                    getValue(ref v);
                    if (!float.IsFinite(v))
                        throw new InvalidOperationException($"{component}: {role} row {row}, label column '{name}' holds {v}; regression labels must be finite. Filter or impute these rows first.");
                    return (v, 0);
                };
        }
    }

    private static Func<ulong> KeyGetter(DataViewRowCursor cursor, DataViewSchema.Column label)
    {
        switch (label.Type.RawType)
        {
            case var t when t == typeof(uint):
                var g32 = cursor.GetGetter<uint>(label);
                return () => { uint v = 0; g32(ref v); return v; };
            case var t when t == typeof(ulong):
                var g64 = cursor.GetGetter<ulong>(label);
                return () => { ulong v = 0; g64(ref v); return v; };
            case var t when t == typeof(ushort):
                var g16 = cursor.GetGetter<ushort>(label);
                return () => { ushort v = 0; g16(ref v); return v; };
            default:
                var g8 = cursor.GetGetter<byte>(label);
                return () => { byte v = 0; g8(ref v); return v; };
        }
    }
}
