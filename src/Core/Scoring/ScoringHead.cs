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
internal sealed class ScoringHead : IOutputHead
{
    public const string Score = "Score";
    public const string PredictedLabel = "PredictedLabel";
    public const string Probability = "Probability";

    private readonly VBuffer<ReadOnlyMemory<char>> _classNames;

    public ScoringHead(PredictionKind task, int outputSize, IReadOnlyList<string> classNames)
    {
        Task = task;
        OutputSize = outputSize;
        var names = classNames.Count == outputSize ? classNames : Enumerable.Range(0, outputSize).Select(i => i.ToString()).ToArray();
        _classNames = new VBuffer<ReadOnlyMemory<char>>(names.Count, names.Select(n => n.AsMemory()).ToArray());
    }

    public PredictionKind Task { get; }

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

    /// <inheritdoc />
    public Delegate Getter(int outputIndex, RawRowSource raw) => RawOutputGetters.Create(this, outputIndex, raw);

    /// <summary>The shapes of <see cref="Columns"/>, for estimators.</summary>
    public IEnumerable<SchemaShape.Column> Shapes() =>
        Columns().Select(c => SchemaShapes.Column(c.Name, c.Type, c.Annotations.Schema));

    /// <summary>Binary and regression: the scalar score of one row's raw outputs.</summary>
    public static float ScalarScore(ReadOnlySpan<float> raw) => raw[0];

    /// <summary>Binary: P(positive) from the logit, computed stably for large |logit|.</summary>
    public static float Sigmoid(float logit) =>
        logit >= 0 ? 1f / (1f + MathF.Exp(-logit)) : MathF.Exp(logit) / (1f + MathF.Exp(logit));

    /// <summary>Multiclass: softmax of one row's logits into <paramref name="probabilities"/>.</summary>
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
