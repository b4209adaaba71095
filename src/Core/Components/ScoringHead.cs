using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML;

/// <summary>
/// Turns a network's raw outputs into ML.NET's prediction columns for one task, with the types
/// ML.NET's evaluators and <c>PredictionEngine</c> expect:
/// <list type="bullet">
/// <item>binary: <c>Score</c> (Single, the logit), <c>Probability</c> (Single, sigmoid of the logit), <c>PredictedLabel</c> (Boolean, logit &gt; 0);</item>
/// <item>multiclass: <c>Score</c> (known-size vector of Single, softmax probabilities in key order, with slot names), <c>PredictedLabel</c> (key with the training label's key values);</item>
/// <item>regression: <c>Score</c> (Single).</item>
/// </list>
/// </summary>
/// <remarks>
/// Each column carries ML.NET's score annotations (<c>ScoreColumnKind</c>, <c>ScoreValueKind</c>, and
/// <c>SlotNames</c> / <c>KeyValues</c> for multiclass), which ML.NET's evaluators look for. A component
/// that produces a network's raw outputs gets ML.NET-compatible columns from one head: its estimator
/// returns <c>SchemaShapes.With(input, head.Shapes())</c>, and its transformer adds
/// <see cref="Columns"/> and computes their values with <see cref="Sigmoid"/>, <see cref="Softmax"/> and
/// <see cref="ArgMaxKey"/>. Immutable and thread-safe.
/// </remarks>
public sealed class ScoringHead : IOutputHead
{
    /// <summary>ML.NET's score column name.</summary>
    public const string Score = "Score";

    /// <summary>ML.NET's predicted-label column name.</summary>
    public const string PredictedLabel = "PredictedLabel";

    /// <summary>ML.NET's probability column name (binary classification).</summary>
    public const string Probability = "Probability";

    private readonly VBuffer<ReadOnlyMemory<char>> _classNames;

    /// <summary>Creates the head of a network with <paramref name="outputSize"/> raw outputs per row.</summary>
    /// <param name="task">The prediction task.</param>
    /// <param name="outputSize">Raw outputs per row: 1 for binary and regression, the class count for multiclass.</param>
    /// <param name="classNames">Multiclass: the class names in key order (slot names and key values); when
    /// their count is not <paramref name="outputSize"/>, "0".."K-1" are used.</param>
    public ScoringHead(PredictionKind task, int outputSize, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        if (outputSize < 1)
            throw new ArgumentOutOfRangeException(nameof(outputSize), outputSize, $"ScoringHead: outputSize must be at least 1, got {outputSize}. Pass the network's raw outputs per row.");
        Task = task;
        OutputSize = outputSize;
        var names = classNames.Count == outputSize ? classNames : Enumerable.Range(0, outputSize).Select(i => i.ToString()).ToArray();
        _classNames = new VBuffer<ReadOnlyMemory<char>>(names.Count, names.Select(n => n.AsMemory()).ToArray());
    }

    /// <summary>The prediction task.</summary>
    public PredictionKind Task { get; }

    /// <summary>Raw outputs per row.</summary>
    public int OutputSize { get; }

    /// <summary>The output columns, in order, as (name, type, annotations).</summary>
    public IReadOnlyList<(string Name, DataViewType Type, DataViewSchema.Annotations Annotations)> Columns()
    {
        var kind = Task.ToString();
        return Task switch
        {
            PredictionKind.BinaryClassification =>
            [
                (Score, NumberDataViewType.Single, ScoreAnnotations(kind, "Score", slotNames: false)),
                (Probability, NumberDataViewType.Single, ScoreAnnotations(kind, "Probability", slotNames: false)),
                (PredictedLabel, BooleanDataViewType.Instance, ScoreAnnotations(kind, "PredictedLabel", slotNames: false)),
            ],
            PredictionKind.MulticlassClassification =>
            [
                (Score, new VectorDataViewType(NumberDataViewType.Single, OutputSize), ScoreAnnotations(kind, "Score", slotNames: true)),
                (PredictedLabel, new KeyDataViewType(typeof(uint), OutputSize), KeyValueAnnotations(kind)),
            ],
            _ => [(Score, NumberDataViewType.Single, ScoreAnnotations(kind, "Score", slotNames: false))],
        };
    }

    Delegate IOutputHead.Getter(int outputIndex, RawRowSource raw) => RawOutputGetters.Create(this, outputIndex, raw);

    /// <summary>The shapes of <see cref="Columns"/>, for estimators.</summary>
    public IEnumerable<SchemaShape.Column> Shapes() =>
        Columns().Select(c => SchemaShapes.Column(c.Name, c.Type, c.Annotations.Schema));

    /// <summary>Binary: P(positive) from the logit, computed stably for large |logit|.</summary>
    /// <param name="logit">The raw output.</param>
    public static float Sigmoid(float logit) =>
        logit >= 0 ? 1f / (1f + MathF.Exp(-logit)) : MathF.Exp(logit) / (1f + MathF.Exp(logit));

    /// <summary>Multiclass: softmax of one row's logits into <paramref name="probabilities"/>.</summary>
    /// <param name="logits">One row's raw outputs.</param>
    /// <param name="probabilities">Receives the probabilities; at least as long as <paramref name="logits"/>.</param>
    public static void Softmax(ReadOnlySpan<float> logits, Span<float> probabilities)
    {
        var max = float.NegativeInfinity;
        foreach (var v in logits)
            max = MathF.Max(max, v);
        var sum = 0.0;
        for (var i = 0; i < logits.Length; i++)
        {
            probabilities[i] = MathF.Exp(logits[i] - max);
            sum += probabilities[i];
        }
        for (var i = 0; i < logits.Length; i++)
            probabilities[i] = (float)(probabilities[i] / sum);
    }

    /// <summary>Multiclass: the 1-based key of the largest logit (0 when a logit is NaN, ML.NET's missing key).</summary>
    /// <param name="logits">One row's raw outputs.</param>
    public static uint ArgMaxKey(ReadOnlySpan<float> logits)
    {
        var best = 0;
        for (var i = 0; i < logits.Length; i++)
        {
            if (float.IsNaN(logits[i]))
                return 0;
            if (logits[i] > logits[best])
                best = i;
        }
        return (uint)best + 1;
    }

    private DataViewSchema.Annotations ScoreAnnotations(string kind, string valueKind, bool slotNames)
    {
        var builder = new DataViewSchema.Annotations.Builder();
        builder.Add("ScoreColumnKind", TextDataViewType.Instance, (ref ReadOnlyMemory<char> v) => v = kind.AsMemory());
        builder.Add("ScoreValueKind", TextDataViewType.Instance, (ref ReadOnlyMemory<char> v) => v = valueKind.AsMemory());
        if (slotNames)
            builder.Add("SlotNames", new VectorDataViewType(TextDataViewType.Instance, OutputSize), (ref VBuffer<ReadOnlyMemory<char>> v) => _classNames.CopyTo(ref v));
        return builder.ToAnnotations();
    }

    private DataViewSchema.Annotations KeyValueAnnotations(string kind)
    {
        var builder = new DataViewSchema.Annotations.Builder();
        builder.Add("ScoreColumnKind", TextDataViewType.Instance, (ref ReadOnlyMemory<char> v) => v = kind.AsMemory());
        builder.Add("ScoreValueKind", TextDataViewType.Instance, (ref ReadOnlyMemory<char> v) => v = "PredictedLabel".AsMemory());
        builder.Add("KeyValues", new VectorDataViewType(TextDataViewType.Instance, OutputSize), (ref VBuffer<ReadOnlyMemory<char>> v) => _classNames.CopyTo(ref v));
        return builder.ToAnnotations();
    }
}
