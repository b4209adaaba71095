namespace DeepML;

/// <summary>Metrics computed on validation predictions during training (independent of ML.NET's evaluators).</summary>
internal static class ValidationMetrics
{
    /// <summary>
    /// Area under the ROC curve from scores and 0/1 labels: the Mann–Whitney statistic, ties
    /// counted as one half. NaN when either class is absent.
    /// </summary>
    public static double Auc(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels)
    {
        var order = new int[scores.Length];
        for (var i = 0; i < order.Length; i++)
            order[i] = i;
        var keys = scores.ToArray();
        Array.Sort(keys, order);
        double positives = 0, negatives = 0, rankSum = 0;
        var start = 0;
        while (start < order.Length)
        {
            var end = start;
            while (end + 1 < order.Length && keys[end + 1] == keys[start])
                end++;
            var averageRank = (start + end) / 2.0 + 1; // 1-based mid-rank of the tie group
            for (var k = start; k <= end; k++)
            {
                if (labels[order[k]] > 0.5f)
                {
                    positives++;
                    rankSum += averageRank;
                }
                else
                {
                    negatives++;
                }
            }
            start = end + 1;
        }
        if (positives == 0 || negatives == 0)
            return double.NaN;
        return (rankSum - positives * (positives + 1) / 2) / (positives * negatives);
    }

    /// <summary>Fraction of rows whose largest output is the true class.</summary>
    public static double Accuracy(ReadOnlySpan<float> outputs, int classes, ReadOnlySpan<long> truth)
    {
        var correct = 0;
        for (var r = 0; r < truth.Length; r++)
        {
            var row = outputs.Slice(r * classes, classes);
            var best = 0;
            for (var c = 1; c < classes; c++)
            {
                if (row[c] > row[best])
                    best = c;
            }
            if (best == truth[r])
                correct++;
        }
        return truth.Length == 0 ? double.NaN : (double)correct / truth.Length;
    }

    /// <summary>Root mean squared error.</summary>
    public static double Rmse(ReadOnlySpan<float> predictions, ReadOnlySpan<float> truth)
    {
        double sum = 0;
        for (var i = 0; i < truth.Length; i++)
        {
            var d = (double)predictions[i] - truth[i];
            sum += d * d;
        }
        return truth.Length == 0 ? double.NaN : Math.Sqrt(sum / truth.Length);
    }
}
