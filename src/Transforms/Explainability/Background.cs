using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace DeepML.Explainability;

/// <summary>
/// The reference distribution that "a feature is absent" means for the perturbation explainers: a
/// set of weighted feature vectors. A group left out of a coalition takes its values from each
/// background row in turn and the model's outputs are averaged with these weights, so the base value
/// is the weighted mean output over the background (interventional Shapley values).
/// </summary>
/// <remarks>
/// Each explained row costs (coalitions × background rows) model evaluations, so a background is kept
/// small: <see cref="KMeans"/> summarises a data set by weighted centroids (as <c>shap.kmeans</c>
/// does), <see cref="Sample"/> takes a seeded random subset. Immutable and thread-safe.
/// </remarks>
public sealed class Background
{
    private const string Component = "Background";

    /// <summary>A background of the given vectors and weights (all equal when <paramref name="weights"/> is null).</summary>
    /// <param name="rows">The background vectors, all of one size.</param>
    /// <param name="weights">Non-negative weights, one per row, not all zero; null for equal weights.</param>
    public Background(IReadOnlyList<float[]> rows, IReadOnlyList<double>? weights = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
            throw new ArgumentException($"{Component}: the background has no rows. Give at least one row (10 to 100 are usual); the explainers average the model over it.", nameof(rows));
        Size = rows[0].Length;
        if (rows.Any(r => r is null || r.Length != Size))
            throw new ArgumentException($"{Component}: every background row must have the same size as the first ({Size}).", nameof(rows));
        var w = weights?.ToArray() ?? Enumerable.Repeat(1.0, rows.Count).ToArray();
        if (w.Length != rows.Count)
            throw new ArgumentException($"{Component}: {w.Length} weights for {rows.Count} rows; give one weight per row.", nameof(weights));
        if (w.Any(x => !double.IsFinite(x) || x < 0) || w.Sum() <= 0)
            throw new ArgumentException($"{Component}: weights must be finite, non-negative and not all zero.", nameof(weights));
        var total = w.Sum();
        Weights = w.Select(x => x / total).ToArray();
        Values = rows.SelectMany(r => r).ToArray();
    }

    /// <summary>Background rows.</summary>
    public int Rows => Weights.Count;

    /// <summary>Slots per row.</summary>
    public int Size { get; }

    /// <summary>The row weights, normalised to sum to 1.</summary>
    public IReadOnlyList<double> Weights { get; }

    /// <summary>Row-major values.</summary>
    internal float[] Values { get; }

    /// <summary>Row <paramref name="row"/>.</summary>
    public ReadOnlySpan<float> Row(int row) => Values.AsSpan(row * Size, Size);

    /// <summary>The first <paramref name="maxRows"/> rows of <paramref name="data"/>'s feature column, equally weighted.</summary>
    /// <param name="data">The data (usually the training set).</param>
    /// <param name="featureColumnName">A known-size vector of Single column.</param>
    /// <param name="maxRows">At most this many rows are read.</param>
    public static Background FromData(IDataView data, string featureColumnName = "Features", int maxRows = 100)
    {
        if (maxRows < 1)
            throw new ArgumentOutOfRangeException(nameof(maxRows), maxRows, $"{Component}: maxRows must be at least 1.");
        var m = ReadNonEmpty(data, featureColumnName, maxRows);
        return new Background(Enumerable.Range(0, m.Rows).Select(i => m.Row(i).ToArray()).ToArray());
    }

    /// <summary>A seeded uniform sample of <paramref name="rows"/> rows (all rows when there are fewer), equally weighted.</summary>
    /// <param name="data">The data to sample.</param>
    /// <param name="rows">Rows to keep.</param>
    /// <param name="seed">The sampling seed.</param>
    /// <param name="featureColumnName">A known-size vector of Single column.</param>
    public static Background Sample(IDataView data, int rows, int seed, string featureColumnName = "Features")
    {
        if (rows < 1)
            throw new ArgumentOutOfRangeException(nameof(rows), rows, $"{Component}: rows must be at least 1.");
        var m = ReadNonEmpty(data, featureColumnName, int.MaxValue);
        var order = Enumerable.Range(0, m.Rows).ToArray();
        new Random(seed).Shuffle(order);
        return new Background(order.Take(rows).Order().Select(i => m.Row(i).ToArray()).ToArray());
    }

    /// <summary>
    /// <paramref name="clusters"/> centroids of ML.NET's k-means (k-means++ initialisation, seeded),
    /// each weighted by the number of rows assigned to it; each centroid coordinate is then moved to
    /// the nearest value that feature takes in the data, so one-hot and integer features stay valid
    /// inputs (the rule of <c>shap.kmeans</c>).
    /// </summary>
    /// <param name="data">The data to summarise.</param>
    /// <param name="clusters">Number of centroids (10 is usual).</param>
    /// <param name="seed">The k-means seed.</param>
    /// <param name="featureColumnName">A known-size vector of Single column.</param>
    public static Background KMeans(IDataView data, int clusters, int seed, string featureColumnName = "Features")
    {
        if (clusters < 1)
            throw new ArgumentOutOfRangeException(nameof(clusters), clusters, $"{Component}: clusters must be at least 1.");
        var m = ReadNonEmpty(data, featureColumnName, int.MaxValue);
        if (m.Rows <= clusters)
            return new Background(Enumerable.Range(0, m.Rows).Select(i => m.Row(i).ToArray()).ToArray());
        var ml = new MLContext(seed);
        var view = new VectorBatchView("Features", m.Size, [], m.Values, m.Rows);
        var trainer = ml.Clustering.Trainers.KMeans(new KMeansTrainer.Options
        {
            FeatureColumnName = "Features",
            NumberOfClusters = clusters,
            InitializationAlgorithm = KMeansTrainer.InitializationAlgorithm.KMeansPlusPlus,
            NumberOfThreads = 1,
        });
        var model = trainer.Fit(view);
        var centroids = default(VBuffer<float>[]);
        model.Model.GetClusterCentroids(ref centroids, out var k);
        var counts = new double[k];
        using (var cursor = model.Transform(view).GetRowCursor(model.Transform(view).Schema.Where(c => c.Name == "PredictedLabel")))
        {
            var getter = cursor.GetGetter<uint>(cursor.Schema["PredictedLabel"]);
            uint label = 0;
            while (cursor.MoveNext())
            {
                getter(ref label);
                counts[label - 1]++;
            }
        }
        var sorted = Enumerable.Range(0, m.Size).Select(j => Enumerable.Range(0, m.Rows).Select(i => m.Values[i * m.Size + j]).Distinct().Order().ToArray()).ToArray();
        var rows = new List<float[]>();
        var weights = new List<double>();
        for (var c = 0; c < k; c++)
        {
            if (counts[c] == 0)
                continue;
            var centre = centroids![c].DenseValues().ToArray();
            for (var j = 0; j < m.Size; j++)
                centre[j] = Nearest(sorted[j], centre[j]);
            rows.Add(centre);
            weights.Add(counts[c]);
        }
        return new Background(rows, weights);
    }

    private static float Nearest(float[] sorted, float value)
    {
        var i = Array.BinarySearch(sorted, value);
        if (i >= 0)
            return sorted[i];
        i = ~i;
        if (i == 0)
            return sorted[0];
        if (i == sorted.Length)
            return sorted[^1];
        return value - sorted[i - 1] <= sorted[i] - value ? sorted[i - 1] : sorted[i];
    }

    private static FeatureMatrix ReadNonEmpty(IDataView data, string column, int maxRows)
    {
        var m = FeatureMatrix.Read(data, column, Component, "feature", maxRows);
        if (m.Rows == 0)
            throw new ArgumentException($"{Component}: the data has no rows, so there is nothing to build a background from. Pass the training data (or a sample of it).", nameof(data));
        return m;
    }
}
