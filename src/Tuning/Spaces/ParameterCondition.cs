namespace DeepML.Tuning;

/// <summary>
/// Makes a parameter active only when an earlier categorical or integer parameter (<see cref="Parent"/>) has one
/// of <see cref="Values"/>, for example a momentum that applies to SGD only:
/// <c>ParameterCondition.When("optimizer", "sgd")</c>. An inactive parameter is not sampled and not stored.
/// </summary>
public sealed class ParameterCondition
{
    private ParameterCondition(string parent, string[] values) => (Parent, Values) = (parent, values);

    /// <summary>The parameter whose value decides.</summary>
    public string Parent { get; }

    /// <summary>The parent's values (choices, or integers as text) for which the parameter is active.</summary>
    public IReadOnlyList<string> Values { get; }

    /// <summary>Active when <paramref name="parent"/> is one of <paramref name="values"/>.</summary>
    /// <param name="parent">An earlier categorical or integer parameter of the same space.</param>
    /// <param name="values">The parent's values that activate the parameter (at least one).</param>
    public static ParameterCondition When(string parent, params string[] values)
    {
        if (string.IsNullOrWhiteSpace(parent))
            throw new ArgumentException("ParameterCondition: the parent name must be non-empty.", nameof(parent));
        if (values is null || values.Length == 0)
            throw new ArgumentException($"ParameterCondition: the condition on '{parent}' lists no values; expected at least one value of '{parent}' that activates the parameter.", nameof(values));
        return new ParameterCondition(parent, [.. values]);
    }

    /// <summary>Whether the condition holds for the parent's formatted value.</summary>
    internal bool Holds(string parentValue) => Values.Contains(parentValue, StringComparer.Ordinal);

    /// <inheritdoc />
    public override string ToString() => $"{Parent} in {{{string.Join(", ", Values)}}}";
}
