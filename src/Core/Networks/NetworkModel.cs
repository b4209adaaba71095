namespace DeepML;

/// <summary>The prediction task a network was trained for; it decides how raw outputs become ML.NET columns.</summary>
public enum PredictionKind
{
    /// <summary>One raw output (a logit): <c>Score</c> = logit, <c>Probability</c> = sigmoid(logit), <c>PredictedLabel</c> = logit &gt; 0.</summary>
    BinaryClassification,
    /// <summary>K raw outputs (logits): <c>Score</c> = softmax (K probabilities), <c>PredictedLabel</c> = key of the largest.</summary>
    MulticlassClassification,
    /// <summary>One raw output: <c>Score</c>.</summary>
    Regression,
}

/// <summary>
/// A trained network in DeepML's canonical, framework-neutral form: the description, its weights,
/// and what the scorer needs to rebuild ML.NET's columns (task, feature column, class names).
/// </summary>
public sealed class NetworkModel
{
    /// <summary>Creates a model and checks that its parts agree.</summary>
    /// <param name="weights">The bound description and its weights.</param>
    /// <param name="task">The prediction task.</param>
    /// <param name="featureColumnName">The feature column the network reads (a known-size vector of Single).</param>
    /// <param name="classNames">For multiclass, the label's key values in key order (one per output); otherwise empty.</param>
    /// <param name="featureNames">Slot names of the feature vector where known; otherwise empty.</param>
    public NetworkModel(NetworkWeights weights, PredictionKind task, string featureColumnName,
        IReadOnlyList<string>? classNames = null, IReadOnlyList<string>? featureNames = null)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentException.ThrowIfNullOrWhiteSpace(featureColumnName);
        Weights = weights;
        Task = task;
        FeatureColumnName = featureColumnName;
        ClassNames = classNames?.ToArray() ?? [];
        FeatureNames = featureNames?.ToArray() ?? [];
        var outputs = Spec.OutputSize;
        var expected = task == PredictionKind.MulticlassClassification ? ClassNames.Count : 1;
        if (task == PredictionKind.MulticlassClassification && expected < 2)
            throw new ArgumentException($"NetworkModel: a multiclass model needs at least 2 class names, got {expected}.", nameof(classNames));
        if (outputs != expected)
            throw new ArgumentException($"NetworkModel: a {task} network must have {expected} output(s), this one has {outputs} ({Spec}).", nameof(weights));
        if (FeatureNames.Count != 0 && FeatureNames.Count != Spec.InputSize)
            throw new ArgumentException($"NetworkModel: {FeatureNames.Count} feature names for {Spec.InputSize} inputs.", nameof(featureNames));
    }

    /// <summary>The bound network description.</summary>
    public NetworkSpec Spec => Weights.Spec;

    /// <summary>The trained weights.</summary>
    public NetworkWeights Weights { get; }

    /// <summary>The prediction task.</summary>
    public PredictionKind Task { get; }

    /// <summary>The feature column the network reads.</summary>
    public string FeatureColumnName { get; }

    /// <summary>Multiclass: the label's key values in key order; otherwise empty.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Slot names of the feature vector where known; otherwise empty.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Features per example.</summary>
    public int InputSize => Spec.InputSize;

    /// <summary>Raw outputs per example.</summary>
    public int OutputSize => Spec.OutputSize;
}
