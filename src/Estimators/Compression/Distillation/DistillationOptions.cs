using Microsoft.ML;

namespace DeepML;

/// <summary>Where the teacher's outputs come from during distillation.</summary>
public enum TeacherEvaluation
{
    /// <summary>
    /// The teacher scores the training data once, in bulk, before the first epoch, and its outputs are
    /// cached per row (any ML.NET model: FastTree, LightGBM, a DeepML network, an ONNX model).
    /// </summary>
    Cached,

    /// <summary>
    /// The teacher scores every training batch as the student sees it, after any on-the-fly augmentation,
    /// so it is asked about the very inputs the student learns from. Needs a DeepML network teacher
    /// (<see cref="NetworkScoringTransformer"/>) over the same feature vector; it runs in ONNX Runtime.
    /// </summary>
    PerBatch,
}

/// <summary>
/// Knowledge distillation (Hinton, Vinyals &amp; Dean 2015, "Distilling the Knowledge in a Neural
/// Network") for DeepML's trainers: set it as <see cref="NeuralNetworkOptions.Distillation"/> and the
/// network (the student) learns from a fitted teacher's outputs as well as from the labels. Immutable;
/// every property is validated when it is set and throws an <see cref="ArgumentException"/> naming it.
/// </summary>
/// <remarks>
/// <para>The loss of a batch is <c>(1 − α)·L_hard + α·T²·L_soft</c>, where <c>α</c> is
/// <see cref="SoftLossWeight"/>, <c>T</c> the <see cref="Temperature"/>, <c>L_hard</c> the trainer's
/// own loss on the labels (with its L1 penalty when one is set) and <c>L_soft</c> the weighted mean over
/// the batch of <c>KL(p_teacher^T ‖ p_student^T)</c>, the probabilities softened by dividing the logits
/// by <c>T</c> (softmax for multiclass, the sigmoid for binary). The <c>T²</c> factor keeps the soft
/// gradients' size independent of <c>T</c> (Hinton et al. §2). Regression distils the teacher's Score
/// directly: <c>L_soft</c> is the weighted mean squared difference from it, with no temperature.</para>
/// <para>Teachers: any fitted ML.NET <see cref="ITransformer"/> that accepts the trainer's input data.
/// Binary: its <c>Probability</c> column (taken as the logit <c>log(p/(1−p))</c>, clipped to
/// p ∈ [1e-7, 1 − 1e-7]) or, without one, its <c>Score</c> taken as a logit. Multiclass: its <c>Score</c>
/// vector, one probability per class (ML.NET's convention), taken as log-probabilities; its slot names
/// must name the student's classes (order is matched by name). Regression: its <c>Score</c>.
/// <see cref="TeacherOutputColumnName"/> picks another column.</para>
/// <para>Distillation is training-only: the fitted student, its ONNX export and its scoring are those of
/// a plain network. Validation loss and early stopping watch the task loss on the labels. Deterministic
/// on the CPU for a given seed. Checkpoints hold these options and a fingerprint of the teacher's
/// outputs; resuming with other options or another teacher fails before training and names the
/// difference.</para>
/// </remarks>
public sealed record DistillationOptions
{
    private readonly ITransformer _teacher = null!;
    private readonly double? _temperature;
    private readonly double _softLossWeight = 0.5;
    private readonly string? _teacherOutputColumnName;

    /// <summary>The fitted teacher: any ML.NET model (or pipeline) that scores the trainer's input data. Required.</summary>
    public required ITransformer Teacher
    {
        get => _teacher;
        init => _teacher = value ?? throw new ArgumentException("DistillationOptions: Teacher must be a fitted ML.NET model (ITransformer), for example the result of a FastTree pipeline's Fit.", nameof(Teacher));
    }

    /// <summary>
    /// The softening temperature <c>T</c> &gt; 0 for classification (at most 100); null (default) takes 2. Regression has no temperature:
    /// setting one for a regression trainer is refused when training starts.
    /// </summary>
    public double? Temperature
    {
        get => _temperature;
        init => _temperature = value is null || (double.IsFinite(value.Value) && value > 0 && value <= 100) ? value
            : throw new ArgumentException($"DistillationOptions: Temperature must be in (0, 100] or null (2); got {value}. Hinton et al. use values from 1 to 20.", nameof(Temperature));
    }

    /// <summary>The temperature used for classification: <see cref="Temperature"/>, or 2 when unset.</summary>
    public double EffectiveTemperature => _temperature ?? 2.0;

    /// <summary>The weight <c>α</c> ∈ [0, 1] of the soft loss (1 learns from the teacher alone, 0 from the labels alone). Default 0.5.</summary>
    public double SoftLossWeight
    {
        get => _softLossWeight;
        init => _softLossWeight = double.IsFinite(value) && value is >= 0 and <= 1 ? value
            : throw new ArgumentException($"DistillationOptions: SoftLossWeight must be in [0, 1]; got {value}. 0.5 weighs the teacher and the labels equally.", nameof(SoftLossWeight));
    }

    /// <summary>The teacher's column to learn from; null (default) picks Probability (binary, when present) or Score.</summary>
    public string? TeacherOutputColumnName
    {
        get => _teacherOutputColumnName;
        init => _teacherOutputColumnName = value is null || !string.IsNullOrWhiteSpace(value) ? value
            : throw new ArgumentException("DistillationOptions: TeacherOutputColumnName must be a column name or null (Probability, else Score).", nameof(TeacherOutputColumnName));
    }

    /// <summary>Whether the teacher is scored once and cached (default) or on every batch (see <see cref="TeacherEvaluation"/>).</summary>
    public TeacherEvaluation Evaluation
    {
        get;
        init => field = Enum.IsDefined(value) ? value : throw new ArgumentException($"DistillationOptions: Evaluation {value} is not a TeacherEvaluation value.", nameof(Evaluation));
    } = TeacherEvaluation.Cached;
}
