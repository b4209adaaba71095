using Microsoft.ML;

namespace DeepML.Fairness.Tests;

public sealed class Row
{
    public bool Label { get; set; }
    public bool PredictedLabel { get; set; }
    public float Score { get; set; }
    public string Sf { get; set; } = "";
    public string Sf2 { get; set; } = "";
    public float Weight { get; set; } = 1;
}

/// <summary>Fairlearn documentation fixtures (reference/fairness.md §4.4).</summary>
public static class Fixtures
{
    public static readonly int[] YTrue = [0, 1, 1, 1, 1, 0, 1, 0, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1];
    public static readonly int[] YPred = [0, 0, 1, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 0, 0, 1, 1, 0];
    public static readonly string[] Sf = ["b", "b", "a", "b", "b", "c", "c", "c", "a", "a", "c", "a", "b", "c", "c", "b", "c", "c"];
    public static readonly string[] G2 = ["8", "6", "8", "8", "8", "8", "6", "6", "6", "8", "6", "6", "6", "6", "8", "6", "6", "6"];

    public static IDataView EighteenRows(MLContext ml) => ml.Data.LoadFromEnumerable(
        Enumerable.Range(0, 18).Select(i => new Row { Label = YTrue[i] == 1, PredictedLabel = YPred[i] == 1, Score = YPred[i], Sf = Sf[i], Sf2 = G2[i] }).ToList());

    public static IDataView Rows(MLContext ml, IEnumerable<Row> rows) => ml.Data.LoadFromEnumerable(rows.ToList());
}
