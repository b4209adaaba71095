namespace DeepML.Benchmarks;

/// <summary>
/// One side-by-side explanation benchmark: a class per case in this folder, found by reflection,
/// run as <c>dotnet run -c Release --project benchmarks/Explain NAME [args]</c>.
/// </summary>
internal interface IExplainBenchmark
{
    /// <summary>The first command-line word that selects this case.</summary>
    string Name { get; }

    /// <summary>One line for the list printed without arguments.</summary>
    string Summary { get; }

    /// <summary>Runs the case; prints a table and ends with <c>name: value</c> lines.</summary>
    void Run(string[] args);
}
