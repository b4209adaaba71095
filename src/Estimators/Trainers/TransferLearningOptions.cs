namespace DeepML;

/// <summary>
/// Transfer and continual learning: start from a fitted DeepML network's weights (warm start),
/// freeze chosen layers, replace the output layer for a new label set, and fine-tune with
/// per-layer (discriminative) learning rates. Set as <see cref="NeuralNetworkOptions.Transfer"/>.
/// </summary>
/// <remarks>
/// <para>Layer paths are the spec tree's paths, as in the weight names: <c>"0"</c> is the first layer of
/// the network, <c>"1.body"</c> the body of a composite second layer; a prefix covers the layer and
/// everything under it (<c>"1"</c> covers <c>"1.weight"</c> and <c>"1.body.0.weight"</c>, not <c>"10.weight"</c>).
/// The output layer the trainer appends is the last top-level layer (its path is the number of
/// hidden layers).</para>
/// <para>A warm start copies weights only: the optimizer starts fresh (Adam's moments at zero, step 0) and the
/// epochs count from 1. To continue a run with its optimizer state, resume from its checkpoint
/// (<see cref="NeuralNetworkOptions.ResumeFromCheckpoint"/>, which also accepts new data); freezing and
/// learning-rate multipliers apply there too.</para>
/// <para>Frozen layers keep their parameters bit-unchanged (they leave the optimizer, so neither
/// weight decay nor momentum touches them); batch-norm running statistics in a frozen layer still
/// follow the new data in training mode.</para>
/// <para>A regression model's output layer holds the label scale folded in (<see cref="NeuralNetworkOptions.StandardizeLabel"/>):
/// warm-starting regression with a standardised label is refused unless <see cref="ReplaceHead"/> is set.</para>
/// </remarks>
public sealed record TransferLearningOptions
{
    private readonly NetworkModel _initialModel = null!;
    private readonly IReadOnlyList<string> _freezeLayers = [];
    private readonly IReadOnlyDictionary<string, double> _multipliers = new Dictionary<string, double>();

    /// <summary>The fitted network to start from (<see cref="NetworkScoringTransformer.Model"/>, or one loaded with <c>ml.DeepML().Model.Load</c>).</summary>
    public required NetworkModel InitialModel
    {
        get => _initialModel;
        init => _initialModel = value ?? throw new ArgumentNullException(nameof(InitialModel), "TransferLearningOptions: InitialModel must not be null; pass a fitted transformer's Model.");
    }

    /// <summary>Layer paths or prefixes whose parameters are not trained (e.g. <c>["0", "1.body"]</c>); empty (default) trains all.</summary>
    public IReadOnlyList<string> FreezeLayers
    {
        get => _freezeLayers;
        init
        {
            ArgumentNullException.ThrowIfNull(value, nameof(FreezeLayers));
            if (value.FirstOrDefault(p => !IsPath(p)) is { } bad)
                throw new ArgumentException($"TransferLearningOptions: FreezeLayers holds '{bad}', which is not a layer path; expected dot-separated names such as \"0\" or \"1.body\". Use the paths of the weight names (NetworkModel.Weights.Arrays.Keys) without the tensor name.", nameof(FreezeLayers));
            _freezeLayers = value.ToArray();
        }
    }

    /// <summary>
    /// When true, the output layer is freshly initialised instead of copied: the new run may have another
    /// class count (or task) than <see cref="InitialModel"/>. When false (default), every tensor is copied and must have the same shape.
    /// </summary>
    public bool ReplaceHead { get; init; }

    /// <summary>
    /// Learning-rate multipliers by layer path prefix (optimizer parameter groups): a parameter's rate is the
    /// run's rate (and schedule) times the multiplier of the longest prefix that covers it, 1 where none does.
    /// Each multiplier must be finite and ≥ 0; as in a PyTorch parameter group, weight decay follows the group's rate, so 0 leaves the covered parameters unchanged.
    /// </summary>
    public IReadOnlyDictionary<string, double> LearningRateMultipliers
    {
        get => _multipliers;
        init
        {
            ArgumentNullException.ThrowIfNull(value, nameof(LearningRateMultipliers));
            foreach (var (path, m) in value)
            {
                if (!IsPath(path))
                    throw new ArgumentException($"TransferLearningOptions: LearningRateMultipliers has the key '{path}', which is not a layer path; expected dot-separated names such as \"0\" or \"1.body\".", nameof(LearningRateMultipliers));
                if (!double.IsFinite(m) || m < 0)
                    throw new ArgumentException($"TransferLearningOptions: LearningRateMultipliers['{path}'] is {m}; expected a finite value ≥ 0. Use 1 for the run's rate, a smaller value for layers that should move less.", nameof(LearningRateMultipliers));
            }
            _multipliers = new Dictionary<string, double>(value, StringComparer.Ordinal);
        }
    }

    /// <summary>Whether <paramref name="prefix"/> covers the parameter or layer <paramref name="name"/>.</summary>
    internal static bool Covers(string prefix, string name) =>
        name == prefix || name.StartsWith(prefix + ".", StringComparison.Ordinal);

    private static bool IsPath(string? p) =>
        !string.IsNullOrEmpty(p) && p.Split('.').All(part => part.Length > 0 && part.All(c => char.IsLetterOrDigit(c) || c == '_'));
}
