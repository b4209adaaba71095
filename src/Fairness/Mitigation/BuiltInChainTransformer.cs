using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML.Fairness;

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
