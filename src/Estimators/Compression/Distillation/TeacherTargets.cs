using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML;

/// <summary>
/// A teacher's outputs for every row of the training data, scored once in bulk and held as logits in the
/// student's output space: <c>[rows, Width]</c> row-major, in the order the trainer read the rows
/// (<see cref="TrainingData.SourceRows"/> finds them after a validation split).
/// </summary>
/// <remarks>Binary: one logit per row; multiclass: one log-probability per class, in the student's class
/// order; regression: the teacher's prediction in label units (the trainer standardises it with the
/// label when <see cref="NeuralNetworkOptions.StandardizeLabel"/> is on).</remarks>
internal sealed class TeacherTargets
{
    /// <summary>Probabilities are clipped to [ε, 1 − ε] before taking logarithms, so a certain teacher gives finite logits.</summary>
    internal const double ProbabilityClip = 1e-7;

    private TeacherTargets(float[] values, int width, string column)
    {
        Values = values;
        Width = width;
        Column = column;
        Fingerprint = FingerprintOf(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()), width);
    }

    /// <summary>Row-major teacher logits (or regression targets).</summary>
    public float[] Values { get; }

    /// <summary>Values per row: the number of classes for multiclass, otherwise 1.</summary>
    public int Width { get; }

    /// <summary>The teacher column the values came from.</summary>
    public string Column { get; }

    /// <summary>A 64-bit FNV-1a hash of the values (hex), kept in checkpoints so a resumed run learns from the same teacher.</summary>
    public string Fingerprint { get; }

    /// <summary>Scores <paramref name="input"/> with the teacher and converts its outputs (see the class remarks).</summary>
    /// <param name="options">The distillation options.</param>
    /// <param name="input">The trainer's training data, exactly as the trainer reads it.</param>
    /// <param name="task">The student's task.</param>
    /// <param name="classNames">The student's classes, in class order (multiclass).</param>
    /// <param name="rows">Rows the trainer read from <paramref name="input"/>.</param>
    /// <param name="component">The trainer's name, first word of errors.</param>
    /// <param name="cancellation">Stops scoring between rows.</param>
    public static TeacherTargets Score(DistillationOptions options, IDataView input, PredictionKind task, IReadOnlyList<string> classNames, int rows,
        string component, CancellationToken cancellation)
    {
        DataViewSchema schema;
        try
        {
            schema = options.Teacher.GetOutputSchema(input.Schema);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
        {
            throw new ArgumentException($"{component}: DistillationOptions.Teacher cannot score the training data: {e.Message} " +
                "Give a teacher fitted on data with the columns this trainer's input has (for example the same pipeline up to its trainer), or add the columns it needs.",
                nameof(NeuralNetworkOptions.Distillation), e);
        }
        var name = options.TeacherOutputColumnName ?? (task == PredictionKind.BinaryClassification && schema.GetColumnOrNull("Probability") is not null ? "Probability" : "Score");
        var column = schema.GetColumnOrNull(name)
            ?? throw new ArgumentException(ColumnChecks.NotFoundMessage(component, "teacher output", name, schema.Select(c => c.Name)) +
                " The teacher must output Score (and, for binary classification, preferably Probability); set DistillationOptions.TeacherOutputColumnName for another column.",
                nameof(NeuralNetworkOptions.Distillation));
        var width = task == PredictionKind.MulticlassClassification ? classNames.Count : 1;
        var order = task == PredictionKind.MulticlassClassification ? ClassOrder(column, classNames, component) : null;
        if (task != PredictionKind.MulticlassClassification && column.Type != NumberDataViewType.Single)
            throw ColumnChecks.Mismatch(component, "teacher output", column, "Single", "Pick the teacher's scalar Score or Probability column (DistillationOptions.TeacherOutputColumnName).");

        var values = new float[(long)rows * width];
        var isProbability = task == PredictionKind.BinaryClassification && name == "Probability";
        using var cursor = options.Teacher.Transform(input).GetRowCursor([column]);
        var read = 0;
        if (order is null)
        {
            var get = cursor.GetGetter<float>(column);
            var v = 0f;
            while (cursor.MoveNext())
            {
                Check(read, rows, component, cancellation);
                get(ref v);
                values[read] = isProbability ? Logit(v, read, name, component) : Finite(v, read, name, component);
                read++;
            }
        }
        else
        {
            var get = cursor.GetGetter<VBuffer<float>>(column);
            var v = default(VBuffer<float>);
            var dense = new float[width];
            while (cursor.MoveNext())
            {
                Check(read, rows, component, cancellation);
                get(ref v);
                v.CopyTo(dense);
                LogProbabilities(dense, order, values.AsSpan(read * width, width), read, name, component);
                read++;
            }
        }
        if (read != rows)
            throw new InvalidOperationException($"{component}: the teacher scored {read} rows but the trainer read {rows}; the teacher must keep every row (no filters), in order.");
        return new TeacherTargets(values, width, name);
    }

    /// <summary>Teacher slot index of each student class: matched by slot name when the teacher's Score has slot names, else in order.</summary>
    private static int[] ClassOrder(DataViewSchema.Column column, IReadOnlyList<string> classNames, string component)
    {
        if (column.Type is not VectorDataViewType { IsKnownSize: true } vector || vector.ItemType != NumberDataViewType.Single || vector.Size != classNames.Count)
            throw ColumnChecks.Mismatch(component, "teacher output", column, $"known-size vector of {classNames.Count} Single (one probability per class)",
                "Give a multiclass teacher trained on the same label (its Score holds one probability per class).");
        if (column.Annotations.Schema.GetColumnOrNull("SlotNames") is null)
            return Enumerable.Range(0, classNames.Count).ToArray();
        var slots = default(VBuffer<ReadOnlyMemory<char>>);
        column.GetSlotNames(ref slots);
        var names = slots.DenseValues().Select(s => s.ToString()).ToList();
        var order = classNames.Select(c => names.IndexOf(c)).ToArray();
        if (order.Contains(-1) || order.Distinct().Count() != order.Length)
            throw new ArgumentException($"{component}: the teacher's '{column.Name}' classes [{string.Join(", ", names)}] are not the student's classes [{string.Join(", ", classNames)}]. " +
                "Train the teacher on the same label column.", nameof(NeuralNetworkOptions.Distillation));
        return order;
    }

    private static void LogProbabilities(float[] p, int[] order, Span<float> into, int row, string column, string component)
    {
        double sum = 0;
        foreach (var v in p)
        {
            if (!float.IsFinite(v) || v < -1e-6f)
                throw new InvalidOperationException($"{component}: teacher row {row}, column '{column}' holds {v}; a multiclass teacher's Score must hold probabilities (finite, ≥ 0). " +
                    "Use a teacher whose Score is a probability distribution (ML.NET's multiclass trainers, a DeepML network).");
            sum += v;
        }
        if (Math.Abs(sum - 1) > 1e-3)
            throw new InvalidOperationException($"{component}: teacher row {row}, column '{column}' sums to {sum:G6}, not 1; a multiclass teacher's Score must hold probabilities. " +
                "Use a teacher whose Score is a probability distribution (ML.NET's multiclass trainers, a DeepML network).");
        for (var k = 0; k < order.Length; k++)
            into[k] = (float)Math.Log(Math.Max(p[order[k]], ProbabilityClip));
    }

    private static float Logit(float p, int row, string column, string component)
    {
        if (!float.IsFinite(p) || p < 0 || p > 1)
            throw new InvalidOperationException($"{component}: teacher row {row}, column '{column}' holds {p}; a probability must lie in [0, 1]. Pick the teacher's Score instead (DistillationOptions.TeacherOutputColumnName).");
        var q = Math.Clamp(p, ProbabilityClip, 1 - ProbabilityClip);
        return (float)Math.Log(q / (1 - q));
    }

    private static float Finite(float v, int row, string column, string component) => float.IsFinite(v) ? v
        : throw new InvalidOperationException($"{component}: teacher row {row}, column '{column}' holds {v}; the teacher's outputs must be finite.");

    private static void Check(int read, int rows, string component, CancellationToken cancellation)
    {
        if ((read & 1023) == 0)
            cancellation.ThrowIfCancellationRequested();
        if (read >= rows)
            throw new InvalidOperationException($"{component}: the teacher scored more rows than the trainer read ({rows}); the teacher must keep every row, in order.");
    }

    /// <summary>64-bit FNV-1a of <paramref name="bytes"/>, salted with <paramref name="salt"/>, as 16 hex digits.</summary>
    internal static string FingerprintOf(ReadOnlySpan<byte> bytes, int salt)
    {
        var hash = 14695981039346656037UL ^ (ulong)salt;
        foreach (var b in bytes)
            hash = (hash ^ b) * 1099511628211UL;
        return hash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
    }
}
