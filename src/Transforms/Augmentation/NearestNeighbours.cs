namespace DeepML.Augmentation;

/// <summary>
/// Exact k nearest neighbours by brute force (squared Euclidean distance in double precision), the
/// query row itself excluded; ties go to the lower row index. Query rows are searched in parallel;
/// each result depends on its row only, so the output is deterministic.
/// </summary>
internal static class NearestNeighbours
{
    /// <summary>For each query, the indices (into <paramref name="candidates"/>) of its <paramref name="k"/> nearest candidates, nearest first.</summary>
    /// <param name="queries">Row indices (into the data) to find neighbours for.</param>
    /// <param name="candidates">Row indices (into the data) neighbours are drawn from; a query is never its own neighbour.</param>
    /// <param name="k">Neighbours per query; at most the candidates other than the query.</param>
    /// <param name="distance">Squared distance between two rows (indices into the data).</param>
    /// <param name="cancellation">Checked between queries.</param>
    public static int[][] Search(IReadOnlyList<int> queries, IReadOnlyList<int> candidates, int k,
        Func<int, int, double> distance, CancellationToken cancellation)
    {
        var result = new int[queries.Count][];
        var options = new ParallelOptions { CancellationToken = cancellation };
        Parallel.For(0, queries.Count, options, q =>
        {
            var query = queries[q];
            var best = new int[k];
            var bestDistance = new double[k];
            var found = 0;
            for (var j = 0; j < candidates.Count; j++)
            {
                var candidate = candidates[j];
                if (candidate == query)
                    continue;
                var d = distance(query, candidate);
                if (found == k && d >= bestDistance[k - 1])
                    continue;
                // Insertion into the sorted list; an equal distance stays behind the earlier (lower-index) row.
                var at = found == k ? k - 1 : found++;
                while (at > 0 && bestDistance[at - 1] > d)
                {
                    bestDistance[at] = bestDistance[at - 1];
                    best[at] = best[at - 1];
                    at--;
                }
                bestDistance[at] = d;
                best[at] = j;
            }
            result[q] = best;
        });
        return result;
    }

    /// <summary>Squared Euclidean distance of two dense rows.</summary>
    public static double SquaredDistance(float[] a, float[] b)
    {
        double sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            double d = a[i] - b[i];
            sum += d * d;
        }
        return sum;
    }
}
