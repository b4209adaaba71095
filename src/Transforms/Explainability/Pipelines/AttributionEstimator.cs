using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace DeepML.Explainability;

/// <summary>Options of <see cref="AttributionEstimator"/>, validated when set.</summary>
public sealed record AttributionOptions
{
    /// <summary>The default attribution column.</summary>
    public const string DefaultOutputColumnName = "Attributions";

    private readonly string _output = DefaultOutputColumnName;
    private readonly int _batchSize = 256;

    /// <summary>The attribution column (a base-value column named with <see cref="AttributionTransformer.BaseValueSuffix"/> comes with it).</summary>
    public string OutputColumnName
    {
        get => _output;
        init { Check(value, _batchSize); _output = value; }
    }

    /// <summary>Rows per explainer call; at least 1 (default 256).</summary>
    public int BatchSize
    {
        get => _batchSize;
        init { Check(_output, value); _batchSize = value; }
    }

    internal static void Check(string outputColumnName, int batchSize)
    {
        if (string.IsNullOrWhiteSpace(outputColumnName))
            throw new ArgumentException($"{AttributionTransformer.Component}: OutputColumnName must be a column name, got '{outputColumnName}'.", nameof(OutputColumnName));
        if (batchSize < 1)
            throw new ArgumentException($"{AttributionTransformer.Component}: BatchSize must be at least 1, got {batchSize}.", nameof(BatchSize));
    }
}

/// <summary>
/// The estimator of <see cref="AttributionTransformer"/>: it learns nothing from the rows it is fitted on
/// (the explainer was built already, with its background), so <see cref="Fit"/> only checks the schema —
/// as ML.NET's <c>CalculateFeatureContribution</c> does for its predictor.
/// </summary>
public sealed class AttributionEstimator : IEstimator<AttributionTransformer>
{
    private readonly IHostEnvironment _env;

    internal AttributionEstimator(IHostEnvironment env, IVectorExplainer explainer, AttributionOptions options)
    {
        _env = env ?? throw new ArgumentNullException(nameof(env));
        Explainer = explainer ?? throw new ArgumentNullException(nameof(explainer));
        Options = options ?? throw new ArgumentNullException(nameof(options));
    }

    /// <summary>The explainer the transformer will run.</summary>
    public IVectorExplainer Explainer { get; }

    /// <summary>The options.</summary>
    public AttributionOptions Options { get; }

    /// <inheritdoc />
    public AttributionTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var transformer = new AttributionTransformer(_env, Explainer, Options.OutputColumnName, Options.BatchSize);
        transformer.FeatureColumn(input.Schema);
        return transformer;
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var column = ColumnChecks.Find(inputSchema, AttributionTransformer.Component, "feature", Explainer.FeatureColumnName);
        ColumnChecks.RequireFloatVector(column, AttributionTransformer.Component, "feature");
        return SchemaShapes.With(inputSchema,
        [
            SchemaShapes.Column(Options.OutputColumnName, new Microsoft.ML.Data.VectorDataViewType(Microsoft.ML.Data.NumberDataViewType.Single, Explainer.FeatureNames.Count)),
            SchemaShapes.Column(Options.OutputColumnName + AttributionTransformer.BaseValueSuffix, Microsoft.ML.Data.NumberDataViewType.Single),
        ]);
    }

    /// <inheritdoc />
    public override string ToString() => $"{nameof(AttributionEstimator)}({Explainer.Method}, {Explainer.FeatureColumnName} → {Options.OutputColumnName}, batch {Options.BatchSize})";
}
