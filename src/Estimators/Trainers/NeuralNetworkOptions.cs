using Microsoft.ML;

namespace DeepML;

/// <summary>
/// Options of DeepML's neural-network trainers (binary, multiclass, regression). Immutable: each
/// property is validated when it is set, so a bad value fails where the options are written, with
/// an <see cref="ArgumentException"/> naming the option. Derive variants with <c>options with { ... }</c>.
/// </summary>
/// <remarks>
/// The properties are grouped by file so a reader can scan them: this file holds the columns, the network,
/// the epochs and batch size, the loss and label handling, add-ons and progress;
/// <c>NeuralNetworkOptions.Optimization.cs</c> the optimizer, learning rate, schedule and regularisation;
/// <c>.EarlyStopping.cs</c> validation and early stopping; <c>.Checkpoints.cs</c> checkpoints, resuming and
/// transfer learning; <c>.Device.cs</c> device, threads and scoring. The names are ML.NET's and flat, as in
/// ML.NET's own trainer options, so <c>new NeuralNetworkOptions { Epochs = 30, LearningRate = 1e-3 }</c> reads as usual.
/// </remarks>
public sealed partial record NeuralNetworkOptions
{
    private readonly string _labelColumnName = "Label";
    private readonly string _featureColumnName = "Features";
    private readonly string? _exampleWeightColumnName;
    private readonly NetworkSpec _network = Networks.Mlp([64, 32]);
    private readonly int _epochs = 20;
    private readonly int? _batchSize;
    private readonly double _learningRate = 1e-3;
    private readonly double _momentum = 0.9;
    private readonly double _weightDecay;
    private readonly double _l1;
    private readonly double _gradientClipNorm;
    private readonly double _huberDelta = 1.0;
    private readonly double _validationFraction = 0.1;
    private readonly int _earlyStoppingPatience;
    private readonly double _earlyStoppingMinDelta;
    private readonly IReadOnlyList<float>? _classWeights;
    private readonly string _device = "cpu";
    private readonly int? _numberOfThreads;


    /// <summary>Label column: Boolean (binary), key (multiclass; use MapValueToKey), Single (regression). Default "Label".</summary>
    public string LabelColumnName { get => _labelColumnName; init => _labelColumnName = Name(value, nameof(LabelColumnName)); }

    /// <summary>Feature column: a known-size vector of Single. Default "Features".</summary>
    public string FeatureColumnName { get => _featureColumnName; init => _featureColumnName = Name(value, nameof(FeatureColumnName)); }

    /// <summary>Optional example-weight column (Single, ≥ 0). Default none.</summary>
    public string? ExampleWeightColumnName { get => _exampleWeightColumnName; init => _exampleWeightColumnName = value is null ? null : Name(value, nameof(ExampleWeightColumnName)); }

    /// <summary>
    /// The per-example shape of the feature vector, for example <c>new TensorShape(1, 28, 28)</c> for a 784-slot
    /// column holding a 28×28 grey image (row-major, channels first); null (the default) reads it as <c>[F]</c>.
    /// Its element count must equal the column's size; the trainer checks this before training.
    /// </summary>
    public TensorShape? InputShape { get; init; }

    /// <summary>The network body; the trainer adds the input size and the output layer. Default <c>Networks.Mlp([64, 32])</c>.</summary>
    public NetworkSpec Network { get => _network; init => _network = value ?? throw new ArgumentNullException(nameof(Network), "NeuralNetworkOptions: Network must not be null; use Networks.Mlp(...) or Networks.Linear()."); }

    /// <summary>Passes over the training data; at least 1. Default 20.</summary>
    public int Epochs { get => _epochs; init => _epochs = Check(value, value >= 1, nameof(Epochs), "at least 1"); }

    /// <summary>
    /// Examples per gradient step; at least 1. Default null: chosen from the number of training rows
    /// <c>n</c> (after the validation split) as the largest power of two ≤ <c>n / 16</c>, clamped to
    /// [32, 256] (<see cref="DefaultBatchSize"/>): 32 up to 1,023 rows, 64 from 1,024, 128 from
    /// 2,048, 256 from 4,096, so that an epoch takes at least about 16 steps. Small tables need the extra
    /// steps (benchmarks/SmallTables: iris 0.75 → 0.91, digits 0.85 → 0.93 accuracy against batch 256).
    /// A resumed run with BatchSize unset keeps its checkpoint's batch size.
    /// </summary>
    public int? BatchSize { get => _batchSize; init => _batchSize = value is null ? null : Check(value.Value, value >= 1, nameof(BatchSize), "at least 1"); }

    /// <summary>The batch size a run on <paramref name="trainingRows"/> rows uses when <see cref="BatchSize"/> is null (see there).</summary>
    /// <param name="trainingRows">Rows that train (after the validation split).</param>
    public static int DefaultBatchSize(int trainingRows)
    {
        var target = Math.Max(1, trainingRows / 16);
        var power = 1 << (31 - int.LeadingZeroCount(target)); // the largest power of two ≤ n / 16
        return Math.Clamp(power, 32, 256);
    }

    /// <summary>
    /// Regression only: train on the label standardised with the training rows' (weighted) mean μ and
    /// standard deviation σ, <c>(y − μ) / σ</c>, and fold the inverse into the output layer after
    /// training (<c>W' = σ·W</c>, <c>b' = σ·b + μ</c>), so the exported ONNX graph and <c>Score</c> are in
    /// label units. Default true: without it a label far from 0 or with a large spread (a price, a
    /// count, alcohol in %) makes the default learning rate and initialisation fit badly. With it the
    /// training and validation losses (and <see cref="HuberDelta"/>, <see cref="EarlyStoppingMinDelta"/>)
    /// are in standardised units; the validation RMSE is reported in label units. A checkpoint keeps μ
    /// and σ, and a resumed run uses them. Ignored by classification.
    /// </summary>
    public bool StandardizeLabel { get; init; } = true;

    /// <summary>The loss. Default <see cref="LossKind.Default"/> (the task's usual loss).</summary>
    public LossKind Loss { get; init => field = Check(value, Enum.IsDefined(value), nameof(Loss), "a defined LossKind"); } = LossKind.Default;

    /// <summary>Huber loss threshold; &gt; 0. Default 1.</summary>
    public double HuberDelta { get => _huberDelta; init => _huberDelta = Check(value, double.IsFinite(value) && value > 0, nameof(HuberDelta), "a finite value > 0"); }

    /// <summary>
    /// Per-class loss weights, in class order (binary: [negative, positive]; multiclass: key order);
    /// each finite and ≥ 0. Multiplied with the example weights. Default none (all 1).
    /// </summary>
    public IReadOnlyList<float>? ClassWeights
    {
        get => _classWeights;
        init
        {
            if (value is not null && (value.Count == 0 || value.Any(w => !float.IsFinite(w) || w < 0)))
                throw new ArgumentException($"NeuralNetworkOptions: ClassWeights must be a non-empty list of finite values ≥ 0, got [{string.Join(", ", value)}].", nameof(ClassWeights));
            _classWeights = value?.ToArray();
        }
    }

    /// <summary>Seed of every random choice (initialisation, shuffling, dropout, validation split); default derived from the MLContext's seed.</summary>
    public int? Seed { get; init; }

    /// <summary>
    /// Adversarial debiasing during training (binary classification only; see
    /// <see cref="AdversarialDebiasingOptions"/>); null (default) trains plainly. The fitted model
    /// scores exactly like a plain one: the adversary is training-only. Checkpoints hold the
    /// adversary's state too; a resumed run must use the same debiasing options as the checkpoint.
    /// </summary>
    public AdversarialDebiasingOptions? AdversarialDebiasing { get; init; }

    /// <summary>Receives a report after every epoch (and is how consoles draw progress bars).</summary>
    public IProgress<TrainingProgress>? Progress { get; init; }

    /// <summary>Cancels training; checked before every batch.</summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>The options behind the catalogs' simple overloads (ML.NET's usual parameter names).</summary>
    internal static NeuralNetworkOptions Simple(string labelColumnName, string featureColumnName, string? exampleWeightColumnName,
        int[]? hiddenUnits, int epochs, int? batchSize, double learningRate) => new()
        {
            LabelColumnName = labelColumnName,
            FeatureColumnName = featureColumnName,
            ExampleWeightColumnName = exampleWeightColumnName,
            Network = Networks.Mlp(hiddenUnits ?? [64, 32]),
            Epochs = epochs,
            BatchSize = batchSize,
            LearningRate = learningRate,
        };

    private static string Name(string? value, string option) =>
        string.IsNullOrWhiteSpace(value)
            ? throw new ArgumentException($"NeuralNetworkOptions: {option} must be a non-empty column name.", option)
            : value;

    private static T Check<T>(T value, bool ok, string option, string expected) =>
        ok ? value : throw new ArgumentException($"NeuralNetworkOptions: {option} must be {expected}, got {value}.", option);

}
