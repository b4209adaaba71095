using System.CommandLine;

namespace DeepML.Cli.Commands;

/// <summary><c>deepml explain</c>: global feature importance (mean |SHAP value| per original column) of a model on a file, and the SHAP summary plot.</summary>
internal static class ExplainCommand
{
    public static Command Create()
    {
        var model = SharedOptions.Model();
        var dataset = SharedOptions.Dataset("A CSV file with the training columns: its first --rows rows are explained, all its rows form the background.");
        var rows = new Option<int>("--rows") { Description = "How many rows to explain.", DefaultValueFactory = _ => 100 };
        var plot = new Option<string?>("--plot") { Description = "Write the SHAP summary (beeswarm) plot to this PNG file." };
        var seed = new Option<int>("--seed") { Description = "The seed of the permutations and the background.", DefaultValueFactory = _ => 1 };
        var device = SharedOptions.Device();
        var command = new Command("explain", "Explain a model written by deepml train with permutation SHAP, per original column.") { model, dataset, rows, plot, seed, device };
        command.SetAction((result, cancel) => CliHost.Run(console =>
        {
            using var session = ModelSession.Open(result.GetValue(model)!, CliHost.Device(result.GetValue(device)!), result.GetValue(seed));
            var data = session.Read(result.GetValue(dataset)!, requireLabel: false);
            var count = result.GetValue(rows) is var n && n >= 1 ? n : throw new CliException(ExitCodes.Usage, $"--rows must be at least 1, got {n}.");
            var shap = ReportInsights.Explain(session.Ml, session.Info.Task, session.Features, session.Scoring, data, data, count, result.GetValue(seed));
            if (result.GetValue(plot) is { } path)
            {
                AtomicFile.Write(path, shap.SummaryPng, "deepml explain");
                console.Line($"wrote {path}");
            }
            console.Value("method", shap.Method);
            console.Value("rows", shap.Rows);
            foreach (var (feature, value) in shap.Importance)
                console.Value($"importance.{feature}", value);
            return ExitCodes.Success;
        }, cancel));
        return command;
    }
}
