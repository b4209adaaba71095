namespace DeepML.Tuning;

/// <summary>Independent uniform draws (log-uniform for log parameters), seeded per trial. Ignores the history.</summary>
public sealed class RandomSampler : ISampler
{
    /// <inheritdoc />
    public ParameterSet? Sample(SamplingContext context) => Draw(context.Space, context.Random);

    /// <summary>One uniform draw of every active parameter, in the space's order.</summary>
    internal static ParameterSet Draw(SearchSpace space, Random random)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var parameter in space.Parameters)
            if (space.IsActive(parameter, values))
                values[parameter.Name] = parameter.SampleUniform(random);
        return new ParameterSet(space, values);
    }
}
