using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace DeepML.Fairness;

/// <summary>
/// Output schema propagation for DeepML estimators. <c>SchemaShape.Column</c>'s constructor is
/// internal, so the new columns' shapes come from a <c>CustomMapping</c> probe estimator whose
/// <c>GetOutputSchema</c> builds them (reference/ecosystem.md §1.5). The probe is never fitted or saved.
/// </summary>
internal static class SchemaShapes
{
    private sealed class NoInput;

    private sealed class SingleOut
    {
        public float A { get; set; }
    }

    private sealed class SingleBoolOut
    {
        public float A { get; set; }
        public bool B { get; set; }
    }

    private sealed class TwoSinglesBoolOut
    {
        public float A { get; set; }
        public float C { get; set; }
        public bool B { get; set; }
    }

    /// <summary>Adds a Single column named <paramref name="name"/>.</summary>
    public static SchemaShape AddSingle(MLContext ml, SchemaShape input, string name)
    {
        var def = SchemaDefinition.Create(typeof(SingleOut));
        def[nameof(SingleOut.A)].ColumnName = name;
        return ml.Transforms.CustomMapping<NoInput, SingleOut>((_, _) => { }, null, null, def).GetOutputSchema(input);
    }

    /// <summary>Adds a Single probability column and a Boolean predicted-label column.</summary>
    public static SchemaShape AddProbabilityAndLabel(MLContext ml, SchemaShape input, string probability, string predictedLabel)
    {
        var def = SchemaDefinition.Create(typeof(SingleBoolOut));
        def[nameof(SingleBoolOut.A)].ColumnName = probability;
        def[nameof(SingleBoolOut.B)].ColumnName = predictedLabel;
        return ml.Transforms.CustomMapping<NoInput, SingleBoolOut>((_, _) => { }, null, null, def).GetOutputSchema(input);
    }

    /// <summary>Adds Single score and probability columns and a Boolean predicted-label column.</summary>
    public static SchemaShape AddScoreProbabilityAndLabel(MLContext ml, SchemaShape input, string score, string probability, string predictedLabel)
    {
        var def = SchemaDefinition.Create(typeof(TwoSinglesBoolOut));
        def[nameof(TwoSinglesBoolOut.A)].ColumnName = score;
        def[nameof(TwoSinglesBoolOut.C)].ColumnName = probability;
        def[nameof(TwoSinglesBoolOut.B)].ColumnName = predictedLabel;
        return ml.Transforms.CustomMapping<NoInput, TwoSinglesBoolOut>((_, _) => { }, null, null, def).GetOutputSchema(input);
    }

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
