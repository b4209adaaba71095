using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML.Fairness;

/// <summary>
/// Reweighing (Kamiran &amp; Calders 2012, as AIF360's <c>Reweighing</c>, generalised to any number of
/// groups as in AIF360's sklearn version): each row of group g and label y gets weight
/// <c>w · N_g·N_y / (N·N_gy)</c>, with N the sums of the incoming weights. After reweighing the
/// weighted positive rate is the same in every group and the total weight is unchanged.
/// </summary>
/// <remarks>
/// Input: the label (Boolean or 0/1), the sensitive columns, optionally a Single weight column.
/// Output: a Single weight column for any trainer's <c>exampleWeightColumnName</c>. Deterministic.
/// The fitted transformer is an ML.NET <c>Expression</c> transform (saved and loaded by plain ML.NET);
/// combinations not seen in training keep their incoming weight (factor 1).
/// </remarks>
public sealed class ReweighingEstimator : IEstimator<ReweighingTransformer>
{
    private const string Component = "Reweighing";
    private readonly MLContext _context;

    internal ReweighingEstimator(MLContext context, ReweighingOptions options)
    {
        _context = context;
        Options = options;
    }

    /// <summary>The options this estimator was made with.</summary>
    public ReweighingOptions Options { get; }

    /// <inheritdoc />
    public ReweighingTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var o = Options;
        var data = MitigationData.Read(input, Component, o.LabelColumnName, null, o.SensitiveColumnNames, o.ExampleWeightColumnName);
        var groups = data.Index.Groups.Length;
        var n = new double[groups, 2];
        for (var i = 0; i < data.Rows; i++)
            n[data.Index.GroupOfRow[i], data.Label[i]] += data.Weight?[i] ?? 1;
        double total = 0, pos = 0;
        for (var g = 0; g < groups; g++)
        {
            total += n[g, 0] + n[g, 1];
            pos += n[g, 1];
        }
        var factors = new double[groups, 2];
        for (var g = 0; g < groups; g++)
            for (var y = 0; y < 2; y++)
            {
                var ng = n[g, 0] + n[g, 1];
                factors[g, y] = n[g, y] > 0 ? ng * (y == 1 ? pos : total - pos) / (total * n[g, y]) : 1;
            }
        // The Expression reads the label, the sensitive columns and the weight for every row it scores.
        void CheckInput(DataViewSchema schema) => MitigationData.CheckSchema(schema, Component, o.LabelColumnName, null, o.SensitiveColumnNames, o.ExampleWeightColumnName);
        return new ReweighingTransformer(BuildChain(data, factors, input), CheckInput, data.Index.Groups, factors);
    }

    private ITransformer BuildChain(MitigationData data, double[,] factors, IDataView input)
    {
        var o = Options;
        var sParams = o.SensitiveColumnNames.Select((_, k) => $"s{k}").ToArray();
        var types = data.SensitiveColumns.Select(c => c.Type).ToArray();
        var yPositive = MitigationData.LabelIsPositive("y", data.LabelType);
        var cases = data.Index.Groups.Where(g => !g.IsEmpty).Select(g => (
            ExpressionText.GroupCondition(sParams, types, g.Values),
            $"({yPositive} ? {ExpressionText.Number(factors[g.Index, 1])} : {ExpressionText.Number(factors[g.Index, 0])})"));
        var factor = ExpressionText.Cases(cases, "1.0");
        string[] inputs = [o.LabelColumnName, .. o.SensitiveColumnNames, .. o.ExampleWeightColumnName is null ? Array.Empty<string>() : [o.ExampleWeightColumnName]];
        string[] parameters = ["y", .. sParams, .. o.ExampleWeightColumnName is null ? Array.Empty<string>() : ["w"]];
        var body = o.ExampleWeightColumnName is null ? $"float({factor})" : $"float(w * ({factor}))";
        var expression = $"({string.Join(", ", parameters)}) => {body}";
        return _context.Transforms.Expression(o.OutputColumnName, expression, inputs).Fit(input);
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        MitigationData.CheckShape(inputSchema, Component, Options.LabelColumnName, null, Options.SensitiveColumnNames, Options.ExampleWeightColumnName);
        return SchemaShapes.With(inputSchema, (Options.OutputColumnName, NumberDataViewType.Single));
    }
}

/// <summary>Fitted <see cref="ReweighingEstimator"/>: adds the weight column. Saved as an ML.NET Expression transform.</summary>
public sealed class ReweighingTransformer : BuiltInChainTransformer
{
    private readonly double[,] _factors;

    internal ReweighingTransformer(ITransformer inner, Action<DataViewSchema> checkInput, IReadOnlyList<FairnessGroup> groups, double[,] factors)
        : base(inner, checkInput)
    {
        Groups = groups;
        _factors = factors;
    }

    /// <summary>The groups seen in training (all combinations; empty ones marked).</summary>
    public IReadOnlyList<FairnessGroup> Groups { get; }

    /// <summary>The weight factor N_g·N_y/(N·N_gy) of a group and label (1 where the combination had no rows).</summary>
    public double Factor(int group, bool label) => _factors[group, label ? 1 : 0];
}

/// <summary>Catalog entry for <see cref="ReweighingEstimator"/>.</summary>
public static partial class FairnessCatalogExtensions
{
    /// <summary>
    /// Reweighing (pre-processing): adds a weight column that makes the label independent of the group
    /// when used as a trainer's <c>exampleWeightColumnName</c>.
    /// </summary>
    /// <param name="catalog">The fairness catalog.</param>
    /// <param name="outputColumnName">The new weight column (Single).</param>
    /// <param name="sensitiveColumnNames">The sensitive columns.</param>
    /// <param name="labelColumnName">The binary label column.</param>
    /// <param name="exampleWeightColumnName">An existing weight column to multiply, or null.</param>
    public static ReweighingEstimator Reweigh(this DeepMLCatalog.FairnessCatalog catalog, string outputColumnName,
        IReadOnlyList<string> sensitiveColumnNames, string labelColumnName = "Label", string? exampleWeightColumnName = null) =>
        catalog.Reweigh(new ReweighingOptions
        {
            OutputColumnName = outputColumnName, SensitiveColumnNames = sensitiveColumnNames,
            LabelColumnName = labelColumnName, ExampleWeightColumnName = exampleWeightColumnName,
        });

    /// <summary>Reweighing with explicit options.</summary>
    /// <param name="catalog">The fairness catalog.</param>
    /// <param name="options">The options.</param>
    public static ReweighingEstimator Reweigh(this DeepMLCatalog.FairnessCatalog catalog, ReweighingOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new ReweighingEstimator(catalog.Context, options);
    }
}
