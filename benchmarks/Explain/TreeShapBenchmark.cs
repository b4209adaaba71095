using System.Diagnostics;
using DeepML.Explainability;
using Microsoft.ML;

namespace DeepML.Benchmarks;

/// <summary>
/// TreeSHAP rows/s on FastTree (100 trees, 20 leaves, Adult test split) beside what an ML.NET user has —
/// <c>CalculateFeatureContribution</c> (not Shapley values: its contributions do not add up) — and beside the
/// engine's floor, scoring the same rows with the model alone.
/// </summary>
internal sealed class TreeShapBenchmark : IExplainBenchmark
{
    public string Name => "treeshap";

    public string Summary => "TreeSHAP vs ML.NET's CalculateFeatureContribution vs scoring alone, FastTree on Adult";

    public void Run(string[] args)
    {
        var ml = new MLContext(seed: 1);
        var (train, test, model) = AdultTrees.Load(ml);
        var rows = (int)(test.GetRowCount() ?? 0);
        double Rate(Action run)
        {
            run(); // warm-up
            var best = double.MaxValue;
            for (var i = 0; i < 3; i++)
            {
                var watch = Stopwatch.StartNew();
                run();
                best = Math.Min(best, watch.Elapsed.TotalSeconds);
            }
            return rows / best;
        }
        var pathDependent = ml.DeepML().Explainability.TreeShap(model, train);
        var interventional = ml.DeepML().Explainability.TreeShap(model, train, new TreeShapOptions { Perturbation = TreePerturbation.Interventional });
        var contributions = ml.Transforms.CalculateFeatureContribution(model, numberOfPositiveContributions: 12, numberOfNegativeContributions: 12).Fit(test);
        var treeShap = Rate(() => pathDependent.Explain(test));
        var intervene = Rate(() => interventional.Explain(test));
        var mlnet = Rate(() => Drain(contributions.Transform(model.Transform(test)), "FeatureContributions"));
        var scoring = Rate(() => Drain(model.Transform(test), "Score"));
        Console.WriteLine($"{rows} rows, {Environment.ProcessorCount} cores");
        Console.WriteLine($"  {"method",-56} {"rows/s",12} {"vs scoring",11}");
        foreach (var (name, rate) in new[]
        {
            ("TreeSHAP, path-dependent (DeepML)", treeShap), ("TreeSHAP, interventional, 100 background rows (DeepML)", intervene),
            ("CalculateFeatureContribution (ML.NET, not SHAP)", mlnet), ("scoring alone (model.Transform)", scoring),
        })
            Console.WriteLine($"  {name,-56} {rate,12:N0} {rate / scoring,11:P1}");
        Console.WriteLine($"treeshap_rows_per_second: {treeShap:F0}");
        Console.WriteLine($"treeshap_interventional_rows_per_second: {intervene:F0}");
        Console.WriteLine($"feature_contribution_rows_per_second: {mlnet:F0}");
        Console.WriteLine($"scoring_rows_per_second: {scoring:F0}");
        Console.WriteLine($"treeshap_vs_feature_contribution: {treeShap / mlnet:F3}");
    }

    private static void Drain(IDataView data, string column)
    {
        var col = data.Schema[column];
        using var cursor = data.GetRowCursor([col]);
        if (col.Type is Microsoft.ML.Data.VectorDataViewType)
        {
            var getter = cursor.GetGetter<Microsoft.ML.Data.VBuffer<float>>(col);
            var v = default(Microsoft.ML.Data.VBuffer<float>);
            while (cursor.MoveNext())
                getter(ref v);
        }
        else
        {
            var getter = cursor.GetGetter<float>(col);
            var v = 0f;
            while (cursor.MoveNext())
                getter(ref v);
        }
    }
}
