using DeepML.Cli.Data;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using Microsoft.ML.Transforms.Text;

namespace DeepML.Cli.Featurization;

/// <summary>
/// The featurisation <c>deepml train</c> builds from the inferred columns, in ML.NET's own
/// transforms (so it is saved in the model zip and scores anywhere ML.NET runs): numeric columns with
/// missing values replaced by the mean, categorical columns one-hot encoded (an unseen category is
/// all zeros), many-valued ones hashed into 2^8 slots, free text as word uni- and bigrams; all concatenated into
/// <see cref="FeatureColumn"/>. Networks also get log(1 + x) of heavy-tailed amounts, quantile bins of each
/// numeric column one-hot, and every slot scaled to a unit second moment (see <see cref="Build"/>).
/// </summary>
internal sealed class FeaturePipeline
{
    /// <summary>Slots of a hashed column: 2^8.</summary>
    public const int HashBits = 8;

    /// <summary>The concatenated feature vector the trainers read.</summary>
    public const string FeatureColumn = "Features";

    private FeaturePipeline(IReadOnlyList<InferredColumn> columns) => Columns = columns;

    /// <summary>The featurised column made from <paramref name="column"/>: a new name, so the original column stays in scored data (fairness groups read it).</summary>
    public static string FeatureName(string column) => "__deepml_feature:" + column;

    /// <summary>The feature columns, in the order their slots appear in <see cref="FeatureColumn"/>.</summary>
    public IReadOnlyList<InferredColumn> Columns { get; }

    public static FeaturePipeline For(DatasetSchema schema)
    {
        var features = schema.Features.ToList();
        if (features.Count == 0)
            throw new CliException(ExitCodes.BadInput, "--dataset: no column can be a feature: " +
                string.Join("; ", schema.Columns.Select(c => $"'{c.Name}' is {c.Reason}")) + ". Give a file with at least one numeric or categorical column besides the label.");
        return new FeaturePipeline(features);
    }

    /// <summary>Quantile bins of a numeric column that networks also get, one-hot (a piecewise-constant encoding, Gorishniy et al. 2022).</summary>
    public const int NumericBins = 16;

    /// <summary>The one-hot bins of numeric column <paramref name="column"/> (networks only).</summary>
    public static string BinName(string column) => "__deepml_bins:" + column;

    /// <summary>
    /// The estimator; <paramref name="forNetwork"/> adds what networks need and trees do not: a heavy-tailed
    /// non-negative numeric column (max &gt; 100 × mean) becomes log(1 + x), every numeric column also gets
    /// <see cref="NumericBins"/> quantile bins one-hot, and every slot is scaled by ML.NET's NormalizeMeanVariance
    /// (with its default fixZero: x / sqrt(E[x²]), so zeros stay zero and one-hot slots stay sparse).
    /// </summary>
    public IEstimator<ITransformer> Build(MLContext ml, bool forNetwork)
    {
        IEstimator<ITransformer> chain = new EstimatorChain<ITransformer>();
        var numeric = Of(ColumnKind.Numeric);
        if (numeric.Length > 0)
            chain = chain.Append(ml.Transforms.ReplaceMissingValues(Pairs(numeric), MissingValueReplacingEstimator.ReplacementMode.Mean));
        if (forNetwork && numeric.Length > 0)
        {
            foreach (var column in Columns.Where(c => c.Kind == ColumnKind.Numeric && HeavyTailed(c)))
                chain = chain.Append(ml.Transforms.Expression(FeatureName(column.Name), "x => log(x + 1)", FeatureName(column.Name)));
            chain = chain.Append(ml.Transforms.NormalizeBinning([.. numeric.Select(n => new InputOutputColumnPair(BinName(n), FeatureName(n)))], maximumBinCount: NumericBins))
                .Append(ml.Transforms.Categorical.OneHotEncoding([.. numeric.Select(n => new InputOutputColumnPair(BinName(n), BinName(n)))]));
        }
        var categorical = Of(ColumnKind.Categorical);
        if (categorical.Length > 0)
            chain = chain.Append(ml.Transforms.Categorical.OneHotEncoding(Pairs(categorical)));
        var hashed = Of(ColumnKind.HashedCategorical);
        if (hashed.Length > 0)
            chain = chain.Append(ml.Transforms.Categorical.OneHotHashEncoding(Pairs(hashed), numberOfBits: HashBits));
        foreach (var text in Of(ColumnKind.Text))
            chain = chain.Append(ml.Transforms.Text.FeaturizeText(FeatureName(text), TextOptions, text));
        chain = chain.Append(ml.Transforms.Concatenate(FeatureColumn, [.. Columns.SelectMany(c => Parts(c, forNetwork))]));
        return forNetwork ? chain.Append(ml.Transforms.NormalizeMeanVariance(FeatureColumn)) : chain;
    }

    /// <summary>Which slots of <see cref="FeatureColumn"/> each source column fills, read from featurised data: explanations per original column.</summary>
    public Dictionary<string, int[]> SlotGroups(DataViewSchema featurized)
    {
        var forNetwork = Columns.Any(c => featurized.GetColumnOrNull(BinName(c.Name)) is not null);
        var groups = new Dictionary<string, int[]>(StringComparer.Ordinal);
        var offset = 0;
        foreach (var column in Columns)
        {
            var size = Parts(column, forNetwork).Sum(part => featurized[part].Type is VectorDataViewType v ? v.Size : 1);
            groups[column.Name] = Enumerable.Range(offset, size).ToArray();
            offset += size;
        }
        return groups;
    }

    /// <summary>The featurised columns made from <paramref name="column"/>, in concatenation order (a column's slots stay together).</summary>
    private static IEnumerable<string> Parts(InferredColumn column, bool forNetwork) =>
        forNetwork && column.Kind == ColumnKind.Numeric ? [FeatureName(column.Name), BinName(column.Name)] : [FeatureName(column.Name)];

    /// <summary>Non-negative with a maximum over 100 times the mean: amounts such as capital gains, counts with rare huge values.</summary>
    private static bool HeavyTailed(InferredColumn column) =>
        column.Numbers is { } n && n.Min >= 0 && n.Mean > 0 && n.Max > 100 * n.Mean;

    /// <summary>Word unigrams and bigrams, L2-normalised; no character n-grams, which multiply the width by thousands.</summary>
    private static TextFeaturizingEstimator.Options TextOptions => new()
    {
        CharFeatureExtractor = null,
        WordFeatureExtractor = new WordBagEstimator.Options { NgramLength = 2, UseAllLengths = true },
    };

    private string[] Of(ColumnKind kind) => [.. Columns.Where(c => c.Kind == kind).Select(c => c.Name)];

    private static InputOutputColumnPair[] Pairs(string[] names) => [.. names.Select(n => new InputOutputColumnPair(FeatureName(n), n))];
}
