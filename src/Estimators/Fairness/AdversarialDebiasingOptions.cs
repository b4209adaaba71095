namespace DeepML;

/// <summary>What the adversary is allowed to see, and so which fairness criterion the predictor is pushed towards.</summary>
public enum AdversarialObjective
{
    /// <summary>
    /// Demographic parity: the adversary sees only the predictor's output, so the predictor learns
    /// an output that carries no information about the sensitive group.
    /// </summary>
    DemographicParity,

    /// <summary>
    /// Equalized odds: the adversary sees the predictor's output and the true label, so the predictor
    /// learns an output that carries no information about the group beyond what the label carries.
    /// </summary>
    EqualizedOdds,
}

/// <summary>
/// Adversarial debiasing (Zhang, Lemoine &amp; Mitchell 2018, "Mitigating Unwanted Biases with
/// Adversarial Learning"; AIF360's <c>AdversarialDebiasing</c>, Fairlearn's
/// <c>AdversarialFairnessClassifier</c>) for <see cref="BinaryNeuralNetworkTrainer"/>: set it as
/// <see cref="NeuralNetworkOptions.AdversarialDebiasing"/>. Immutable; every property is validated
/// when it is set and throws an <see cref="ArgumentException"/> naming the option.
/// </summary>
/// <remarks>
/// <para>During training, a small adversary predicts the sensitive group from the predictor's
/// output (and, for <see cref="AdversarialObjective.EqualizedOdds"/>, the label). The adversary
/// descends its own loss; the predictor's gradient, per parameter tensor, becomes
/// <c>g_P − (g_P·û)·û − α·g_A</c>, where <c>g_A</c> is the adversary loss's gradient with respect to
/// the predictor's parameters and <c>û = g_A / ‖g_A‖</c>: the predictor never moves in a direction
/// that helps the adversary, and with <see cref="Alpha"/> &gt; 0 it actively moves against it.</para>
/// <para>Groups: the sensitive column may hold 2 to 64 distinct values in the training data. With
/// two, the adversary has one logit trained with binary cross-entropy (AIF360's adversary; results
/// are bit-identical to those of versions that supported two groups only). With K &gt; 2, it has K
/// logits trained with softmax cross-entropy, and for K &gt; 2 a hidden layer
/// (<see cref="AdversaryHiddenUnits"/>) is recommended: on a synthetic three-group data set the linear
/// adversary let the game swing past fairness on some seeds, one with 8 hidden units did not.</para>
/// <para>The adversary is training-only: the fitted model, its ONNX export and its scoring are those
/// of the plain network. Deterministic on the CPU for a given seed (the adversary is initialised
/// from the same seeded generator, after the network). Works with checkpoints
/// (<see cref="NeuralNetworkOptions.CheckpointPath"/>): they also hold the adversary's weights, its
/// Adam state, the groups and these options, so on the CPU a resumed run ends bit-identical to an
/// uninterrupted one; resuming with different (or no) debiasing options, or with training data
/// holding a group the checkpoint does not know, fails before training and names the difference.
/// Validation loss and early stopping watch the task loss only, so early stopping tends to keep a
/// less debiased epoch: prefer a fixed number of epochs.</para>
/// <para>The sensitive column is read from the training data only (validation data needs it in its
/// schema but its values are not used). It need not be a feature; when a proxy of it is a feature,
/// debiasing is what keeps the network from using the proxy.</para>
/// </remarks>
public sealed record AdversarialDebiasingOptions
{
    private readonly string _sensitiveColumnName = "";
    private readonly string? _privilegedGroup;
    private readonly double _alpha = 1.0;
    private readonly double _adversaryLearningRate = 1e-2;
    private readonly int _adversaryHiddenUnits;
    private readonly int _warmUpEpochs;

    /// <summary>
    /// The sensitive column: a scalar Boolean, String, key, or whole-number Single, Double, Int32 or
    /// Int64 column (group codes such as 0, 1, 2), holding 2 to 64 groups in the training data. Each
    /// distinct value is a group; a missing value (key 0, NaN) is an error. Required.
    /// </summary>
    public required string SensitiveColumnName
    {
        get => _sensitiveColumnName;
        init => _sensitiveColumnName = string.IsNullOrWhiteSpace(value)
            ? throw new ArgumentException("AdversarialDebiasingOptions: SensitiveColumnName must be a non-empty column name. Name the column (Boolean, String, key or whole-number codes) that holds the groups.", nameof(SensitiveColumnName))
            : value;
    }

    /// <summary>
    /// With two groups, the group the adversary labels 1, as the column's value in text ("Male",
    /// "true", "1"); null takes the two groups in ordinal order and labels the second one 1. Which
    /// group is 1 only changes the sign of the adversary's weights, not the debiasing. With more than
    /// two groups it has no effect (the softmax adversary treats all groups alike; their outputs
    /// follow the ordinal order of the values), but when set it must still name a group that occurs,
    /// which catches a wrong column. Default null.
    /// </summary>
    public string? PrivilegedGroup
    {
        get => _privilegedGroup;
        init => _privilegedGroup = value is not null && value.Length == 0
            ? throw new ArgumentException("AdversarialDebiasingOptions: PrivilegedGroup must be a group value or null, got an empty string. Give the value as text (for example \"Male\" or \"true\"), or null for ordinal order.", nameof(PrivilegedGroup))
            : value;
    }

    /// <summary>
    /// α of Zhang et al.: how hard the predictor pushes against the adversary, beyond removing the
    /// gradient's component along the adversary's gradient; finite and ≥ 0 (0 keeps the projection
    /// only). Default 1 (Fairlearn's default; AIF360 uses 0.1).
    /// </summary>
    public double Alpha
    {
        get => _alpha;
        init => _alpha = Check(value, double.IsFinite(value) && value >= 0, nameof(Alpha), "a finite value ≥ 0");
    }

    /// <summary>
    /// The adversary's Adam step size; finite and &gt; 0. Default 1e-2, ten times the network's default:
    /// the adversary must keep up with the network. Measured on UCI Adult (sex, α = 1, network at 1e-3):
    /// at 1e-2 the test demographic parity difference fell from 0.16 to 0.01 for 2 points of accuracy;
    /// at 1e-3 the lagging adversary let the −α·g_A push overshoot (0.35, 13 points lost).
    /// </summary>
    public double AdversaryLearningRate
    {
        get => _adversaryLearningRate;
        init => _adversaryLearningRate = Check(value, double.IsFinite(value) && value > 0, nameof(AdversaryLearningRate), "a finite value > 0");
    }

    /// <summary>
    /// Hidden units of the adversary: 0 (default) is AIF360's linear adversary on
    /// <c>s = σ((1 + |c|)·logit)</c>; more adds one ReLU hidden layer of that width; ≥ 0 and ≤ 1024.
    /// </summary>
    public int AdversaryHiddenUnits
    {
        get => _adversaryHiddenUnits;
        init => _adversaryHiddenUnits = Check(value, value is >= 0 and <= 1024, nameof(AdversaryHiddenUnits), "in [0, 1024] (0 = linear adversary)");
    }

    /// <summary>Whether the adversary sees the output only (demographic parity) or also the label (equalized odds). Default demographic parity.</summary>
    public AdversarialObjective Objective
    {
        get;
        init => field = Check(value, Enum.IsDefined(value), nameof(Objective), "a defined AdversarialObjective");
    } = AdversarialObjective.DemographicParity;

    /// <summary>
    /// Epochs at the start in which the predictor trains plainly while the adversary already learns
    /// (so the predictor is not pushed by an adversary that knows nothing yet); ≥ 0. Default 0.
    /// </summary>
    public int WarmUpEpochs
    {
        get => _warmUpEpochs;
        init => _warmUpEpochs = Check(value, value >= 0, nameof(WarmUpEpochs), "≥ 0 (0 = none)");
    }

    private static T Check<T>(T value, bool ok, string option, string expected) =>
        ok ? value : throw new ArgumentException($"AdversarialDebiasingOptions: {option} must be {expected}, got {value}.", option);
}
