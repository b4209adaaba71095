using DeepML.Augmentation;
using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace DeepML;

/// <summary>
/// Rebalancing verbs on <c>ml.DeepML().Augmentation</c>: random over- and under-sampling, SMOTE,
/// Borderline-SMOTE and SMOTE-NC for imbalanced classification data, before any ML.NET trainer.
/// </summary>
/// <remarks>
/// <para><b>A training-time data verb, not an estimator.</b> Each method reads the training data once,
/// computes the resampled rows and returns them as a <see cref="RebalancedData"/> (an in-memory
/// <see cref="IDataView"/> with a <see cref="RebalanceReport"/>), like ML.NET's own
/// <c>ml.Data.BootstrapSample</c> and <c>ml.Data.ShuffleRows</c>. Scoring data is never resampled because
/// rebalancing is never part of the fitted model: fit the features on the training data, rebalance the
/// featurized training rows, fit the trainer on them, and score test data with the features and the trainer
/// only.</para>
/// <para><b>Input.</b> The label is a key (from <c>MapValueToKey</c>) or a Boolean; the SMOTE family also reads a
/// known-size vector of Single without NaN (from <c>Concatenate</c>). No rows, a label of another type, or a
/// class too small for <c>KNeighbors</c> fail with a message naming the column or option.</para>
/// <para><b>Columns kept.</b> Random over- and under-sampling copy whole rows, so every visible column is kept.
/// The SMOTE family makes new rows whose other columns have no true value (an interpolated row has no
/// identifier, no raw text and no source columns that match its features), so its output has the label and
/// the feature column only, with their types and annotations (key values, slot names).</para>
/// <para><b>Rows.</b> Over-samplers return every input row in input order, then the added rows class by class;
/// under-sampling returns the kept rows in input order. Shuffle before order-sensitive trainers.</para>
/// <para><b>Determinism.</b> All draws come from one <see cref="Random"/> seeded by the options' <c>Seed</c>, else by
/// the <see cref="MLContext"/> (<c>new MLContext(seed: 1)</c> gives the same rows every run; each call on one
/// context draws a new seed from it, as ML.NET's own components do). Neighbour searches are exact (brute force,
/// O(n²) per class) and run on all CPU cores. Nothing is exported to ONNX or run on a GPU: the verbs are not
/// part of any fitted model.</para>
/// </remarks>
public static class RebalanceCatalogExtensions
{
    /// <summary>Random over-sampling (imbalanced-learn's <c>RandomOverSampler</c>): rows of the smaller classes drawn again, with replacement, until every class has the majority count.</summary>
    /// <param name="catalog">The augmentation catalog.</param>
    /// <param name="data">The training data.</param>
    /// <param name="labelColumnName">The label column (key or Boolean).</param>
    /// <param name="seed">The seed; null derives one from the context.</param>
    /// <example><code>
    /// var balanced = ml.DeepML().Augmentation.RandomOverSample(train);
    /// Console.WriteLine(balanced.Report);
    /// </code></example>
    public static RebalancedData RandomOverSample(this DeepMLCatalog.AugmentationCatalog catalog, IDataView data,
        string labelColumnName = "Label", int? seed = null) =>
        catalog.RandomOverSample(data, new RandomOverSamplingOptions { LabelColumnName = labelColumnName, Seed = seed });

    /// <summary>Random over-sampling with explicit options (a target per class, a ratio).</summary>
    /// <param name="catalog">The augmentation catalog.</param>
    /// <param name="data">The training data.</param>
    /// <param name="options">The options.</param>
    /// <param name="cancellationToken">Stops the work between rows.</param>
    public static RebalancedData RandomOverSample(this DeepMLCatalog.AugmentationCatalog catalog, IDataView data,
        RandomOverSamplingOptions options, CancellationToken cancellationToken = default) =>
        Run(catalog, data, options, "RandomOverSample", null, cancellationToken, (rows, _, random, _) =>
            (RandomSampling.OverSample(rows, options.Strategy.Targets("RandomOverSample", rows.Classes, rows.Counts, over: true), random), null));

    /// <summary>Random under-sampling (imbalanced-learn's <c>RandomUnderSampler</c>): rows of the larger classes dropped at random, without replacement, until every class has the minority count.</summary>
    /// <param name="catalog">The augmentation catalog.</param>
    /// <param name="data">The training data.</param>
    /// <param name="labelColumnName">The label column (key or Boolean).</param>
    /// <param name="seed">The seed; null derives one from the context.</param>
    public static RebalancedData RandomUnderSample(this DeepMLCatalog.AugmentationCatalog catalog, IDataView data,
        string labelColumnName = "Label", int? seed = null) =>
        catalog.RandomUnderSample(data, new RandomUnderSamplingOptions { LabelColumnName = labelColumnName, Seed = seed });

    /// <summary>Random under-sampling with explicit options (a target per class, a ratio).</summary>
    /// <param name="catalog">The augmentation catalog.</param>
    /// <param name="data">The training data.</param>
    /// <param name="options">The options.</param>
    /// <param name="cancellationToken">Stops the work between rows.</param>
    public static RebalancedData RandomUnderSample(this DeepMLCatalog.AugmentationCatalog catalog, IDataView data,
        RandomUnderSamplingOptions options, CancellationToken cancellationToken = default) =>
        Run(catalog, data, options, "RandomUnderSample", null, cancellationToken, (rows, _, random, _) =>
            (RandomSampling.UnderSample(rows, options.Strategy.Targets("RandomUnderSample", rows.Classes, rows.Counts, over: false), random), null));

    /// <summary>SMOTE (Chawla et al. 2002): synthetic rows x + u·(x_nn − x) between a row and one of its k nearest same-class rows, until every class has the majority count.</summary>
    /// <param name="catalog">The augmentation catalog.</param>
    /// <param name="data">The training data (featurized).</param>
    /// <param name="labelColumnName">The label column (key or Boolean).</param>
    /// <param name="featureColumnName">The feature column (known-size vector of Single).</param>
    /// <param name="kNeighbors">Same-class neighbours to interpolate towards (default 5).</param>
    /// <param name="seed">The seed; null derives one from the context.</param>
    /// <example><code>
    /// var features = ml.Transforms.Concatenate("Features", numeric).Fit(train);
    /// var balanced = ml.DeepML().Augmentation.Smote(features.Transform(train));
    /// var trainer = ml.BinaryClassification.Trainers.FastTree().Fit(balanced);
    /// var metrics = ml.BinaryClassification.Evaluate(trainer.Transform(features.Transform(test)));
    /// </code></example>
    public static RebalancedData Smote(this DeepMLCatalog.AugmentationCatalog catalog, IDataView data,
        string labelColumnName = "Label", string featureColumnName = "Features", int kNeighbors = 5, int? seed = null) =>
        catalog.Smote(data, new SmoteOptions { LabelColumnName = labelColumnName, FeatureColumnName = featureColumnName, KNeighbors = kNeighbors, Seed = seed });

    /// <summary>SMOTE with explicit options.</summary>
    /// <param name="catalog">The augmentation catalog.</param>
    /// <param name="data">The training data (featurized).</param>
    /// <param name="options">The options.</param>
    /// <param name="cancellationToken">Stops the work between rows.</param>
    public static RebalancedData Smote(this DeepMLCatalog.AugmentationCatalog catalog, IDataView data,
        SmoteOptions options, CancellationToken cancellationToken = default) =>
        Run(catalog, data, options, "Smote", options.FeatureColumnName, cancellationToken, (rows, _, random, _) =>
        {
            var toAdd = Targets(rows, options, "Smote");
            var synthetic = new List<float[]>();
            var x = rows.Features!;
            var origins = SyntheticSampling.Smote(rows, toAdd, options.KNeighbors, random, synthetic,
                (a, b) => NearestNeighbours.SquaredDistance(x[a], x[b]), null, cancellationToken);
            return (origins, synthetic);
        });

    /// <summary>Borderline-SMOTE, kind borderline-1 (Han et al. 2005): SMOTE seeded only by the rows in DANGER (of their m nearest rows, at least half but not all are of another class).</summary>
    /// <param name="catalog">The augmentation catalog.</param>
    /// <param name="data">The training data (featurized).</param>
    /// <param name="labelColumnName">The label column (key or Boolean).</param>
    /// <param name="featureColumnName">The feature column (known-size vector of Single).</param>
    /// <param name="kNeighbors">Same-class neighbours to interpolate towards (default 5).</param>
    /// <param name="mNeighbors">Neighbours of any class that decide DANGER (default 10).</param>
    /// <param name="seed">The seed; null derives one from the context.</param>
    public static RebalancedData BorderlineSmote(this DeepMLCatalog.AugmentationCatalog catalog, IDataView data,
        string labelColumnName = "Label", string featureColumnName = "Features", int kNeighbors = 5, int mNeighbors = 10, int? seed = null) =>
        catalog.BorderlineSmote(data, new BorderlineSmoteOptions
        {
            LabelColumnName = labelColumnName, FeatureColumnName = featureColumnName, KNeighbors = kNeighbors, MNeighbors = mNeighbors, Seed = seed,
        });

    /// <summary>Borderline-SMOTE (borderline-1) with explicit options. A class with no row in danger gets no rows (the report shows it).</summary>
    /// <param name="catalog">The augmentation catalog.</param>
    /// <param name="data">The training data (featurized).</param>
    /// <param name="options">The options.</param>
    /// <param name="cancellationToken">Stops the work between rows.</param>
    public static RebalancedData BorderlineSmote(this DeepMLCatalog.AugmentationCatalog catalog, IDataView data,
        BorderlineSmoteOptions options, CancellationToken cancellationToken = default) =>
        Run(catalog, data, options, "BorderlineSmote", options.FeatureColumnName, cancellationToken, (rows, _, random, log) =>
        {
            var toAdd = Targets(rows, options, "BorderlineSmote");
            if (options.MNeighbors > rows.Rows - 1)
                throw new ArgumentException($"BorderlineSmote: MNeighbors = {options.MNeighbors}, but the input has only {rows.Rows} rows, so a row has at most {rows.Rows - 1} neighbours. Set MNeighbors to at most {rows.Rows - 1}.", nameof(BorderlineSmoteOptions.MNeighbors));
            var synthetic = new List<float[]>();
            var origins = SyntheticSampling.Borderline(rows, toAdd, options.KNeighbors, options.MNeighbors, random, synthetic, log, cancellationToken);
            return (origins, synthetic);
        });

    /// <summary>SMOTE-NC: SMOTE for features with one-hot categorical groups; numeric slots are interpolated and each group takes the neighbours' most frequent category.</summary>
    /// <param name="catalog">The augmentation catalog.</param>
    /// <param name="data">The training data (featurized).</param>
    /// <param name="categoricalColumnNames">The one-hot columns concatenated into the features (see <see cref="SmoteNcOptions.CategoricalColumnNames"/>).</param>
    /// <param name="labelColumnName">The label column (key or Boolean).</param>
    /// <param name="featureColumnName">The feature column (known-size vector of Single, with slot names).</param>
    /// <param name="kNeighbors">Same-class neighbours (default 5).</param>
    /// <param name="seed">The seed; null derives one from the context.</param>
    public static RebalancedData SmoteNc(this DeepMLCatalog.AugmentationCatalog catalog, IDataView data, IReadOnlyList<string> categoricalColumnNames,
        string labelColumnName = "Label", string featureColumnName = "Features", int kNeighbors = 5, int? seed = null) =>
        catalog.SmoteNc(data, new SmoteNcOptions
        {
            CategoricalColumnNames = categoricalColumnNames, LabelColumnName = labelColumnName, FeatureColumnName = featureColumnName, KNeighbors = kNeighbors, Seed = seed,
        });

    /// <summary>SMOTE-NC with explicit options (distance and categorical rule: see <see cref="SmoteNcOptions"/>).</summary>
    /// <param name="catalog">The augmentation catalog.</param>
    /// <param name="data">The training data (featurized).</param>
    /// <param name="options">The options.</param>
    /// <param name="cancellationToken">Stops the work between rows.</param>
    public static RebalancedData SmoteNc(this DeepMLCatalog.AugmentationCatalog catalog, IDataView data,
        SmoteNcOptions options, CancellationToken cancellationToken = default) =>
        Run(catalog, data, options, "SmoteNc", options.FeatureColumnName, cancellationToken, (rows, schema, random, log) =>
        {
            if (options.CategoricalColumnNames.Count == 0)
                throw new ArgumentException("SmoteNc: CategoricalColumnNames is empty; list the one-hot columns concatenated into the features (use Smote when there are none).", nameof(SmoteNcOptions.CategoricalColumnNames));
            var toAdd = Targets(rows, options, "SmoteNc");
            var encoding = SmoteNcEncoding.Create("SmoteNc", schema[options.FeatureColumnName], options.CategoricalColumnNames, rows);
            log.Info(MessageSensitivity.None, $"SmoteNc: {encoding.Groups.Count} categorical groups; median standard deviation of the numeric slots (minority class) {encoding.MedianStd:G6}.");
            var synthetic = new List<float[]>();
            var origins = SyntheticSampling.Smote(rows, toAdd, options.KNeighbors, random, synthetic, encoding.SquaredDistance, encoding.Finish, cancellationToken);
            return (origins, synthetic);
        });

    private delegate (List<RowOrigin> Origins, List<float[]>? Synthetic) Sampler(LabelledRows rows, DataViewSchema schema, Random random, IChannel log);

    private static long[] Targets(LabelledRows rows, SyntheticSamplingOptions options, string component)
    {
        var toAdd = SyntheticSampling.ToAdd(rows, options.Strategy.Targets(component, rows.Classes, rows.Counts, over: true));
        SyntheticSampling.CheckNeighbours(component, nameof(options.KNeighbors), rows, toAdd, options.KNeighbors);
        return toAdd;
    }

    private static RebalancedData Run(DeepMLCatalog.AugmentationCatalog catalog, IDataView data, RebalanceOptions options, string component,
        string? featureColumnName, CancellationToken cancellation, Sampler sample)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        cancellation.ThrowIfCancellationRequested();
        var host = ((IHostEnvironment)catalog.Context).Register(component);
        var seed = options.Seed ?? host.Rand.Next();
        using var log = host.Start(component);
        var rows = LabelledRows.Read(data, component, options.LabelColumnName, featureColumnName, keepAll: featureColumnName is null, cancellation);
        cancellation.ThrowIfCancellationRequested();
        var (origins, synthetic) = sample(rows, data.Schema, new Random(seed), log);
        var seeds = origins.Select(o => o.Seed).ToArray();
        var columns = rows.Columns.Select(c => c.Name == featureColumnName ? Features(rows, c, origins, synthetic!) : c.Take(seeds)).ToArray();
        var after = new long[rows.Classes.Length];
        foreach (var s in seeds)
            after[rows.ClassOfRow[s]]++;
        var report = new RebalanceReport(component, seed, rows.Classes, rows.Counts, after);
        log.Info(MessageSensitivity.None, report.ToString());
        return new RebalancedData(columns, report, origins);
    }

    private static StoredColumn Features(LabelledRows rows, StoredColumn column, List<RowOrigin> origins, List<float[]> synthetic)
    {
        var output = new List<float[]>(origins.Count);
        var next = 0;
        foreach (var origin in origins)
            output.Add(origin.IsSynthetic ? synthetic[next++] : rows.Features![origin.Seed]);
        return VectorColumn<float>.FromRows(column.Name, column.Type, column.Annotations, output);
    }
}
