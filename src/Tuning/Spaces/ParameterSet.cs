using System.Globalization;
using System.Text.Json;

namespace DeepML.Tuning;

/// <summary>
/// The values of one trial's active parameters, read typed by name: <see cref="Float(string)"/>, <see cref="Integer(string)"/>,
/// <see cref="Categorical(string)"/>. A user function maps them to any options type, e.g.
/// <c>p =&gt; new NeuralNetworkOptions { LearningRate = p.Float("learning_rate") }</c>. Immutable.
/// </summary>
public sealed class ParameterSet
{
    private readonly Dictionary<string, double> _values;

    internal ParameterSet(SearchSpace space, IReadOnlyDictionary<string, double> values)
    {
        Space = space;
        _values = new Dictionary<string, double>(values, StringComparer.Ordinal);
    }

    /// <summary>The space the values come from.</summary>
    public SearchSpace Space { get; }

    /// <summary>The raw values of the active parameters (a categorical's value is its choice index), as stored.</summary>
    public IReadOnlyDictionary<string, double> Values => _values;

    /// <summary>Whether <paramref name="name"/> is active in this trial (a conditional parameter may not be).</summary>
    public bool Contains(string name) => _values.ContainsKey(name);

    /// <summary>The value of the float parameter <paramref name="name"/>.</summary>
    public double Float(string name) => Get<FloatParameter>(name, "Float");

    /// <summary>The value of <paramref name="name"/>, or <paramref name="whenInactive"/> when its condition does not hold.</summary>
    public double Float(string name, double whenInactive) => Contains(name) ? Float(name) : Check<FloatParameter>(name, "Float", whenInactive);

    /// <summary>The value of the integer parameter <paramref name="name"/>.</summary>
    public int Integer(string name) => (int)Get<IntegerParameter>(name, "Integer");

    /// <summary>The value of <paramref name="name"/>, or <paramref name="whenInactive"/> when its condition does not hold.</summary>
    public int Integer(string name, int whenInactive) => Contains(name) ? Integer(name) : (int)Check<IntegerParameter>(name, "Integer", whenInactive);

    /// <summary>The choice of the categorical parameter <paramref name="name"/>.</summary>
    public string Categorical(string name)
    {
        var index = Get<CategoricalParameter>(name, "Categorical");
        return ((CategoricalParameter)Space[name]).Choices[(int)index];
    }

    /// <summary>The choice of <paramref name="name"/>, or <paramref name="whenInactive"/> when its condition does not hold.</summary>
    public string Categorical(string name, string whenInactive) => Contains(name) ? Categorical(name) : Check<CategoricalParameter, string>(name, "Categorical", whenInactive);

    /// <summary>The values as <c>name=value</c> pairs, in the space's order.</summary>
    public override string ToString() =>
        string.Join(", ", Space.Parameters.Where(p => _values.ContainsKey(p.Name)).Select(p => $"{p.Name}={p.Format(_values[p.Name])}"));

    /// <summary>The values as text by name (categorical choices, integers, floats), in the space's order.</summary>
    public IReadOnlyDictionary<string, string> ToDictionary() =>
        Space.Parameters.Where(p => _values.ContainsKey(p.Name)).ToDictionary(p => p.Name, p => p.Format(_values[p.Name]));

    /// <summary>The stored form: a JSON object of raw values.</summary>
    internal string ToJson() => JsonSerializer.Serialize(Space.Parameters.Where(p => _values.ContainsKey(p.Name)).ToDictionary(p => p.Name, p => _values[p.Name]));

    /// <summary>Reads the stored form back against <paramref name="space"/>.</summary>
    internal static ParameterSet FromJson(SearchSpace space, string json) =>
        new(space, JsonSerializer.Deserialize<Dictionary<string, double>>(json) ?? []);

    private double Get<T>(string name, string accessor) where T : SearchParameter
    {
        var parameter = Known<T>(name, accessor);
        if (_values.TryGetValue(name, out var value))
            return value;
        throw new InvalidOperationException($"ParameterSet: parameter '{name}' is not active in this trial (it applies when {parameter.Condition}); expected a value only for active parameters. Check Contains(\"{name}\") or call {accessor}(\"{name}\", whenInactive).");
    }

    private double Check<T>(string name, string accessor, double fallback) where T : SearchParameter
    {
        Known<T>(name, accessor);
        return fallback;
    }

    private TValue Check<T, TValue>(string name, string accessor, TValue fallback) where T : SearchParameter
    {
        Known<T>(name, accessor);
        return fallback;
    }

    private T Known<T>(string name, string accessor) where T : SearchParameter
    {
        var parameter = Space.Find(name)
            ?? throw new KeyNotFoundException($"ParameterSet: the objective asked for parameter '{name}', which the search space does not have; the space has {Space.NameList()}. Add '{name}' to the SearchSpace or fix the name.");
        if (parameter is not T typed)
            throw new InvalidOperationException($"ParameterSet: parameter '{name}' is a {Kind(parameter)} parameter, read with {accessor}; expected {KindAccessor(parameter)}(\"{name}\").");
        return typed;
    }

    private static string Kind(SearchParameter p) => p switch { FloatParameter => "float", IntegerParameter => "integer", _ => "categorical" };

    private static string KindAccessor(SearchParameter p) => p switch { FloatParameter => "Float", IntegerParameter => "Integer", _ => "Categorical" };

    internal static string Invariant(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
