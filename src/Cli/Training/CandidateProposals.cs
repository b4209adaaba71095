namespace DeepML.Cli.Training;

/// <summary>
/// The fixed candidates <see cref="ModelSearch"/> tries after the two defaults and before tuning: four
/// hand-picked DeepML MLPs that do well on tabular data (wide-then-narrow bodies, moderate dropout, AdamW).
/// The epoch limit and batch size follow the row count; early stopping usually ends training sooner.
/// </summary>
internal static class CandidateProposals
{
    /// <summary>The most epochs a network trial runs: 60 below 20,000 rows, 30 below 200,000, else 15.</summary>
    public static int Epochs(long rows) => rows > 200_000 ? 15 : rows > 20_000 ? 30 : 60;

    public static IEnumerable<Candidate.Network> HandPicked(long rows, string device)
    {
        var epochs = Epochs(rows);
        var batch = rows < 2_000 ? 32 : rows < 20_000 ? 128 : 256;
        yield return new Candidate.Network([128, 64], 0.1, 1e-3, 1e-4, batch, epochs, device);
        yield return new Candidate.Network([256, 128], 0.2, 2e-3, 1e-4, batch, epochs, device);
        yield return new Candidate.Network([64, 64], 0.0, 3e-3, 1e-5, batch, epochs, device);
        yield return new Candidate.Network([512, 256], 0.3, 1e-3, 1e-3, batch, epochs, device);
    }
}
