namespace DeepML.Explainability;

/// <summary>
/// The value of a coalition for the perturbation explainers: v(S) = Σ_b w_b · f(x_S, b_rest), the
/// model's weighted mean output when the groups in S keep the explained row's values and every other
/// slot takes background row b's. Inputs for many coalitions of many rows are written into one buffer
/// and scored in batches of at most <see cref="MaxModelRows"/> rows through <see cref="ScoreFunction"/>.
/// </summary>
internal sealed class CoalitionEvaluator(ScoreFunction model, Background background, FeatureGroups groups, int maxModelRows)
{
    /// <summary>Model rows per call to the model (each coalition costs one per background row).</summary>
    public int MaxModelRows { get; } = Math.Max(maxModelRows, background.Rows);

    /// <summary>The explained groups.</summary>
    public FeatureGroups Groups => groups;

    /// <summary>The background absent groups are drawn from.</summary>
    public Background Background => background;

    /// <summary>E[f] over the background: the value of the empty coalition, the same for every row.</summary>
    public double EmptyValue()
    {
        var values = model.Evaluate(background.Values, background.Rows);
        var sum = 0.0;
        for (var b = 0; b < values.Length; b++)
            sum += background.Weights[b] * values[b];
        return sum;
    }

    /// <summary>The model's output on each row itself (the full coalition), in one batch.</summary>
    public double[] Outputs(float[] rows, int count) => model.Evaluate(rows, count);

    /// <summary>
    /// For each explained row <c>r</c> (row-major in <paramref name="rows"/>, <paramref name="size"/> slots each),
    /// the value of each coalition in <c>coalitions[r]</c> (a coalition: per group, whether it is present).
    /// </summary>
    public double[][] Values(float[] rows, int size, IReadOnlyList<IReadOnlyList<bool[]>> coalitions, CancellationToken cancellation)
    {
        var bRows = background.Rows;
        var result = coalitions.Select(c => new double[c.Count]).ToArray();
        var blocksPerCall = Math.Max(1, MaxModelRows / bRows);
        var buffer = new float[blocksPerCall * bRows * size];
        var pending = new List<(int Row, int Coalition)>(blocksPerCall);
        var bg = background.Values;
        var groupOf = groups.GroupOfSlot;

        for (var r = 0; r < coalitions.Count; r++)
        {
            var x = rows.AsSpan(r * size, size);
            for (var c = 0; c < coalitions[r].Count; c++)
            {
                var present = coalitions[r][c];
                var block = buffer.AsSpan(pending.Count * bRows * size, bRows * size);
                bg.AsSpan(0, bRows * size).CopyTo(block);
                for (var s = 0; s < size; s++)
                {
                    if (!present[groupOf[s]])
                        continue;
                    var value = x[s];
                    for (var b = 0; b < bRows; b++)
                        block[b * size + s] = value;
                }
                pending.Add((r, c));
                if (pending.Count == blocksPerCall)
                    Flush(buffer, pending, result, cancellation);
            }
        }
        Flush(buffer, pending, result, cancellation);
        return result;
    }

    private void Flush(float[] buffer, List<(int Row, int Coalition)> pending, double[][] result, CancellationToken cancellation)
    {
        if (pending.Count == 0)
            return;
        cancellation.ThrowIfCancellationRequested();
        var bRows = background.Rows;
        var outputs = model.Evaluate(buffer, pending.Count * bRows);
        var w = background.Weights;
        for (var p = 0; p < pending.Count; p++)
        {
            var sum = 0.0;
            for (var b = 0; b < bRows; b++)
                sum += w[b] * outputs[p * bRows + b];
            result[pending[p].Row][pending[p].Coalition] = sum;
        }
        pending.Clear();
    }
}
