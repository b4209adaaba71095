using Microsoft.ML;

namespace DeepML.Fairness.Tests.Metrics;

/// <summary>A scored row with two sensitive columns and two control columns (one of them Boolean).</summary>
public sealed class ControlRow
{
    public bool Label { get; set; }
    public bool PredictedLabel { get; set; }
    public float Score { get; set; }
    public string Sf { get; set; } = "";
    public string Sf2 { get; set; } = "";
    public string Cf { get; set; } = "";
    public bool Cf2 { get; set; }
    public float Weight { get; set; } = 1;
}

public static class ControlRows
{
    /// <summary>
    /// Rows where the base rate and the model's bias depend on both the control and the group. The
    /// cell (Cf = L, Sf | Sf2 = c | y) is empty, and scores are rounded to 0.1 so the AUC sees ties.
    /// </summary>
    public static List<ControlRow> Random(int n, int seed)
    {
        var rng = new Random(seed);
        string[] sf = ["a", "b", "c"], cf = ["H", "M", "L"];
        var rows = new List<ControlRow>(n);
        for (var i = 0; i < n; i++)
        {
            int s = rng.Next(3), c = rng.Next(3);
            var s2 = s == 2 && c == 2 ? "x" : rng.NextDouble() < 0.5 ? "x" : "y";
            var y = rng.NextDouble() < 0.2 + 0.15 * c + 0.05 * s;
            var score = (y ? 0.8 : -0.8) + Synthetic.Gaussian(rng) - 0.3 * s + 0.2 * c;
            rows.Add(new ControlRow
            {
                Label = y, Score = MathF.Round((float)score, 1), PredictedLabel = score > 0.1, Sf = sf[s], Sf2 = s2, Cf = cf[c],
                Cf2 = rng.NextDouble() < 0.3, Weight = (float)(0.5 + rng.NextDouble()),
            });
        }
        return rows;
    }

    /// <summary>Fairlearn's intersecting_groups.rst control-feature example (30 rows; reference/fairness.md §4.4).</summary>
    public static List<ControlRow> IntersectingGroupsRst()
    {
        int[] decision = [0, 0, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 1, 0, 1, 1, 1, 1, 1, 0];
        int[] prediction = [1, 1, 0, 1, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 1, 1, 0, 0, 1];
        const string control = "HLHLHLLHHLLHHLLHLLHHLHLLHHLLHL";
        const string sensitive = "ABBCCBAABACBCACCBBCABBCABABBAA";
        return Enumerable.Range(0, 30).Select(i => new ControlRow
        {
            Label = decision[i] == 1, PredictedLabel = prediction[i] == 1, Score = prediction[i], Sf = sensitive[i].ToString(), Cf = control[i].ToString(),
        }).ToList();
    }

    public static IDataView View(MLContext ml, IEnumerable<ControlRow> rows) => ml.Data.LoadFromEnumerable(rows.ToList());
}
