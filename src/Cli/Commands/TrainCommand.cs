using System.CommandLine;
using DeepML.Cli.Data;

namespace DeepML.Cli.Commands;

/// <summary><c>deepml train</c>: the options and their parsing into <see cref="TrainSettings"/>.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var dataset = new Option<string>("--dataset", "-d") { Description = "The training data: a CSV file (.csv or .csv.gz) with a header line.", Required = true };
        var label = new Option<string>("--label", "-l") { Description = "The column to predict.", Required = true };
        var task = new Option<string>("--task") { Description = "binary, multiclass, regression or auto (from the label's values).", DefaultValueFactory = _ => "auto" };
        var time = new Option<int>("--time", "-t") { Description = "The search budget in seconds (the default FastTree always runs; a network trial is cut at the budget).", DefaultValueFactory = _ => 300 };
        var output = new Option<string>("--output", "-o") { Description = "The folder for model.zip, model.onnx, Predict.cs and report.html.", DefaultValueFactory = _ => "deepml-output" };
        var sensitive = new Option<string[]>("--sensitive") { Description = "Sensitive column(s) for the fairness section of the report.", AllowMultipleArgumentsPerToken = true };
        var ignore = new Option<string[]>("--ignore") { Description = "Columns not to use as features (identifiers, leaks).", AllowMultipleArgumentsPerToken = true };
        var only = new Option<string[]>("--features") { Description = "Use only these columns as features (default: every column that is not ignored).", AllowMultipleArgumentsPerToken = true };
        var device = new Option<string>("--device") { Description = "cpu or cuda:N, for training and scoring DeepML networks.", DefaultValueFactory = _ => "cpu" };
        var testDataset = new Option<string?>("--test-dataset") { Description = "A separate test file with the same columns; otherwise --test-fraction of the rows is held out." };
        var testFraction = new Option<double>("--test-fraction") { Description = "The share of rows held out for the test split.", DefaultValueFactory = _ => 0.2 };
        var positive = new Option<string?>("--positive-class") { Description = "Binary: the label value that counts as positive (default 1 / true / yes, else the rarer value)." };
        var seed = new Option<int>("--seed") { Description = "The seed of every random choice.", DefaultValueFactory = _ => 1 };
        var header = new Option<bool?>("--has-header") { Description = "Whether the first line names the columns (default: detected)." };
        var separator = new Option<string?>("--separator") { Description = "The field separator (default: detected among , ; tab | space); 'tab' for a tab." };
        var crossValidation = new Option<int>("--cross-validation-rows") { Description = "Below this many training rows, candidates are scored by 5-fold cross-validation instead of one held-out split; 0 never.", DefaultValueFactory = _ => Training.Selection.CrossValidationRows };
        var explainRows = new Option<int>("--explain-rows") { Description = "Test rows explained with SHAP for the report; 0 skips explanations.", DefaultValueFactory = _ => 100 };

        var command = new Command("train", "Train DeepML networks against FastTree and LightGBM within a time budget; write the best model, its ONNX file, a C# snippet and an HTML report.")
        {
            dataset, label, task, time, output, sensitive, ignore, only, device, testDataset, testFraction, positive, seed, header, separator, crossValidation, explainRows,
        };
        command.SetAction((result, cancel) => CliHost.Run(console => TrainRun.Execute(new TrainSettings
        {
            Dataset = result.GetValue(dataset)!,
            Label = result.GetValue(label)!,
            Task = TaskDescription.ParseTask(result.GetValue(task)!),
            Budget = TimeSpan.FromSeconds(Positive(result.GetValue(time), "--time", "a positive number of seconds")),
            Output = result.GetValue(output)!,
            Sensitive = result.GetValue(sensitive) ?? [],
            Ignore = result.GetValue(ignore) ?? [],
            Features = result.GetValue(only) ?? [],
            Device = CliHost.Device(result.GetValue(device)!),
            TestDataset = result.GetValue(testDataset),
            TestFraction = result.GetValue(testFraction) is var f && f > 0 && f < 1 ? f
                : throw new CliException(ExitCodes.Usage, $"--test-fraction must be between 0 and 1 (exclusive), got {f}."),
            PositiveClass = result.GetValue(positive),
            Seed = result.GetValue(seed),
            HasHeader = result.GetValue(header),
            Separator = CliHost.Separator(result.GetValue(separator)),
            CrossValidationRows = result.GetValue(crossValidation) is var cv && cv >= 0 ? cv
                : throw new CliException(ExitCodes.Usage, $"--cross-validation-rows must be 0 or more, got {cv}."),
            ExplainRows = result.GetValue(explainRows) is var n && n >= 0 ? n
                : throw new CliException(ExitCodes.Usage, $"--explain-rows must be 0 or more, got {n}."),
        }, console, cancel), cancel));
        return command;
    }

    private static int Positive(int value, string option, string what) =>
        value > 0 ? value : throw new CliException(ExitCodes.Usage, $"{option} must be {what}, got {value}.");
}
