using System.CommandLine;
using DeepML.Cli.Training;

namespace DeepML.Cli.Commands;

/// <summary><c>deepml evaluate</c>: the task's metrics of a trained model on a labelled file, as <c>name: value</c> lines.</summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var model = SharedOptions.Model();
        var dataset = SharedOptions.Dataset("A labelled CSV file with the training columns.");
        var device = SharedOptions.Device();
        var command = new Command("evaluate", "Evaluate a model written by deepml train on a labelled CSV file.") { model, dataset, device };
        command.SetAction((result, cancel) => CliHost.Run(console =>
        {
            using var session = ModelSession.Open(result.GetValue(model)!, CliHost.Device(result.GetValue(device)!));
            var data = session.ReadLabeled(result.GetValue(dataset)!);
            var evaluation = TaskMetrics.Evaluate(session.Ml, session.Info.Task, session.Scoring.Transform(data));
            console.Value("rows", evaluation.Binary.Count > 0 ? evaluation.Binary.Count : Data.LabelPreparation.Count(data));
            foreach (var (name, value) in evaluation.Metrics)
                console.Value(name, value);
            return ExitCodes.Success;
        }, cancel));
        return command;
    }
}
