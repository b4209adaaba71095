using System.CommandLine;
using DeepML.Fairness;

namespace DeepML.Cli.Commands;

/// <summary><c>deepml fairness</c>: group metrics and disparity measures of a model's predictions on a labelled file.</summary>
internal static class FairnessCommand
{
    public static Command Create()
    {
        var model = SharedOptions.Model();
        var dataset = SharedOptions.Dataset("A labelled CSV file with the training columns and the sensitive column(s).");
        var sensitive = new Option<string[]>("--sensitive") { Description = "The sensitive column(s) whose groups are compared.", Required = true, AllowMultipleArgumentsPerToken = true };
        var device = SharedOptions.Device();
        var command = new Command("fairness", "Fairness metrics by group of a model written by deepml train.") { model, dataset, sensitive, device };
        command.SetAction((result, cancel) => CliHost.Run(console =>
        {
            using var session = ModelSession.Open(result.GetValue(model)!, CliHost.Device(result.GetValue(device)!));
            var columns = result.GetValue(sensitive)!;
            var data = session.ReadLabeled(result.GetValue(dataset)!);
            foreach (var column in columns)
            {
                if (data.Schema.GetColumnOrNull(column) is null)
                    throw new CliException(ExitCodes.BadInput, $"--sensitive: the data has no column '{column}'. Its columns are: {string.Join(", ", session.Info.Schema.Columns.Select(c => c.Name))}.");
            }
            var (metrics, _) = ReportInsights.Fairness(session.Ml, session.Info.Task, session.Scoring.Transform(data), columns);
            console.Writer.WriteLine(metrics.ToTable());
            foreach (var name in metrics.MeasureNames)
                console.Value(name, metrics.Measure(name));
            return ExitCodes.Success;
        }, cancel));
        return command;
    }
}
