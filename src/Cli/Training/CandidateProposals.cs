namespace DeepML.Cli.Training;

/// <summary>
/// What <see cref="ModelSearch"/> tries after the two defaults, in order: four hand-picked DeepML MLPs
/// that do well on tabular data (wide-then-narrow bodies, moderate dropout, AdamW), then random draws,
/// seeded: two networks (1–3 layers of 64–512 units, dropout 0–0.4, learning rate 3e-4–1e-2 and weight
/// decay 1e-6–1e-2 on a log scale, batch 128–512), then one LightGBM (8–128 leaves and learning rate
/// 0.02–0.3 on a log scale, 100–800 rounds, 5–50 rows per leaf), and so on.
/// </summary>
internal static class CandidateProposals
{
    public static IEnumerable<Candidate> For(long rows, int seed, string device)
    {
        var epochs = rows > 200_000 ? 15 : rows > 20_000 ? 30 : 60;
        var batch = rows < 2_000 ? 32 : rows < 20_000 ? 128 : 256;
        yield return new Candidate.Network([128, 64], 0.1, 1e-3, 1e-4, batch, epochs, device);
        yield return new Candidate.Network([256, 128], 0.2, 2e-3, 1e-4, batch, epochs, device);
        yield return new Candidate.Network([64, 64], 0.0, 3e-3, 1e-5, batch, epochs, device);
        yield return new Candidate.Network([512, 256], 0.3, 1e-3, 1e-3, batch, epochs, device);
        var random = new Random(seed);
        int[] widths = [64, 128, 256, 512];
        for (var k = 0; ; k++)
        {
            if (k % 3 == 2)
            {
                yield return new Candidate.LightGbm(
                    (int)Math.Round(LogUniform(random, 8, 128)),
                    Math.Round(LogUniform(random, 0.02, 0.3), 3),
                    random.Next(100, 801),
                    random.Next(5, 51));
                continue;
            }
            var depth = random.Next(1, 4);
            var first = widths[random.Next(widths.Length)];
            var hidden = Enumerable.Range(0, depth).Select(i => Math.Max(32, first >> i)).ToArray();
            yield return new Candidate.Network(hidden,
                Math.Round(random.NextDouble() * 0.4, 2),
                LogUniform(random, 3e-4, 1e-2),
                LogUniform(random, 1e-6, 1e-2),
                new[] { 128, 256, 512 }[random.Next(3)] is var b && rows < 2_000 ? Math.Min(b, 64) : b,
                epochs, device);
        }
    }

    private static double LogUniform(Random random, double low, double high) =>
        Math.Exp(Math.Log(low) + random.NextDouble() * (Math.Log(high) - Math.Log(low)));
}
