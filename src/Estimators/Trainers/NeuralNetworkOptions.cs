using Microsoft.ML;

namespace DeepML;

/// <summary>
/// Options of DeepML's neural-network trainers (binary, multiclass, regression). Immutable: each
/// property is validated when it is set, so a bad value fails where the options are written, with
/// an <see cref="ArgumentException"/> naming the option. Derive variants with <c>options with { ... }</c>.
/// </summary>
public sealed record NeuralNetworkOptions
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

    /// <summary>The optimizer. Default <see cref="OptimizerKind.Adam"/>.</summary>
    public OptimizerKind Optimizer { get; init => field = Check(value, Enum.IsDefined(value), nameof(Optimizer), "a defined OptimizerKind"); } = OptimizerKind.Adam;

    /// <summary>Step size; finite and &gt; 0. Default 1e-3.</summary>
    public double LearningRate { get => _learningRate; init => _learningRate = Check(value, double.IsFinite(value) && value > 0, nameof(LearningRate), "a finite value > 0"); }

    /// <summary>
    /// How the rate changes during the run, starting from <see cref="LearningRate"/>: warm-up, step
    /// decay, cosine annealing or reduce on plateau (see <see cref="DeepML.LearningRateSchedule"/>);
    /// e.g. <c>LearningRateSchedule.Cosine(minimum: 1e-5).WithWarmUp(2)</c>. Default
    /// <see cref="LearningRateSchedule.Constant"/>: <see cref="LearningRate"/> throughout.
    /// </summary>
    public LearningRateSchedule LearningRateSchedule
    {
        get;
        init => field = value ?? throw new ArgumentNullException(nameof(LearningRateSchedule),
            "NeuralNetworkOptions: LearningRateSchedule must not be null; use LearningRateSchedule.Constant() for a constant rate.");
    } = LearningRateSchedule.Constant();

    /// <summary>SGD momentum, in [0, 1). Default 0.9. Ignored by Adam/AdamW.</summary>
    public double Momentum { get => _momentum; init => _momentum = Check(value, value >= 0 && value < 1, nameof(Momentum), "in [0, 1)"); }

    /// <summary>Weight decay: L2 for Adam and SGD, decoupled for AdamW; ≥ 0. Default 0.</summary>
    public double WeightDecay { get => _weightDecay; init => _weightDecay = Check(value, double.IsFinite(value) && value >= 0, nameof(WeightDecay), "a finite value ≥ 0"); }

    /// <summary>L1 penalty on dense-layer weights (not biases), added to the loss; ≥ 0. Default 0.</summary>
    public double L1Regularization { get => _l1; init => _l1 = Check(value, double.IsFinite(value) && value >= 0, nameof(L1Regularization), "a finite value ≥ 0"); }

    /// <summary>Clips the global gradient norm to this value; 0 turns clipping off. Default 0.</summary>
    public double GradientClipNorm { get => _gradientClipNorm; init => _gradientClipNorm = Check(value, double.IsFinite(value) && value >= 0, nameof(GradientClipNorm), "a finite value ≥ 0 (0 = off)"); }

    /// <summary>The loss. Default <see cref="LossKind.Default"/> (the task's usual loss).</summary>
    public LossKind Loss { get; init => field = Check(value, Enum.IsDefined(value), nameof(Loss), "a defined LossKind"); } = LossKind.Default;

    /// <summary>Huber loss threshold; &gt; 0. Default 1.</summary>
    public double HuberDelta { get => _huberDelta; init => _huberDelta = Check(value, double.IsFinite(value) && value > 0, nameof(HuberDelta), "a finite value > 0"); }

    /// <summary>Dense-layer weight initialisation. Default <see cref="WeightInitializer.Default"/>.</summary>
    public WeightInitializer Initializer { get; init => field = Check(value, Enum.IsDefined(value), nameof(Initializer), "a defined WeightInitializer"); } = WeightInitializer.Default;

    /// <summary>
    /// Fraction of the training rows held out (seeded) for validation when <see cref="ValidationData"/>
    /// is not given, in [0, 0.5]; 0 holds out none. Default 0.1.
    /// </summary>
    public double ValidationFraction { get => _validationFraction; init => _validationFraction = Check(value, value >= 0 && value <= 0.5, nameof(ValidationFraction), "in [0, 0.5]"); }

    /// <summary>Validation rows (same schema as training); takes precedence over <see cref="ValidationFraction"/>.</summary>
    public IDataView? ValidationData { get; init; }

    /// <summary>
    /// Stop after this many epochs without a validation-loss improvement and restore the best
    /// weights; 0 turns early stopping off (the best weights are still restored when there is
    /// validation data). Default 0.
    /// </summary>
    public int EarlyStoppingPatience { get => _earlyStoppingPatience; init => _earlyStoppingPatience = Check(value, value >= 0, nameof(EarlyStoppingPatience), "≥ 0 (0 = off)"); }

    /// <summary>The smallest validation-loss decrease that counts as an improvement; ≥ 0. Default 0.</summary>
    public double EarlyStoppingMinDelta { get => _earlyStoppingMinDelta; init => _earlyStoppingMinDelta = Check(value, double.IsFinite(value) && value >= 0, nameof(EarlyStoppingMinDelta), "a finite value ≥ 0"); }

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

    /// <summary>Where to train: "cpu", "cuda" or "cuda:N". Default "cpu".</summary>
    public string Device
    {
        get => _device;
        init
        {
            try
            {
                TorchRuntime.ParseDevice(value);
            }
            catch (ArgumentException)
            {
                throw new ArgumentException($"NeuralNetworkOptions: Device must be {TorchRuntime.ValidDeviceForms}, got \"{value}\".", nameof(Device));
            }
            _device = value.Trim().ToLowerInvariant();
        }
    }

    /// <summary>When CUDA is asked for but not available: false (default) fails with a clear error; true logs and trains on the CPU.</summary>
    public bool FallbackToCpu { get; init; }

    /// <summary>
    /// Threads for CPU tensor work (a process-wide libtorch setting); null keeps libtorch's default (one per core).
    /// Small tabular networks often train fastest with 1: their ops are too small to split, and OpenMP's
    /// hand-offs between threads cost more than they save, badly so when other processes share the cores
    /// (UCI Adult MLP on 2 busy cores: 4.4 s with 1 thread, 36 s with 2).
    /// </summary>
    public int? NumberOfThreads { get => _numberOfThreads; init => _numberOfThreads = value is null ? null : Check(value.Value, value >= 1, nameof(NumberOfThreads), "at least 1"); }

    /// <summary>
    /// When set, the complete training state (weights, optimizer moments, random state, early-stopping
    /// bookkeeping, the learning-rate schedule's state, and with <see cref="AdversarialDebiasing"/> the adversary's weights, optimizer and
    /// groups) is written here after every epoch, atomically (temporary file, then rename).
    /// </summary>
    public string? CheckpointPath { get; init => field = value is null || !string.IsNullOrWhiteSpace(value) ? value : throw new ArgumentException("NeuralNetworkOptions: CheckpointPath must be a file path or null.", nameof(CheckpointPath)); }

    /// <summary>
    /// Continue from a checkpoint written by <see cref="CheckpointPath"/>: training resumes after the
    /// checkpoint's epoch with its seed and state (on the CPU, the result equals an uninterrupted
    /// run's). The task (trainer), feature and class counts, the network, loss, label and step options
    /// (a refusal names each that differs, with both values), <see cref="LearningRateSchedule"/> and
    /// <see cref="AdversarialDebiasing"/> options must match the checkpoint's; the data may differ (continued training on new rows), except that with debiasing
    /// it may hold no sensitive group the checkpoint does not know.
    /// </summary>
    public string? ResumeFromCheckpoint { get; init => field = value is null || !string.IsNullOrWhiteSpace(value) ? value : throw new ArgumentException("NeuralNetworkOptions: ResumeFromCheckpoint must be a file path or null.", nameof(ResumeFromCheckpoint)); }

    /// <summary>
    /// Adversarial debiasing during training (binary classification only; see
    /// <see cref="AdversarialDebiasingOptions"/>); null (default) trains plainly. The fitted model
    /// scores exactly like a plain one: the adversary is training-only. Checkpoints hold the
    /// adversary's state too; a resumed run must use the same debiasing options as the checkpoint.
    /// </summary>
    public AdversarialDebiasingOptions? AdversarialDebiasing { get; init; }

    /// <summary>
    /// Transfer and continual learning (<see cref="TransferLearningOptions"/>): start from a fitted model's weights,
    /// freeze layers by path, replace the output layer, per-layer learning-rate multipliers; null (default) trains from a fresh initialisation.
    /// </summary>
    public TransferLearningOptions? Transfer { get; init; }

    /// <summary>How the fitted model scores (ONNX Runtime device, batch size, threads). Default: CPU, 1024 rows per run.</summary>
    public ScoringOptions Scoring { get; init => field = value ?? throw new ArgumentNullException(nameof(Scoring), "NeuralNetworkOptions: Scoring must not be null; use new ScoringOptions()."); } = new();

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
