using System.Text.Json.Serialization;

namespace DeepML.Cli.Data;

/// <summary>How a column is used.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ColumnKind>))]
internal enum ColumnKind
{
    /// <summary>Numbers (missing values are replaced by the column mean).</summary>
    Numeric,

    /// <summary>A few distinct strings: one-hot encoded.</summary>
    Categorical,

    /// <summary>Many distinct single tokens: one-hot encoded through a hash (2^8 slots).</summary>
    HashedCategorical,

    /// <summary>Free text of several words: n-gram features (ML.NET's FeaturizeText).</summary>
    Text,

    /// <summary>Not a feature: the label, a constant, an identifier, or excluded by the user.</summary>
    Ignored,
}

/// <summary>One column as inferred from the file.</summary>
/// <param name="Name">The header's name (or Column1, Column2, … without a header).</param>
/// <param name="Index">0-based position in a line.</param>
/// <param name="Kind">How it is used.</param>
/// <param name="Distinct">Distinct non-missing values seen (capped at <see cref="CsvSchemaInference.DistinctCap"/>).</param>
/// <param name="Missing">Missing cells seen.</param>
/// <param name="Reason">Why it got this kind, for the report.</param>
internal sealed record InferredColumn(string Name, int Index, ColumnKind Kind, int Distinct, int Missing, string Reason)
{
    /// <summary>Numeric summary (mean, min, max) over the parsed values, or null for text columns.</summary>
    public NumericSummary? Numbers { get; init; }

    /// <summary>Every distinct value when there are at most 1,000 of them (else empty): a label's classes.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> AllValues { get; init; } = [];

    /// <summary>The most frequent values with their counts (at most 10).</summary>
    public IReadOnlyList<ValueCount> TopValues { get; init; } = [];
}

/// <summary>A numeric column's summary.</summary>
internal sealed record NumericSummary(double Mean, double Min, double Max);

/// <summary>A value and how often it appears.</summary>
internal sealed record ValueCount(string Value, int Count);

/// <summary>The file's layout and columns.</summary>
/// <param name="Separator">The field separator.</param>
/// <param name="HasHeader">Whether the first line names the columns.</param>
/// <param name="Rows">Data rows read (all of them up to <see cref="CsvSchemaInference.MaxRows"/>).</param>
/// <param name="Columns">Every column, in file order.</param>
internal sealed record DatasetSchema(char Separator, bool HasHeader, int Rows, IReadOnlyList<InferredColumn> Columns)
{
    /// <summary>The column named <paramref name="name"/> (exact, then ignoring case); a clear error lists the columns otherwise.</summary>
    public InferredColumn Find(string name, string option)
    {
        var exact = Columns.FirstOrDefault(c => c.Name == name)
            ?? Columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
        return exact ?? throw new CliException(ExitCodes.BadInput,
            $"{option}: the data has no column '{name}'. Its columns are: {string.Join(", ", Columns.Select(c => c.Name))}.");
    }

    /// <summary>The feature columns, in file order.</summary>
    public IEnumerable<InferredColumn> Features => Columns.Where(c => c.Kind != ColumnKind.Ignored);
}
