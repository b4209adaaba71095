using Microsoft.ML;

namespace DeepML.Testing;

/// <summary>Data whose column <paramref name="Column"/> has the wrong type.</summary>
/// <param name="Column">The column with the wrong type.</param>
/// <param name="Expected">Text the error must contain for the expected type (at pipeline construction and Fit).</param>
/// <param name="Actual">Text the error must contain for the actual type.</param>
/// <param name="Data">The data.</param>
/// <param name="ExpectedAtTransform">Text for the expected type at Transform; null when the fitted
/// transformer does not read this column (e.g. a trainer's label), so Transform is not checked.</param>
public sealed record WrongColumnType(string Column, string Expected, string Actual, IDataView Data, string? ExpectedAtTransform);

/// <summary>Data without the column <paramref name="Column"/>.</summary>
/// <param name="Column">The missing column.</param>
/// <param name="Data">The data (its visible columns must all be listed in the error).</param>
/// <param name="CheckAtTransform">Whether the fitted transformer reads this column.</param>
public sealed record MissingColumn(string Column, IDataView Data, bool CheckAtTransform);

/// <summary>An option made invalid: <paramref name="Make"/> must throw an <see cref="ArgumentException"/> naming <paramref name="Name"/>.</summary>
/// <param name="Name">The option's name.</param>
/// <param name="Make">Builds the options (or estimator) with the invalid value.</param>
public sealed record InvalidOption(string Name, Action Make)
{
    /// <inheritdoc />
    public override string ToString() => Name;
}
