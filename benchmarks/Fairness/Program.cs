// Side-by-side benchmark of DeepML.Fairness group metrics against a naive LINQ group-by, one run:
//   dotnet run -c Release --project benchmarks/Fairness [-- rows resamples]
// Targets (issue 5): 20 quantities over 1,000,000 rows and two sensitive columns ≤ 1 s;
// with 200 bootstrap resamples ≤ 20 s on 2 cores.
using System.Diagnostics;
using DeepML;
using DeepML.Fairness;
using DeepML.Fairness.Benchmarks;
using Microsoft.ML;

var rows = args.Length > 0 ? int.Parse(args[0]) : 1_000_000;
var resamples = args.Length > 1 ? int.Parse(args[1]) : 200;
var naiveResamples = args.Length > 2 ? int.Parse(args[2]) : 5;
Console.WriteLine($"rows: {rows}, sensitive columns: 2 (Sex × Race = 10 groups), cores: {Environment.ProcessorCount}");

var data = BenchRow.Generate(rows, seed: 1);
var ml = new MLContext(1);
var view = ml.Data.LoadFromEnumerable(data);
var options = new GroupMetricsOptions { SensitiveColumnNames = ["Sex", "Race"], Seed = 3 };

// Warm up both paths (JIT), then take the median of three runs.
var deepml = ml.DeepML().Fairness.Evaluate(view, options);
var naive = NaiveLinq.Evaluate(data);
var maxDiff = NaiveLinq.Metrics.Max(m => Math.Max(Math.Abs(deepml[m].Difference() - naive[m].Difference), Math.Abs(deepml[m].Ratio() - naive[m].Ratio)));
Console.WriteLine($"check: max |DeepML − LINQ| over the 20 quantities = {maxDiff:E2}");

var tDeep = Median(() => ml.DeepML().Fairness.Evaluate(view, options));
var tNaive = Median(() => NaiveLinq.Evaluate(data));
Console.WriteLine($"{"",-34}{"DeepML",12}{"naive LINQ",14}{"ratio",10}");
Console.WriteLine($"{"metrics, 1 pass (s)",-34}{tDeep,12:F3}{tNaive,14:F3}{tNaive / tDeep,9:F1}x");

var watch = Stopwatch.StartNew();
var boot = ml.DeepML().Fairness.Evaluate(view, new GroupMetricsOptions { SensitiveColumnNames = ["Sex", "Race"], Seed = 3, BootstrapResamples = resamples });
var tBoot = watch.Elapsed.TotalSeconds;
watch.Restart();
NaiveLinq.Bootstrap(data, naiveResamples, 3);
var tNaiveBoot = watch.Elapsed.TotalSeconds / naiveResamples * resamples;
Console.WriteLine($"{$"metrics + {resamples} bootstrap (s)",-34}{tBoot,12:F3}{tNaiveBoot,14:F1}{tNaiveBoot / tBoot,9:F1}x   (LINQ: {naiveResamples} resamples timed, scaled to {resamples})");
var dp = boot.MeasureInterval(FairnessMeasureNames.DemographicParityDifference)!.Value;
Console.WriteLine($"DP difference {boot.Measure(FairnessMeasureNames.DemographicParityDifference):F4}, 95% CI [{dp.Lower:F4}, {dp.Upper:F4}]");
Console.WriteLine($"metrics_seconds: {tDeep:F3}");
Console.WriteLine($"metrics_naive_seconds: {tNaive:F3}");
Console.WriteLine($"metrics_speedup: {tNaive / tDeep:F1}");
Console.WriteLine($"bootstrap_{resamples}_seconds: {tBoot:F3}");
Console.WriteLine($"bootstrap_naive_seconds_extrapolated: {tNaiveBoot:F1}");
Console.WriteLine($"bootstrap_speedup: {tNaiveBoot / tBoot:F1}");
Console.WriteLine($"target_metrics_1s: {(tDeep <= 1 ? "met" : "missed")}");
Console.WriteLine($"target_bootstrap_20s: {(tBoot <= 20 ? "met" : "missed")}");

static double Median(Action run)
{
    var times = new double[3];
    for (var i = 0; i < times.Length; i++)
    {
        var w = Stopwatch.StartNew();
        run();
        times[i] = w.Elapsed.TotalSeconds;
    }
    Array.Sort(times);
    return times[1];
}
