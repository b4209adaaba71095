using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML.Fairness;

/// <summary>
/// Post-processing by group-specific, randomised thresholds (Hardt, Price &amp; Srebro 2016;
/// Fairlearn's <c>ThresholdOptimizer</c> with <c>prefit=True</c>): fitted on scored data, it chooses per
/// group a mix of two thresholds (and, for equalized odds, a constant) so that the constrained rate is
/// equal across groups (or, with <see cref="ThresholdOptimizerOptions.Tolerance"/>, within that tolerance of each
/// other) while the objective (<see cref="ThresholdOptimizerOptions.Objective"/>, accuracy by default) is maximal
/// on the training data.
/// </summary>
/// <remarks>
/// Input: the label (fit only), the score and the sensitive columns (also at prediction time).
/// Thresholds follow Fairlearn: the operation is <c>score &gt; t</c> with t midway between neighbouring
/// distinct training scores of the group (+∞ selects nobody, −∞ everybody), so an unseen score between two
/// training scores is selected exactly when it lies above their midpoint.
/// Output: <c>Probability</c> = P(ŷ = 1 | score, group) and the randomised <c>PredictedLabel</c>
/// = 1[Probability &gt; u], where u is a seeded uniform draw (see the remarks of the draw: a function
/// of seed and score). Deterministic for a seed. The fitted transformer is a chain of ML.NET built-in
/// <c>Expression</c> and <c>DropColumns</c> transforms: <c>ml.Model.Save</c>/<c>Load</c> works, and the
/// loaded model (plain ML.NET types) gives identical columns. Groups unseen in training get
/// Probability NaN and PredictedLabel false.
/// </remarks>
public sealed class ThresholdOptimizerEstimator : IEstimator<ThresholdOptimizerTransformer>
{
    private const string Component = "ThresholdOptimizer";
    private readonly MLContext _context;
    private readonly int _seed;

    internal ThresholdOptimizerEstimator(MLContext context, ThresholdOptimizerOptions options)
    {
        _context = context;
        Options = options;
        // Drawn once, here: drawing in Fit would give every Fit of this estimator a different seed.
        _seed = options.Seed ?? GroupMetricsEvaluator.DeriveSeed(context);
    }

    /// <summary>The options this estimator was made with.</summary>
    public ThresholdOptimizerOptions Options { get; }

    /// <inheritdoc />
    public ThresholdOptimizerTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var o = Options;
        var data = MitigationData.Read(input, Component, o.LabelColumnName, o.ScoreColumnName, o.SensitiveColumnNames, null);
        var solution = ThresholdSolver.Solve(data, o.Constraint, o.Objective, o.GridSize, o.Tolerance);
        var chain = BuildChain(data, solution.Rules, _seed).Fit(input);
        // Scoring reads the score and the sensitive columns (not the label).
        void CheckInput(DataViewSchema schema) => MitigationData.CheckSchema(schema, Component, null, o.ScoreColumnName, o.SensitiveColumnNames, null);
        return new ThresholdOptimizerTransformer(chain, CheckInput, solution, _seed, o.Constraint, o.Objective, o.Tolerance);
    }

    private IEstimator<ITransformer> BuildChain(MitigationData data, GroupThresholdRule[] rules, int seed)
    {
        var o = Options;
        var u = "__deepml_fair_u";
        var sParams = o.SensitiveColumnNames.Select((_, k) => $"g{k}").ToArray();
        var types = data.SensitiveColumns.Select(c => c.Type).ToArray();
        var cases = rules.Where(r => !r.Group.IsEmpty).Select(r => (ExpressionText.GroupCondition(sParams, types, r.Group.Values), Probability(r)));
        var body = ExpressionText.Cases(cases, "(0.0/0.0)");
        var probability = $"(s, {string.Join(", ", sParams)}) => float({body})";
        return RandomDraw.Append(_context, o.ScoreColumnName, u, seed)
            .Append(_context.Transforms.Expression(o.ProbabilityColumnName, probability, [o.ScoreColumnName, .. o.SensitiveColumnNames]))
            .Append(_context.Transforms.Expression(o.PredictedLabelColumnName, "(p, u) => p > u", o.ProbabilityColumnName, u))
            .Append(_context.Transforms.DropColumns(u));
    }

    // c + a·1[s > T0] + b·1[s > T1] on the score as Single (as the solver saw it), dropping terms whose threshold is +∞ or
    // weight 0. A threshold of −∞ stays a comparison, so that a NaN score is not selected (as in GroupThresholdRule).
    private static string Probability(GroupThresholdRule r)
    {
        var terms = new List<string> { ExpressionText.Number(r.PIgnore * r.Constant) };
        foreach (var (t, p) in new[] { (r.T0, r.P0), (r.T1, r.P1) })
            if (!float.IsPositiveInfinity(t) && (1 - r.PIgnore) * p > 0)
                terms.Add($"{ExpressionText.Number((1 - r.PIgnore) * p)} * (float(s) > {ExpressionText.Single(t)} ? 1.0 : 0.0)");
        return "(" + string.Join(" + ", terms) + ")";
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        MitigationData.CheckShape(inputSchema, Component, Options.LabelColumnName, Options.ScoreColumnName, Options.SensitiveColumnNames, null);
        return SchemaShapes.With(inputSchema, (Options.ProbabilityColumnName, NumberDataViewType.Single), (Options.PredictedLabelColumnName, BooleanDataViewType.Instance));
    }
}

/// <summary>
/// Fitted <see cref="ThresholdOptimizerEstimator"/>. Does its work through, and saves as, an
/// equivalent chain of ML.NET built-in transforms (<see cref="BuiltInChainTransformer.Inner"/>).
/// </summary>
public sealed class ThresholdOptimizerTransformer : BuiltInChainTransformer
{
    internal ThresholdOptimizerTransformer(ITransformer inner, Action<DataViewSchema> checkInput, ThresholdSolution solution,
        int seed, ThresholdConstraint constraint, ThresholdObjective objective, double? tolerance)
        : base(inner, checkInput)
    {
        Rules = solution.Rules;
        ConstraintValue = solution.ConstraintValue;
        ConstraintValues = solution.ConstraintValues;
        ConstraintSpread = solution.Spread;
        Tolerance = tolerance;
        ObjectiveValue = solution.ObjectiveValue;
        Seed = seed;
        Constraint = constraint;
        Objective = objective;
    }

    /// <summary>The rule of each group (all combinations; empty groups never predict positive).</summary>
    public IReadOnlyList<GroupThresholdRule> Rules { get; }

    /// <summary>
    /// The common value of the constrained rate on the training data, in expectation: the selection rate, TPR,
    /// FPR, TNR or FNR as <see cref="Constraint"/> names it (the FPR for equalized odds). With a
    /// <see cref="Tolerance"/> the groups' values may differ: this is then the midpoint of their range,
    /// (min + max) / 2 of <see cref="ConstraintValues"/>, so every group is within <see cref="ConstraintSpread"/> / 2 of it.
    /// </summary>
    public double ConstraintValue { get; }

    /// <summary>
    /// Each group's value of the constrained rate on the training data, in expectation, in the order of
    /// <see cref="Rules"/>; NaN for a group with no training rows. All equal to <see cref="ConstraintValue"/>
    /// under exact parity.
    /// </summary>
    public IReadOnlyList<double> ConstraintValues { get; }

    /// <summary>
    /// max − min of <see cref="ConstraintValues"/> over the groups with training rows: 0 under exact parity, at most
    /// <see cref="Tolerance"/> (up to rounding, 1e-12) with one.
    /// </summary>
    public double ConstraintSpread { get; }

    /// <summary>The tolerance the constraint was relaxed by (<see cref="ThresholdOptimizerOptions.Tolerance"/>); null for exact parity.</summary>
    public double? Tolerance { get; }

    /// <summary>
    /// The objective reached on the training data, in expectation over the randomised predictions: Σ_a P(A = a)·metric_a
    /// for a single-rate constraint, the metric of the pooled counts for equalized odds (see <see cref="ThresholdObjective"/>).
    /// </summary>
    public double ObjectiveValue { get; }

    /// <summary>The seed of the randomised predictions.</summary>
    public int Seed { get; }

    /// <summary>The constraint that was enforced.</summary>
    public ThresholdConstraint Constraint { get; }

    /// <summary>The objective that was maximised.</summary>
    public ThresholdObjective Objective { get; }
}

/// <summary>Catalog entry for <see cref="ThresholdOptimizerEstimator"/>.</summary>
public static partial class FairnessCatalogExtensions
{
    /// <summary>
    /// ThresholdOptimizer (post-processing): group-specific randomised thresholds on a score that equalise
    /// the selection rate (demographic parity), one of TPR, FPR, TNR, FNR, or both TPR and FPR (equalized odds),
    /// maximising <paramref name="objective"/> on the training data.
    /// </summary>
    /// <param name="catalog">The fairness catalog.</param>
    /// <param name="sensitiveColumnNames">The sensitive columns (needed at prediction time too).</param>
    /// <param name="constraint">The parity to enforce.</param>
    /// <param name="labelColumnName">The binary label column.</param>
    /// <param name="scoreColumnName">The classifier's score column.</param>
    /// <param name="seed">Seed of the randomised predictions; null derives it from the MLContext.</param>
    /// <param name="objective">What to maximise; equalized odds allows accuracy and balanced accuracy only.</param>
    public static ThresholdOptimizerEstimator ThresholdOptimizer(this DeepMLCatalog.FairnessCatalog catalog, IReadOnlyList<string> sensitiveColumnNames,
        ThresholdConstraint constraint = ThresholdConstraint.DemographicParity, string labelColumnName = "Label", string scoreColumnName = "Score", int? seed = null,
        ThresholdObjective objective = ThresholdObjective.Accuracy) =>
        catalog.ThresholdOptimizer(new ThresholdOptimizerOptions
        {
            SensitiveColumnNames = sensitiveColumnNames, Constraint = constraint, Objective = objective, LabelColumnName = labelColumnName,
            ScoreColumnName = scoreColumnName, Seed = seed,
        });

    /// <summary>ThresholdOptimizer with explicit options.</summary>
    /// <param name="catalog">The fairness catalog.</param>
    /// <param name="options">The options.</param>
    public static ThresholdOptimizerEstimator ThresholdOptimizer(this DeepMLCatalog.FairnessCatalog catalog, ThresholdOptimizerOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new ThresholdOptimizerEstimator(catalog.Context, options);
    }
}
