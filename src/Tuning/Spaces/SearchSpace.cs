namespace DeepML.Tuning;

/// <summary>
/// The parameters a study searches, in order: uniform and log-uniform floats, integers (optionally log-scaled
/// or stepped), categoricals, each optionally conditional on an earlier parameter. Build it with the
/// <c>Add…</c> methods; each checks its range and throws an <see cref="ArgumentException"/> naming the parameter.
/// </summary>
/// <example>
/// <code>
/// var space = new SearchSpace()
///     .AddFloat("learning_rate", 1e-4, 1e-2, log: true)
///     .AddInteger("width", 32, 256, step: 32)
///     .AddCategorical("optimizer", ["adamw", "sgd"])
///     .AddFloat("momentum", 0.5, 0.99, condition: ParameterCondition.When("optimizer", "sgd"));
/// </code>
/// </example>
public sealed class SearchSpace
{
    private readonly List<SearchParameter> _parameters = [];

    /// <summary>The parameters in the order they were added (and are sampled).</summary>
    public IReadOnlyList<SearchParameter> Parameters => _parameters;

    /// <summary>The parameters' names, in order.</summary>
    public IEnumerable<string> Names => _parameters.Select(p => p.Name);

    /// <summary>Adds a real-valued parameter on [<paramref name="low"/>, <paramref name="high"/>].</summary>
    /// <param name="name">Unique name.</param>
    /// <param name="low">Smallest value.</param>
    /// <param name="high">Largest value (&gt; low).</param>
    /// <param name="log">Sample uniformly in log space (low &gt; 0), as for learning rates.</param>
    /// <param name="condition">Active only when this holds.</param>
    public SearchSpace AddFloat(string name, double low, double high, bool log = false, ParameterCondition? condition = null) =>
        Add(new FloatParameter(name, low, high, log, condition));

    /// <summary>Adds an integer parameter on [<paramref name="low"/>, <paramref name="high"/>] in steps of <paramref name="step"/>.</summary>
    /// <param name="name">Unique name.</param>
    /// <param name="low">Smallest value.</param>
    /// <param name="high">Largest value (&gt; low; high − low a multiple of the step).</param>
    /// <param name="step">Spacing of the values, ≥ 1.</param>
    /// <param name="log">Sample log-uniformly (low &gt; 0, step 1).</param>
    /// <param name="condition">Active only when this holds.</param>
    public SearchSpace AddInteger(string name, int low, int high, int step = 1, bool log = false, ParameterCondition? condition = null) =>
        Add(new IntegerParameter(name, low, high, step, log, condition));

    /// <summary>Adds a categorical parameter taking one of <paramref name="choices"/>.</summary>
    /// <param name="name">Unique name.</param>
    /// <param name="choices">Distinct values (at least one).</param>
    /// <param name="condition">Active only when this holds.</param>
    public SearchSpace AddCategorical(string name, IEnumerable<string> choices, ParameterCondition? condition = null) =>
        Add(new CategoricalParameter(name, choices, condition));

    /// <summary>The parameter called <paramref name="name"/>; the error lists the space's names.</summary>
    public SearchParameter this[string name] =>
        Find(name) ?? throw new KeyNotFoundException($"SearchSpace: no parameter '{name}'; the space has {NameList()}. Add it to the SearchSpace or fix the name.");

    /// <summary>The parameter called <paramref name="name"/>, or null.</summary>
    internal SearchParameter? Find(string name) => _parameters.Find(p => p.Name == name);

    /// <summary>The names as a readable list, for messages.</summary>
    internal string NameList() => _parameters.Count == 0 ? "no parameters" : string.Join(", ", _parameters.Select(p => $"'{p.Name}'"));

    /// <summary>One line describing every parameter; a stored study keeps it and refuses a different space.</summary>
    public string Signature => string.Join("; ", _parameters.Select(p => p.Describe()));

    /// <summary>Whether <paramref name="parameter"/> is active given the values sampled so far.</summary>
    internal bool IsActive(SearchParameter parameter, IReadOnlyDictionary<string, double> values)
    {
        if (parameter.Condition is not { } condition)
            return true;
        return values.TryGetValue(condition.Parent, out var parentValue) && condition.Holds(this[condition.Parent].Format(parentValue));
    }

    /// <summary>Throws when the space has no parameters (a study needs at least one).</summary>
    internal void ThrowIfEmpty()
    {
        if (_parameters.Count == 0)
            throw new InvalidOperationException("SearchSpace: the space is empty; expected at least one parameter. Add parameters with AddFloat, AddInteger or AddCategorical before optimizing.");
    }

    private SearchSpace Add(SearchParameter parameter)
    {
        if (Find(parameter.Name) is not null)
            throw new ArgumentException($"SearchSpace: parameter '{parameter.Name}' is added twice; expected unique names.", parameter.Name);
        if (parameter.Condition is { } condition)
        {
            var parent = Find(condition.Parent)
                ?? throw new ArgumentException($"SearchSpace: parameter '{parameter.Name}' is conditional on '{condition.Parent}', which is not an earlier parameter; the space has {NameList()}. Add the parent first.", parameter.Name);
            if (parent is FloatParameter)
                throw new ArgumentException($"SearchSpace: parameter '{parameter.Name}' is conditional on the float parameter '{condition.Parent}'; expected a categorical or integer parent.", parameter.Name);
            var illegal = condition.Values.FirstOrDefault(v => !ParentTakes(parent, v));
            if (illegal is not null)
                throw new ArgumentException($"SearchSpace: parameter '{parameter.Name}' is conditional on '{condition.Parent}' = '{illegal}', a value '{condition.Parent}' never takes.", parameter.Name);
        }
        _parameters.Add(parameter);
        return this;
    }

    private static bool ParentTakes(SearchParameter parent, string value) => parent switch
    {
        CategoricalParameter c => c.IndexOf(value) >= 0,
        IntegerParameter i => int.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var v) && i.Accepts(v),
        _ => false,
    };
}
