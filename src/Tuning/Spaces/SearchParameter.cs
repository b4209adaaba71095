using System.Globalization;

namespace DeepML.Tuning;

/// <summary>
/// One dimension of a <see cref="SearchSpace"/>: a name, a range or a list of choices, and an optional
/// <see cref="ParameterCondition"/> that makes it active only for some values of an earlier parameter.
/// </summary>
/// <remarks>
/// Values travel as <see cref="double"/> inside DeepML.Tuning (a categorical parameter's value is the
/// index of its choice), which is also how they are stored; <see cref="ParameterSet"/> gives them back typed.
/// </remarks>
public abstract class SearchParameter
{
    private protected SearchParameter(string name, ParameterCondition? condition)
    {
        if (string.IsNullOrWhiteSpace(name))
            throw new ArgumentException("SearchParameter: a parameter name must be non-empty, got a blank one. Name each parameter (for example \"learning_rate\").", nameof(name));
        Name = name;
        Condition = condition;
    }

    /// <summary>The parameter's name, unique in its space.</summary>
    public string Name { get; }

    /// <summary>When set, the parameter is sampled only when the condition's parent has one of its values.</summary>
    public ParameterCondition? Condition { get; }

    /// <summary>True when samplers treat the parameter on a log scale.</summary>
    public virtual bool Log => false;

    /// <summary>A value drawn uniformly (on the log scale for log parameters) from the parameter's range.</summary>
    internal abstract double SampleUniform(Random random);

    /// <summary>Whether <paramref name="value"/> is a legal value of this parameter (used when reading stored trials).</summary>
    internal abstract bool Accepts(double value);

    /// <summary>A canonical description, part of the space's signature that storage compares.</summary>
    internal abstract string Describe();

    /// <summary>The value as text (a categorical choice, an integer, a float in round-trip form).</summary>
    internal abstract string Format(double value);

    private protected static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private protected string ConditionText => Condition is null ? "" : $" if {Condition}";

    private protected static void CheckRange(string parameter, double low, double high, bool log)
    {
        if (!double.IsFinite(low) || !double.IsFinite(high) || low >= high)
            throw new ArgumentException($"SearchSpace: parameter '{parameter}' has the range [{Number(low)}, {Number(high)}]; expected finite bounds with low < high. Swap or fix the bounds.", parameter);
        if (log && low <= 0)
            throw new ArgumentException($"SearchSpace: parameter '{parameter}' is log-scaled with low = {Number(low)}; expected low > 0. Use a positive lower bound or log: false.", parameter);
    }
}
