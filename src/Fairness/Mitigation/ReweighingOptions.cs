namespace DeepML.Fairness;

/// <summary>Options of <see cref="ReweighingEstimator"/>. Immutable; validated when set.</summary>
public sealed class ReweighingOptions
{
    private readonly IReadOnlyList<string> _sensitive = [];
    private readonly string _label = "Label";
    private readonly string _output = "Weight";
    private readonly string? _weight;

    /// <summary>The binary label column (Boolean or 0/1).</summary>
    public string LabelColumnName { get => _label; init => _label = Name(value, nameof(LabelColumnName)); }

    /// <summary>Sensitive columns; with several, groups are their combinations (AIF360's sklearn Reweighing).</summary>
    public IReadOnlyList<string> SensitiveColumnNames
    {
        get => _sensitive;
        init => _sensitive = value is { Count: > 0 } && value.All(v => !string.IsNullOrWhiteSpace(v)) ? value.ToArray()
            : throw new ArgumentException($"ReweighingOptions.{nameof(SensitiveColumnNames)}: {FairnessErrors.NoSensitiveColumns}", nameof(SensitiveColumnNames));
    }

    /// <summary>Optional existing example weight column (Single); the new weight is old × factor. Null for none; an empty name throws.</summary>
    public string? ExampleWeightColumnName { get => _weight; init => _weight = value is null ? null : Name(value, nameof(ExampleWeightColumnName)); }

    /// <summary>The output weight column (Single). Default <c>Weight</c>.</summary>
    public string OutputColumnName { get => _output; init => _output = Name(value, nameof(OutputColumnName)); }

    private static string Name(string value, string option) => !string.IsNullOrWhiteSpace(value) ? value
        : throw new ArgumentException($"ReweighingOptions.{option}: the column name is empty; expected a column name.", option);
}
