// DeepML's inference service: serves a model zip over HTTP with micro-batching and hot reload.
//   dotnet run --project examples/Service -c Release -- --train-adult model.zip    (train the Adult MLP, then serve it)
//   dotnet run --project examples/Service -c Release -- --model model.zip          (serve an existing model)
// Any configuration key can be given as --DeepML:BatchWindowMs=0 and so on (README.md lists them).
using System.Globalization;
using DeepML.Examples.Service;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var (trainPath, modelPath, trainOnly, rest) = ParseArguments(args);
if (trainPath is not null)
{
    if (!File.Exists(trainPath) || trainOnly)
        AdultModel.Train(trainPath, new AdultTraining(), new Progress<string>(m => Console.WriteLine($"train: {m}")));
    modelPath ??= trainPath;
    if (trainOnly)
        return;
}
if (modelPath is not null)
    rest = [.. rest, $"--{ServiceApp.Section}:ModelPath={Path.GetFullPath(modelPath)}"];
ServiceApp.Build(rest).Run();

static (string? Train, string? Model, bool TrainOnly, string[] Others) ParseArguments(string[] args)
{
    string? train = null, model = null;
    var trainOnly = false;
    var rest = new List<string>();
    for (var i = 0; i < args.Length; i++)
    {
        switch (args[i])
        {
            case "--train-adult" when i + 1 < args.Length:
                train = args[++i];
                break;
            case "--model" when i + 1 < args.Length:
                model = args[++i];
                break;
            case "--train-only":
                trainOnly = true;
                break;
            default:
                rest.Add(args[i]);
                break;
        }
    }
    return (train, model, trainOnly, rest.ToArray());
}

/// <summary>The entry point, public so that tests can host it with WebApplicationFactory.</summary>
public partial class Program;
