using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace DeepML.Fairness;

/// <summary>
/// Output schema propagation for the fairness estimators, built on Core's
/// <see cref="DeepML.SchemaShapes"/> (which describes columns exactly as ML.NET does).
/// </summary>
internal static class SchemaShapes
{
    /// <summary>Adds a Single column named <paramref name="name"/>.</summary>
    public static SchemaShape AddSingle(SchemaShape input, string name) =>
        DeepML.SchemaShapes.With(input, [DeepML.SchemaShapes.Column(name, NumberDataViewType.Single)]);

    /// <summary>Adds a Single probability column and a Boolean predicted-label column.</summary>
    public static SchemaShape AddProbabilityAndLabel(SchemaShape input, string probability, string predictedLabel) =>
        DeepML.SchemaShapes.With(input,
        [
            DeepML.SchemaShapes.Column(probability, NumberDataViewType.Single),
            DeepML.SchemaShapes.Column(predictedLabel, BooleanDataViewType.Instance),
        ]);

    /// <summary>Adds Single score and probability columns and a Boolean predicted-label column.</summary>
    public static SchemaShape AddScoreProbabilityAndLabel(SchemaShape input, string score, string probability, string predictedLabel) =>
        DeepML.SchemaShapes.With(input,
        [
            DeepML.SchemaShapes.Column(score, NumberDataViewType.Single),
            DeepML.SchemaShapes.Column(probability, NumberDataViewType.Single),
            DeepML.SchemaShapes.Column(predictedLabel, BooleanDataViewType.Instance),
        ]);

    /// <summary>
    /// Checks that a column exists in a schema shape (listing the others otherwise) and that <paramref name="accepts"/>
    /// holds, with the same expected-type text as the schema checks at Fit and Transform.
    /// </summary>
    public static SchemaShape.Column Require(SchemaShape input, string component, string role, string name,
        Func<SchemaShape.Column, bool> accepts, string expected, string fix)
    {
        var found = input.Where(c => c.Name == name).ToArray();
        if (found.Length == 0)
            DeepML.ColumnChecks.Find(input, component, role, name);   // throws DeepML's shared not-found message
        var column = found[^1];
        if (!accepts(column))
            throw new ArgumentOutOfRangeException(nameof(input),
                $"{component}: schema mismatch for {role} column '{name}': expected {expected}, got {Describe(column)}. {fix}");
        return column;
    }

    /// <summary>True for a non-key scalar whose item type is one of <paramref name="types"/>.</summary>
    public static bool IsScalarOf(SchemaShape.Column c, params DataViewType[] types) =>
        c.Kind == SchemaShape.Column.VectorKind.Scalar && !c.IsKey && types.Contains(c.ItemType);

    // Written like DataViewType.ToString() where the shape allows (a shape knows no key count or vector size).
    private static string Describe(SchemaShape.Column c)
    {
        var item = c.IsKey ? $"Key<{c.ItemType}>" : $"{c.ItemType}";
        return c.Kind switch
        {
            SchemaShape.Column.VectorKind.Vector => $"Vector<{item}, known size>",
            SchemaShape.Column.VectorKind.VariableVector => $"Vector<{item}>",
            _ => item,
        };
    }
}

/// <summary>
/// Base of DeepML's fitted mitigators: the work is done by a chain of ML.NET built-in transformers,
/// and <see cref="ICanSaveModel.Save"/> forwards to it, so a saved model holds only ML.NET's own types
/// and loads with plain <c>ml.Model.Load</c> (it comes back as that chain, not as this class).
/// Thread-safe and immutable, like the inner chain.
/// </summary>
/// <remarks>
/// Every entry point checks the input schema first (the columns this mitigator reads at prediction
/// time, with DeepML's three-part messages), so a missing or mistyped column is reported by
/// <c>Transform</c> itself rather than by an inner ML.NET transform or the first cursor.
/// </remarks>
public abstract class BuiltInChainTransformer : ITransformer
{
    private readonly Action<DataViewSchema> _checkInput;

    private protected BuiltInChainTransformer(ITransformer inner, Action<DataViewSchema> checkInput)
    {
        Inner = inner;
        _checkInput = checkInput;
    }

    /// <summary>The equivalent chain of ML.NET built-in transformers that does the work and is saved.</summary>
    public ITransformer Inner { get; }

    /// <inheritdoc />
    public bool IsRowToRowMapper => Inner.IsRowToRowMapper;

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        _checkInput(inputSchema);
        return Inner.GetOutputSchema(inputSchema);
    }

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        _checkInput(inputSchema);
        return Inner.GetRowToRowMapper(inputSchema);
    }

    /// <inheritdoc />
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        _checkInput(input.Schema);
        return Inner.Transform(input);
    }

    void ICanSaveModel.Save(ModelSaveContext ctx) => Inner.Save(ctx);
}
