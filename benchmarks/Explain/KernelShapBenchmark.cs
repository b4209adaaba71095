using System.Diagnostics;
using DeepML.Explainability;
using Microsoft.ML;

namespace DeepML.Benchmarks;

/// <summary>
/// KernelSHAP on FastTree (Adult, 12 columns, 10 weighted k-means centroids): DeepML's batched model calls beside the
/// same estimator calling the model once per coalition (what a row-at-a-time port of shap's loop does), and the
/// model's own scoring rate as the floor (model rows/s an explanation achieves ÷ rows/s of scoring alone).
/// </summary>
internal sealed class KernelShapBenchmark : IExplainBenchmark
{
    public string Name => "kernelshap";

    public string Summary => "KernelSHAP batched vs one model call per coalition vs scoring alone, FastTree on Adult";

    public void Run(string[] args)
    {
        var rows = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 100;
        var ml = new MLContext(seed: 1);
        var (train, test, model) = AdultTrees.Load(ml);
        var background = Background.KMeans(train, 10, seed: 3);
        var options = new KernelShapOptions { Seed = 5 };
        var batched = ml.DeepML().Explainability.KernelShap(model, train, options, background);
        // One coalition per call: the model sees background-size batches, as a loop over coalitions would give it.
        var perCoalition = ml.DeepML().Explainability.KernelShap(model, train, options with { MaxModelRows = background.Rows }, background);
        var coalitions = 2 * 12 + 2048;
        double Seconds(ShapleyExplainer e, int count)
        {
            e.Explain(test, 2); // warm-up
            var watch = Stopwatch.StartNew();
            e.Explain(test, count);
            return watch.Elapsed.TotalSeconds;
        }
        var fast = rows / Seconds(batched, rows);
        var slowRows = Math.Max(2, rows / 10);
        var slow = slowRows / Seconds(perCoalition, slowRows);
        // Scoring alone: the same number of model rows in one view.
        var modelRowsPerExplainedRow = (double)coalitions * background.Rows;
        var big = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 200_000).Select(i => new AdultTrees.Row { Features = background.Row(i % background.Rows).ToArray() }));
        var watch = Stopwatch.StartNew();
        var scored = model.Transform(big);
        var score = scored.Schema["Score"];
        using (var cursor = scored.GetRowCursor([score]))
        {
            var getter = cursor.GetGetter<float>(score);
            var v = 0f;
            while (cursor.MoveNext())
                getter(ref v);
        }
        var scoringRowsPerSecond = 200_000 / watch.Elapsed.TotalSeconds;
        Console.WriteLine($"KernelSHAP, {coalitions} coalitions × {background.Rows} background rows = {modelRowsPerExplainedRow:N0} model rows per explained row");
        Console.WriteLine($"  {"method",-44} {"rows/s",10} {"model rows/s",14} {"vs scoring",11}");
        foreach (var (name, rate) in new[] { ("batched (DeepML, 65,536 model rows a call)", fast), ("one call per coalition (10 rows a call)", slow) })
            Console.WriteLine($"  {name,-44} {rate,10:F2} {rate * modelRowsPerExplainedRow,14:N0} {rate * modelRowsPerExplainedRow / scoringRowsPerSecond,11:P1}");
        Console.WriteLine($"  {"scoring alone (model.Transform, 200,000 rows)",-44} {"",10} {scoringRowsPerSecond,14:N0} {1,11:P1}");
        Console.WriteLine($"kernelshap_rows_per_second: {fast:F2}");
        Console.WriteLine($"kernelshap_per_coalition_rows_per_second: {slow:F2}");
        Console.WriteLine($"kernelshap_batched_speedup: {fast / slow:F2}");
        Console.WriteLine($"kernelshap_share_of_scoring_rate: {fast * modelRowsPerExplainedRow / scoringRowsPerSecond:F3}");
    }
}
