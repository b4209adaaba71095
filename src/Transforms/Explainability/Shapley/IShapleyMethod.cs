namespace DeepML.Explainability;

/// <summary>
/// One way of estimating Shapley values from coalition values: which coalitions to evaluate for a row,
/// and how their values become one attribution per group. <see cref="ShapleyExplainer"/> evaluates
/// the coalitions (batched over rows and background) and calls <see cref="Attribute"/>.
/// </summary>
internal interface IShapleyMethod
{
    /// <summary>The method's name as reports show it.</summary>
    string Name { get; }

    /// <summary>
    /// The coalitions to evaluate for one row (per group, whether it is present), never the empty or the
    /// full one (their values are given to <see cref="Attribute"/>). <paramref name="random"/> is the row's own generator.
    /// </summary>
    IReadOnlyList<bool[]> Coalitions(int groups, Random random);

    /// <summary>One attribution per group from the coalitions' values, v(∅) (the base value) and v(all) (the row's output).</summary>
    double[] Attribute(IReadOnlyList<bool[]> coalitions, double[] values, double empty, double full);
}
