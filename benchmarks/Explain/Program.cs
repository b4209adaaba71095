// Explanation benchmarks, measured side by side in one run (README in this folder):
//
//   dotnet run -c Release --project benchmarks/Explain            lists the cases
//   dotnet run -c Release --project benchmarks/Explain NAME [args] runs one
//
// Each case is one class implementing IExplainBenchmark in this folder.
using System.Globalization;
using DeepML.Benchmarks;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var cases = typeof(IExplainBenchmark).Assembly.GetTypes()
    .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IExplainBenchmark).IsAssignableFrom(t))
    .Select(t => (IExplainBenchmark)Activator.CreateInstance(t)!)
    .OrderBy(c => c.Name, StringComparer.Ordinal)
    .ToArray();
var chosen = args.Length > 0 ? cases.FirstOrDefault(c => c.Name == args[0]) : null;
if (chosen is null)
{
    Console.WriteLine(args.Length > 0 ? $"unknown case '{args[0]}'; the cases are:" : "cases:");
    foreach (var c in cases)
        Console.WriteLine($"  {c.Name,-14} {c.Summary}");
    return args.Length > 0 ? 2 : 0;
}
chosen.Run(args[1..]);
return 0;
