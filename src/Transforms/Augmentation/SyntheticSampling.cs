using Microsoft.ML.Runtime;

namespace DeepML.Augmentation;

/// <summary>
/// SMOTE (Chawla et al. 2002) and Borderline-SMOTE kind 1 (Han et al. 2005), as imbalanced-learn
/// implements them: a synthetic row is x + u·(x_nn − x) with x a seed row of the class, x_nn one of
/// its k nearest same-class rows (Euclidean, x excluded) and u ~ U[0, 1). The seed and the neighbour
/// are drawn together, uniformly among the seeds × k pairs (imbalanced-learn's <c>_make_samples</c>).
/// </summary>
internal static class SyntheticSampling
{
    /// <summary>Called on each synthetic row after interpolation (SMOTE-NC fixes its categorical slots here).</summary>
    /// <param name="row">The new row, interpolated in every slot.</param>
    /// <param name="neighbours">All k neighbours of the seed (input row indices, nearest first).</param>
    /// <param name="random">The verb's generator.</param>
    public delegate void Finish(float[] row, int[] neighbours, Random random);

    /// <summary>Rows to add per class: <c>target − count</c>.</summary>
    public static long[] ToAdd(LabelledRows rows, long[] targets) => targets.Select((t, c) => t - rows.Counts[c]).ToArray();

    /// <summary>Every class that gets synthetic rows needs more than <paramref name="k"/> rows.</summary>
    public static void CheckNeighbours(string component, string option, LabelledRows rows, long[] toAdd, int k)
    {
        for (var c = 0; c < toAdd.Length; c++)
        {
            if (toAdd[c] > 0 && k > rows.Counts[c] - 1)
                throw new ArgumentException($"{component}: {option} = {k}, but class '{rows.Classes[c]}' has only {rows.Counts[c]} rows, so a row has at most {rows.Counts[c] - 1} same-class neighbours. " +
                    $"Set {option} to at most {rows.Counts[c] - 1}, or leave this class out (SamplingStrategy.Counts).", option);
        }
    }

    /// <summary>SMOTE: every row of the class is a seed.</summary>
    public static List<RowOrigin> Smote(LabelledRows rows, long[] toAdd, int k, Random random, List<float[]> synthetic,
        Func<int, int, double> distance, Finish? finish, CancellationToken cancellation)
    {
        var origins = Originals(rows);
        var byClass = rows.RowsByClass();
        for (var c = 0; c < byClass.Length; c++)
        {
            if (toAdd[c] <= 0)
                continue;
            var members = byClass[c];
            var neighbours = Rows(NearestNeighbours.Search(members, members, k, distance, cancellation), members);
            Generate(rows.Features!, members, neighbours, toAdd[c], random, origins, synthetic, finish);
        }
        return origins;
    }

    /// <summary>
    /// Borderline-SMOTE 1: the seeds of a class are its rows in DANGER — of their m nearest rows of any
    /// class (the row excluded), at least m/2 and fewer than m are of another class; neighbours come
    /// from the class itself. A class with no row in danger gets no synthetic rows (as in imbalanced-learn).
    /// </summary>
    public static List<RowOrigin> Borderline(LabelledRows rows, long[] toAdd, int k, int m, Random random, List<float[]> synthetic,
        IChannel log, CancellationToken cancellation)
    {
        var origins = Originals(rows);
        var byClass = rows.RowsByClass();
        var everyRow = Enumerable.Range(0, rows.Rows).ToArray();
        Func<int, int, double> distance = (a, b) => NearestNeighbours.SquaredDistance(rows.Features![a], rows.Features[b]);
        for (var c = 0; c < byClass.Length; c++)
        {
            if (toAdd[c] <= 0)
                continue;
            var members = byClass[c];
            var danger = Danger(rows, members, c, m, everyRow, distance, cancellation);
            log.Info(MessageSensitivity.None, $"BorderlineSmote: class '{rows.Classes[c]}': {danger.Length} of {members.Length} rows in danger (seeds).");
            if (danger.Length == 0)
            {
                log.Warning(MessageSensitivity.None, $"BorderlineSmote: class '{rows.Classes[c]}' has no row in danger; no synthetic rows are made for it.");
                continue;
            }
            var neighbours = Rows(NearestNeighbours.Search(danger, members, k, distance, cancellation), members);
            Generate(rows.Features!, danger, neighbours, toAdd[c], random, origins, synthetic, null);
        }
        return origins;
    }

    /// <summary>The rows of class <paramref name="c"/> in DANGER (input row indices, in input order).</summary>
    internal static int[] Danger(LabelledRows rows, int[] members, int c, int m, int[] everyRow,
        Func<int, int, double> distance, CancellationToken cancellation)
    {
        var nearest = NearestNeighbours.Search(members, everyRow, m, distance, cancellation);
        var danger = new List<int>();
        for (var i = 0; i < members.Length; i++)
        {
            var other = nearest[i].Count(j => rows.ClassOfRow[everyRow[j]] != c);
            if (2 * other >= m && other < m)
                danger.Add(members[i]);
        }
        return danger.ToArray();
    }

    private static void Generate(float[][] x, int[] seeds, int[][] neighbours, long count, Random random,
        List<RowOrigin> origins, List<float[]> synthetic, Finish? finish)
    {
        var k = neighbours[0].Length;
        for (long j = 0; j < count; j++)
        {
            var pick = random.NextInt64((long)seeds.Length * k);
            var (row, col) = ((int)(pick / k), (int)(pick % k));
            var u = random.NextDouble();
            var (seed, neighbour) = (x[seeds[row]], x[neighbours[row][col]]);
            var created = new float[seed.Length];
            for (var s = 0; s < created.Length; s++)
                created[s] = (float)(seed[s] + u * ((double)neighbour[s] - seed[s]));
            finish?.Invoke(created, neighbours[row], random);
            origins.Add(new RowOrigin(seeds[row], neighbours[row][col], u));
            synthetic.Add(created);
        }
    }

    private static List<RowOrigin> Originals(LabelledRows rows) =>
        Enumerable.Range(0, rows.Rows).Select(i => new RowOrigin(i, -1, 0)).ToList();

    private static int[][] Rows(int[][] candidateIndices, int[] candidates) =>
        candidateIndices.Select(n => n.Select(j => candidates[j]).ToArray()).ToArray();
}
