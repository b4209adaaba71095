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

    /// <summary>Checks that a column exists in a schema shape (listing the others otherwise) and is a scalar.</summary>
    public static void Require(SchemaShape input, string component, string role, string name)
    {
        var found = input.Where(c => c.Name == name).ToArray();
        if (found.Length == 0)
            throw new ArgumentOutOfRangeException(nameof(input),
                $"{component}: the {role} column '{name}' was not found. Expected a column of that name in the input; available columns: {string.Join(", ", input.Select(c => $"'{c.Name}'"))}. Pass the right column name.");
        var column = found[^1];
        if (column.Kind != SchemaShape.Column.VectorKind.Scalar)
            throw new ArgumentOutOfRangeException(nameof(input),
                $"{component}: schema mismatch for {role} column '{name}': expected a scalar, got {column.Kind} of {column.ItemType}. Pass a scalar column.");
    }
}

/// <summary>
/// Base of DeepML's fitted mitigators: the work is done by a chain of ML.NET built-in transformers,
/// and <see cref="ICanSaveModel.Save"/> forwards to it, so a saved model holds only ML.NET's own types
/// and loads with plain <c>ml.Model.Load</c> (it comes back as that chain, not as this class).
/// Thread-safe and immutable, like the inner chain.
/// </summary>
public abstract class BuiltInChainTransformer : ITransformer
{
    private protected BuiltInChainTransformer(ITransformer inner) => Inner = inner;

    /// <summary>The equivalent chain of ML.NET built-in transformers that does the work and is saved.</summary>
    public ITransformer Inner { get; }

    /// <inheritdoc />
    public bool IsRowToRowMapper => Inner.IsRowToRowMapper;

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => Inner.GetOutputSchema(inputSchema);

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => Inner.GetRowToRowMapper(inputSchema);

    /// <inheritdoc />
    public IDataView Transform(IDataView input) => Inner.Transform(input);

    void ICanSaveModel.Save(ModelSaveContext ctx) => Inner.Save(ctx);
}
