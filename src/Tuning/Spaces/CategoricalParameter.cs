namespace DeepML.Tuning;

/// <summary>A parameter that takes one of a list of named <see cref="Choices"/> (its stored value is the choice's index).</summary>
public sealed class CategoricalParameter : SearchParameter
{
    internal CategoricalParameter(string name, IEnumerable<string> choices, ParameterCondition? condition) : base(name, condition)
    {
        ArgumentNullException.ThrowIfNull(choices, name);
        var list = choices.ToArray();
        if (list.Length == 0)
            throw new ArgumentException($"SearchSpace: parameter '{name}' has no choices; expected at least one. List the values to try.", name);
        var duplicate = list.GroupBy(c => c, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ArgumentException($"SearchSpace: parameter '{name}' lists the choice '{duplicate.Key}' {duplicate.Count()} times; expected distinct choices.", name);
        Choices = list;
    }

    /// <summary>The values the parameter takes, in order.</summary>
    public IReadOnlyList<string> Choices { get; }

    /// <summary>The index of <paramref name="choice"/>, or −1.</summary>
    internal int IndexOf(string choice) => Array.IndexOf((string[])Choices, choice);

    internal override double SampleUniform(Random random) => random.Next(Choices.Count);

    internal override bool Accepts(double value) => value >= 0 && value < Choices.Count && value == Math.Floor(value);

    internal override string Describe() => $"{Name}:categorical[{string.Join("|", Choices)}]{ConditionText}";

    internal override string Format(double value) => Choices[(int)value];
}
