using System.CommandLine;

namespace DeepML.Cli.Commands;

/// <summary><c>deepml export-onnx</c>: the DeepML network of a saved model as an ONNX file (input "features" [N, F]).</summary>
internal static class ExportOnnxCommand
{
    public static Command Create()
    {
        var model = SharedOptions.Model();
        var output = new Option<string>("--output", "-o") { Description = "The ONNX file to write.", Required = true };
        var command = new Command("export-onnx", "Write the DeepML network of a model written by deepml train as an ONNX file.") { model, output };
        command.SetAction((result, cancel) => CliHost.Run(console =>
        {
            using var session = ModelSession.Open(result.GetValue(model)!, "cpu");
            var network = ArtifactWriter.Network(session.Model) ?? throw new CliException(ExitCodes.BadInput,
                $"--model: '{result.GetValue(model)}' holds no DeepML network (its model is {session.Info.BestModel}); DeepML exports its own networks to ONNX. " +
                "The training run's model.onnx holds its best network, or retrain and choose a network.");
            var path = result.GetValue(output)!;
            AtomicFile.Write(path, network.ExportOnnx(), "deepml export-onnx");
            console.Value("onnx", path);
            console.Value("inputs", network.Model.InputSize);
            return ExitCodes.Success;
        }, cancel));
        return command;
    }
}
