namespace DeepML.Tuning;

/// <summary>
/// Proposes the parameters of the next trial from the trials so far. A sampler draws its randomness from
/// <see cref="SamplingContext.Random"/>, which is seeded from the study's seed and the trial's number, so the
/// same seed and the same history give the same proposal in any process.
/// </summary>
public interface ISampler
{
    /// <summary>The parameters for trial <see cref="SamplingContext.TrialNumber"/>, or null when the sampler has nothing left (a finished grid).</summary>
    ParameterSet? Sample(SamplingContext context);
}

/// <summary>What a sampler sees: the space, the direction, the study's seed, every trial stored so far (all states).</summary>
/// <param name="Space">The search space.</param>
/// <param name="Direction">Minimize or maximize.</param>
/// <param name="Seed">The study's seed.</param>
/// <param name="TrialNumber">The number the new trial will get.</param>
/// <param name="Trials">Every trial of the study so far, by number.</param>
public sealed record SamplingContext(SearchSpace Space, StudyDirection Direction, int Seed, int TrialNumber, IReadOnlyList<TrialRecord> Trials)
{
    /// <summary>A generator seeded from <see cref="Seed"/> and <see cref="TrialNumber"/> (the same one each time it is read).</summary>
    public Random Random { get; } = RandomFor(Seed, TrialNumber);

    /// <summary>The generator for <paramref name="trialNumber"/> of a study seeded with <paramref name="seed"/> (SplitMix64 of both).</summary>
    public static Random RandomFor(int seed, int trialNumber)
    {
        var z = unchecked((ulong)(uint)seed * 0x9E3779B97F4A7C15UL + (ulong)(uint)trialNumber + 0x632BE59BD9B4E019UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return new Random((int)((z ^ (z >> 31)) & 0x7FFFFFFF));
    }
}
