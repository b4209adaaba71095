namespace DeepML.Explainability;

/// <summary>
/// An explainer of a model that reads one known-size vector of Single per row (a feature column):
/// given a batch of such vectors, it returns one attribution per vector slot (or per slot group)
/// per row. TreeSHAP, the gradient methods of DeepML networks and the vector form of the
/// model-agnostic explainers implement it, so that one pipeline transformer
/// (it adds an attribution column) can host any of them.
/// </summary>
/// <remarks>Implementations are thread-safe (one fitted transformer serves many cursors) and batch
/// their model calls: <see cref="Explain"/> gets many rows at once so that it can run the model once
/// for all of them.</remarks>
public interface IVectorExplainer
{
    /// <summary>The feature column (a known-size vector of Single) the explained model reads.</summary>
    string FeatureColumnName { get; }

    /// <summary>Slots per input vector.</summary>
    int InputSize { get; }

    /// <summary>Names of the attributed features, in the order of each row's values (slot names or group names).</summary>
    IReadOnlyList<string> FeatureNames { get; }

    /// <summary>The method's name as reports show it.</summary>
    string Method { get; }

    /// <summary>Explains <paramref name="rows"/> vectors held row-major in <paramref name="features"/>.</summary>
    /// <param name="features">Row-major inputs; the first <c>rows × InputSize</c> values are used.</param>
    /// <param name="rows">Rows in this batch; at least 1.</param>
    /// <param name="cancellation">Stops a long batch between model calls.</param>
    Attributions Explain(float[] features, int rows, CancellationToken cancellation = default);
}
