namespace DeepML.Tuning;

/// <summary>
/// One trial as stored: number, state, parameters, value, the intermediate values it reported (its learning
/// curve), who ran it and when. Immutable snapshot; read a study's trials with <see cref="Study.Result"/>.
/// </summary>
/// <param name="Number">0-based, unique in the study, in claim order.</param>
/// <param name="State">Its state when read.</param>
/// <param name="Parameters">The sampled values.</param>
/// <param name="Value">The objective value (Complete), the last intermediate value (Pruned), else null.</param>
/// <param name="IntermediateValues">Reported values by step (epoch), in step order.</param>
/// <param name="Worker">The worker that claimed it last.</param>
/// <param name="Started">When it was claimed (UTC).</param>
/// <param name="Finished">When it ended (UTC), or null.</param>
/// <param name="RetryOf">The number of the failed trial this one retries (same parameters), or null.</param>
/// <param name="Error">Why it failed, or null.</param>
public sealed record TrialRecord(
    int Number,
    TrialState State,
    ParameterSet Parameters,
    double? Value,
    IReadOnlyList<KeyValuePair<int, double>> IntermediateValues,
    string? Worker,
    DateTime? Started,
    DateTime? Finished,
    int? RetryOf,
    string? Error)
{
    /// <summary>How long it ran (to now while running), or null when it never started.</summary>
    public TimeSpan? Duration => Started is { } s ? (Finished ?? DateTime.UtcNow) - s : null;

    /// <summary>The last reported step, or null without reports.</summary>
    public int? LastStep => IntermediateValues.Count == 0 ? null : IntermediateValues[^1].Key;

    /// <summary>The value reported at <paramref name="step"/>, or null.</summary>
    public double? ValueAt(int step)
    {
        foreach (var (s, v) in IntermediateValues)
            if (s == step)
                return v;
        return null;
    }

    /// <summary>A one-line summary.</summary>
    public override string ToString() =>
        $"trial {Number} {State}{(Value is { } v ? $" value {v:G6}" : "")} [{Parameters}]{(RetryOf is { } r ? $" (retry of {r})" : "")}";
}
