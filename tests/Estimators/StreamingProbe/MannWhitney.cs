namespace DeepML.StreamingProbe;

/// <summary>
/// The Mann–Whitney AUC (ties count one half), written out rather than taken from the trainer's metrics; shared by the
/// probe and the streaming tests (linked into the test project).
/// </summary>
internal static class MannWhitney
{
    public static double Auc(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        double rankSum = 0, positives = 0;
        for (var k = 0; k < order.Length;)
        {
            var end = k;
            while (end + 1 < order.Length && scores[order[end + 1]] == scores[order[k]])
                end++;
            for (var m = k; m <= end; m++)
            {
                if (labels[order[m]])
                {
                    rankSum += (k + end) / 2.0 + 1;
                    positives++;
                }
            }
            k = end + 1;
        }
        var negatives = scores.Count - positives;
        return (rankSum - positives * (positives + 1) / 2) / (positives * negatives);
    }
}
