namespace DeepML.Serving;

/// <summary>The scores of one request, all from one model version.</summary>
/// <param name="Version">The version that scored every row.</param>
/// <param name="OutputNames">The output column names, in the order of each row's values.</param>
/// <param name="Rows">One array of output values per request row, in request order.</param>
/// <param name="BatchRows">Rows in the scoring run this request was part of (its own rows plus those batched with it).</param>
public sealed record ScoredRequest(ModelVersion Version, IReadOnlyList<string> OutputNames, IReadOnlyList<object?[]> Rows, int BatchRows);
