namespace DeepML.Fairness.Benchmarks;

/// <summary>A scored row with two sensitive columns.</summary>
public sealed class BenchRow
{
    public bool Label { get; set; }
    public bool PredictedLabel { get; set; }
    public float Score { get; set; }
    public string Sex { get; set; } = "";
    public string Race { get; set; } = "";

    private static readonly string[] Races = ["White", "Black", "Asian-Pac-Islander", "Amer-Indian-Eskimo", "Other"];

    public static List<BenchRow> Generate(int n, int seed)
    {
        var rng = new Random(seed);
        var rows = new List<BenchRow>(n);
        for (var i = 0; i < n; i++)
        {
            var female = rng.NextDouble() < 0.33;
            var race = Races[Math.Min(4, (int)(rng.NextDouble() * rng.NextDouble() * 6))];
            var y = rng.NextDouble() < (female ? 0.11 : 0.3);
            var score = (float)Math.Round((y ? 0.8 : -0.8) + 1.1 * (rng.NextDouble() + rng.NextDouble() - 1) * 2 - (female ? 0.3 : 0), 4);
            rows.Add(new BenchRow { Label = y, Score = score, PredictedLabel = score > 0.3f, Sex = female ? "Female" : "Male", Race = race });
        }
        return rows;
    }
}
