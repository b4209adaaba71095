// deepml: train, evaluate, predict, explain, audit and export DeepML models from the command line.
using System.CommandLine;
using System.Globalization;
using DeepML.Cli;
using DeepML.Cli.Commands;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var root = new RootCommand($"DeepML: deep networks, tree ensembles, explanations and fairness for ML.NET, from the command line. {ExitCodes.Help}")
{
    TrainCommand.Create(),
    EvaluateCommand.Create(),
    PredictCommand.Create(),
    ExplainCommand.Create(),
    FairnessCommand.Create(),
    ExportOnnxCommand.Create(),
};
var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    // System.CommandLine answers 1; scripts get 2 for a wrong command line (ExitCodes.Usage), 1 stays "unexpected failure".
    foreach (var error in parsed.Errors)
        Console.Error.WriteLine($"error: {error.Message}");
    Console.Error.WriteLine($"Run 'deepml {parsed.CommandResult.Command.Name} --help' for the options.".Replace("deepml deepml", "deepml"));
    return ExitCodes.Usage;
}
return await parsed.InvokeAsync();
