using DeepML.Cli.Data;
using DeepML.Cli.Featurization;
using DeepML.Cli.Output;
using DeepML.Cli.Training;
using DeepML.Explainability;
using DeepML.Fairness;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML.Cli.Commands;

/// <summary>The report's explanations (permutation SHAP per original column) and fairness table, shared by train, explain and fairness.</summary>
internal static class ReportInsights
{
    /// <summary>What the report shows beyond metrics.</summary>
    public sealed record Result(
        (string Method, IReadOnlyList<(string Feature, double Value)> Features)? Importance,
        byte[]? ShapSummary,
        (GroupMetrics Metrics, IReadOnlyList<byte[]> Charts)? Fairness);

    public static Result Compute(MLContext ml, TrainSettings s, TaskDescription task, FeaturePipeline features, TrainedModel best,
        IDataView train, IDataView test, CliConsole console)
    {
        (string, IReadOnlyList<(string, double)>)? importance = null;
        byte[]? summary = null;
        if (s.ExplainRows > 0)
        {
            console.Line($"explaining {s.ExplainRows} test rows with permutation SHAP (per original column)");
            var shap = Explain(ml, task, features, best.Fitted, train, test, s.ExplainRows, s.Seed);
            importance = (shap.Method, shap.Importance);
            summary = shap.SummaryPng;
            console.Line($"explained {shap.Rows} test rows with {shap.Method}: top features {string.Join(", ", shap.Importance.Take(5).Select(f => $"{f.Feature} {f.Value:F4}"))}");
        }
        var fairness = s.Sensitive.Count == 0 ? ((GroupMetrics, IReadOnlyList<byte[]>)?)null : Fairness(ml, task, best.Fitted.Transform(test), s.Sensitive);
        return new Result(importance, summary, fairness);
    }

    /// <summary>Background rows sampled from the training data for the explanations.</summary>
    public const int BackgroundRows = 25;

    /// <summary>Global importance from permutation SHAP, the rows explained and the summary plot.</summary>
    public sealed record Shap(string Method, int Rows, IReadOnlyList<(string Feature, double Value)> Importance, byte[] SummaryPng);

    public static Shap Explain(MLContext ml, TaskDescription task, FeaturePipeline features, ITransformer model, IDataView background, IDataView data, int rows, int seed)
    {
        var chain = ((IEnumerable<ITransformer>)model).ToArray();
        var featurizer = new TransformerChain<ITransformer>(chain[..^1]);
        var predictor = chain[^1];
        var featurizedBackground = featurizer.Transform(background);
        var featurized = featurizer.Transform(data);
        var grouping = FeatureGrouping.Custom(features.SlotGroups(featurized.Schema));
        var outputs = task.Task == TaskKind.Multiclass
            ? Enumerable.Range(0, Math.Min(task.Classes.Count, 10)).Select(ExplainedOutput.Class).ToArray()
            : [ExplainedOutput.Score];
        var perClassRows = task.Task == TaskKind.Multiclass ? Math.Max(10, rows / outputs.Length) : rows;
        // Real rows as the background, not k-means centroids: a centroid averages rows into values no row has (a capital
        // gain between the usual 0 and the rare 99,999), where tree ensembles answer arbitrarily.
        var reference = Background.Sample(featurizedBackground, BackgroundRows, seed, FeaturePipeline.FeatureColumn);
        Attributions? first = null;
        var totals = new Dictionary<string, double>();
        foreach (var output in outputs)
        {
            var explainer = ml.DeepML().Explainability.PermutationShap(predictor, featurizedBackground,
                new PermutationShapOptions { Grouping = grouping, Output = output, Seed = seed, FeatureColumnName = FeaturePipeline.FeatureColumn }, reference);
            var attributions = explainer.Explain(featurized, perClassRows);
            first ??= attributions;
            foreach (var f in attributions.GlobalImportance().Features)
                totals[f.Feature] = totals.GetValueOrDefault(f.Feature) + f.MeanAbsoluteAttribution;
        }
        var ranked = totals.OrderByDescending(p => p.Value).Select(p => (p.Key, p.Value)).ToList();
        var method = (task.Task == TaskKind.Multiclass ? $"permutation SHAP, summed over {outputs.Length} classes' scores" : "permutation SHAP of the score")
            + $", against {BackgroundRows} training rows sampled as the background";
        return new Shap(method, first!.RowCount, ranked, SummaryPng(first, featurized, features));
    }

    /// <summary>The beeswarm, coloured by each single-slot feature's value (categorical groups are grey).</summary>
    private static byte[] SummaryPng(Attributions attributions, IDataView featurized, FeaturePipeline features)
    {
        var values = FeatureValues(attributions.FeatureNames, attributions.RowCount, featurized, features);
        var path = Path.Combine(Path.GetTempPath(), $"deepml-shap-{Guid.NewGuid():N}.png");
        try
        {
            attributions.SaveSummaryPlot(path, values);
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Per explained row, each feature group's value when the group is one slot (a number), NaN otherwise: the summary plot's colours.</summary>
    internal static double[][] FeatureValues(IReadOnlyList<string> names, int rows, IDataView featurized, FeaturePipeline features)
    {
        var groups = features.SlotGroups(featurized.Schema);
        // GetColumn reuses one VBuffer's arrays from row to row: each row is copied out before the next is read.
        return featurized.GetColumn<VBuffer<float>>(FeaturePipeline.FeatureColumn).Take(rows).Select(v =>
        {
            var dense = v.DenseValues().ToArray();
            return names.Select(name => groups[name] is [var slot] ? dense[slot] : double.NaN).ToArray();
        }).ToArray();
    }

    public static (GroupMetrics, IReadOnlyList<byte[]>) Fairness(MLContext ml, TaskDescription task, IDataView scored, IReadOnlyList<string> sensitive)
    {
        var fairness = ml.DeepML().Fairness;
        var metrics = task.Task switch
        {
            TaskKind.Binary => fairness.EvaluateBinaryClassification(scored, sensitive, LabelPreparation.Column),
            TaskKind.Multiclass => fairness.EvaluateMulticlassClassification(scored, sensitive, LabelPreparation.Column),
            _ => fairness.EvaluateRegression(scored, sensitive, LabelPreparation.Column),
        };
        var folder = Directory.CreateTempSubdirectory("deepml-fairness-").FullName;
        try
        {
            return (metrics, metrics.SaveBarCharts(folder).Select(File.ReadAllBytes).ToArray());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
