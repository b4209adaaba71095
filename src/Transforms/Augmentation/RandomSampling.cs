namespace DeepML.Augmentation;

/// <summary>
/// Random over- and under-sampling as imbalanced-learn's <c>RandomOverSampler</c> and
/// <c>RandomUnderSampler</c> define them; the result lists the input row each output row copies.
/// </summary>
internal static class RandomSampling
{
    /// <summary>
    /// Every input row once, in input order, then for each class in class order
    /// <c>target − count</c> rows of that class drawn uniformly with replacement.
    /// </summary>
    public static List<RowOrigin> OverSample(LabelledRows rows, long[] targets, Random random)
    {
        var origins = Enumerable.Range(0, rows.Rows).Select(i => new RowOrigin(i, -1, 0)).ToList();
        var byClass = rows.RowsByClass();
        for (var c = 0; c < byClass.Length; c++)
        {
            for (long j = rows.Counts[c]; j < targets[c]; j++)
                origins.Add(new RowOrigin(byClass[c][random.Next(byClass[c].Length)], -1, 0));
        }
        return origins;
    }

    /// <summary>
    /// For each class, <c>target</c> of its rows chosen uniformly without replacement (a partial
    /// Fisher–Yates shuffle); the kept rows are served in input order.
    /// </summary>
    public static List<RowOrigin> UnderSample(LabelledRows rows, long[] targets, Random random)
    {
        var keep = new bool[rows.Rows];
        var byClass = rows.RowsByClass();
        for (var c = 0; c < byClass.Length; c++)
        {
            var members = byClass[c];
            if (targets[c] >= members.Length)
            {
                foreach (var i in members)
                    keep[i] = true;
                continue;
            }
            var pool = (int[])members.Clone();
            for (var j = 0; j < targets[c]; j++)
            {
                var pick = j + random.Next(pool.Length - j);
                (pool[j], pool[pick]) = (pool[pick], pool[j]);
                keep[pool[j]] = true;
            }
        }
        var origins = new List<RowOrigin>();
        for (var i = 0; i < keep.Length; i++)
        {
            if (keep[i])
                origins.Add(new RowOrigin(i, -1, 0));
        }
        return origins;
    }
}
