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
/// <see cref="FeatureColumn"/>. Networks also get the features standardised (mean 0, variance 1).
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

    /// <summary>The estimator; <paramref name="standardize"/> for networks (trees do not need it).</summary>
    public IEstimator<ITransformer> Build(MLContext ml, bool standardize)
    {
        IEstimator<ITransformer> chain = new EstimatorChain<ITransformer>();
        var numeric = Of(ColumnKind.Numeric);
        if (numeric.Length > 0)
            chain = chain.Append(ml.Transforms.ReplaceMissingValues(Pairs(numeric), MissingValueReplacingEstimator.ReplacementMode.Mean));
        var categorical = Of(ColumnKind.Categorical);
        if (categorical.Length > 0)
            chain = chain.Append(ml.Transforms.Categorical.OneHotEncoding(Pairs(categorical)));
        var hashed = Of(ColumnKind.HashedCategorical);
        if (hashed.Length > 0)
            chain = chain.Append(ml.Transforms.Categorical.OneHotHashEncoding(Pairs(hashed), numberOfBits: HashBits));
        foreach (var text in Of(ColumnKind.Text))
            chain = chain.Append(ml.Transforms.Text.FeaturizeText(FeatureName(text), TextOptions, text));
        var parts = Columns.Select(c => FeatureName(c.Name)).ToArray();
        chain = chain.Append(ml.Transforms.Concatenate(FeatureColumn, parts));
        return standardize ? chain.Append(ml.Transforms.NormalizeMeanVariance(FeatureColumn)) : chain;
    }

    /// <summary>Which slots of <see cref="FeatureColumn"/> each source column fills, read from featurised data: explanations per original column.</summary>
    public Dictionary<string, int[]> SlotGroups(DataViewSchema featurized)
    {
        var groups = new Dictionary<string, int[]>(StringComparer.Ordinal);
        var offset = 0;
        foreach (var column in Columns)
        {
            var size = featurized[FeatureName(column.Name)].Type is VectorDataViewType v ? v.Size : 1;
            groups[column.Name] = Enumerable.Range(offset, size).ToArray();
            offset += size;
        }
        return groups;
    }

    /// <summary>Word unigrams and bigrams, L2-normalised; no character n-grams, which multiply the width by thousands.</summary>
    private static TextFeaturizingEstimator.Options TextOptions => new()
    {
        CharFeatureExtractor = null,
        WordFeatureExtractor = new WordBagEstimator.Options { NgramLength = 2, UseAllLengths = true },
    };

    private string[] Of(ColumnKind kind) => [.. Columns.Where(c => c.Kind == kind).Select(c => c.Name)];

    private static InputOutputColumnPair[] Pairs(string[] names) => [.. names.Select(n => new InputOutputColumnPair(FeatureName(n), n))];
}
