namespace DeepML;

/// <summary>
/// Options of <see cref="OnnxScoringEstimator"/>; each is checked when it is set, and how they fit
/// the model (every model input fed, every named output present) when the estimator is made.
/// </summary>
/// <remarks>
/// <para>Columns are given either one at a time (<see cref="InputColumnName"/>, <see cref="OutputColumnName"/>)
/// or as lists (<see cref="InputColumnNames"/>, <see cref="OutputColumnNames"/>); a single column is the
/// one-element list. As in ML.NET's <c>ApplyOnnxModel</c>, a column feeds (or receives) the ONNX input
/// (or output) of the same name unless <see cref="OnnxInputNames"/> (or <see cref="OnnxOutputNames"/>)
/// names another, position by position. When exactly one input column is given and the model has exactly
/// one input, that input is fed whatever its name; when exactly one output column is given and no model
/// output has its name, the model's first output is read.</para>
/// </remarks>
public sealed record OnnxScoringOptions
{
    /// <summary>The one column written with a model output; give this or <see cref="OutputColumnNames"/>.</summary>
    public string? OutputColumnName { get; init => field = Name(value, nameof(OutputColumnName)); }

    /// <summary>The one column fed to the model input; give this or <see cref="InputColumnNames"/>.</summary>
    public string? InputColumnName { get; init => field = Name(value, nameof(InputColumnName)); }

    /// <summary>
    /// The columns fed to the model inputs, one per input: each a known-size vector of the input's item
    /// type (Single, Double, Int32, Int64 or Boolean) holding one example's values row-major, or a scalar of
    /// that type for a <c>[N]</c> or <c>[N, 1]</c> input. Give this or <see cref="InputColumnName"/>.
    /// </summary>
    public IReadOnlyList<string>? InputColumnNames { get; init => field = Names(value, nameof(InputColumnNames)); }

    /// <summary>The columns written with model outputs (known-size vectors of the output's item type); give this or <see cref="OutputColumnName"/>.</summary>
    public IReadOnlyList<string>? OutputColumnNames { get; init => field = Names(value, nameof(OutputColumnNames)); }

    /// <summary>The ONNX input fed by each input column, position by position; null feeds the input named like the column.</summary>
    public IReadOnlyList<string>? OnnxInputNames { get; init => field = Names(value, nameof(OnnxInputNames)); }

    /// <summary>The ONNX output read into each output column, position by position; null reads the output named like the column.</summary>
    public IReadOnlyList<string>? OnnxOutputNames { get; init => field = Names(value, nameof(OnnxOutputNames)); }

    /// <summary>The model output read into <see cref="OutputColumnName"/>; null reads the output of that name, or else the first one.</summary>
    public string? OnnxOutputName { get; init; }

    /// <summary>The model file; give this or <see cref="ModelBytes"/>.</summary>
    public string? ModelPath { get; init; }

    /// <summary>The model bytes; give this or <see cref="ModelPath"/>.</summary>
    public byte[]? ModelBytes { get; init; }

    /// <summary>Device, threads and batch size. Default: CPU, 1024 rows per run.</summary>
    public ScoringOptions Scoring { get; init => field = value ?? throw new ArgumentNullException(nameof(Scoring), "OnnxScoringOptions: Scoring must not be null; use new ScoringOptions()."); } = new();

    /// <summary>The input columns, from whichever of the two options was given.</summary>
    internal IReadOnlyList<string> InputColumns => Either(InputColumnName, InputColumnNames, nameof(InputColumnName), nameof(InputColumnNames));

    /// <summary>The output columns, from whichever of the two options was given.</summary>
    internal IReadOnlyList<string> OutputColumns => Either(OutputColumnName, OutputColumnNames, nameof(OutputColumnName), nameof(OutputColumnNames));

    private static IReadOnlyList<string> Either(string? one, IReadOnlyList<string>? many, string oneName, string manyName) => (one, many) switch
    {
        (not null, null) => [one],
        (null, not null) => many,
        _ => throw new ArgumentException($"OnnxScoringOptions: give exactly one of {oneName} and {manyName} (got {(one is null ? "neither" : "both")}).", manyName),
    };

    private static string Name(string? value, string option) =>
        string.IsNullOrWhiteSpace(value) ? throw new ArgumentException($"OnnxScoringOptions: {option} must be a non-empty column name.", option) : value;

    private static IReadOnlyList<string>? Names(IReadOnlyList<string>? value, string option)
    {
        if (value is null)
            return null;
        if (value.Count == 0)
            throw new ArgumentException($"OnnxScoringOptions: {option} must hold at least one name; leave it null instead.", option);
        var names = value.ToArray();
        if (names.Any(string.IsNullOrWhiteSpace))
            throw new ArgumentException($"OnnxScoringOptions: {option} holds an empty name; every name must be non-empty.", option);
        if (names.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new ArgumentException($"OnnxScoringOptions: {option} names '{twice.Key}' twice; each name may appear once.", option);
        return Array.AsReadOnly(names);
    }
}
