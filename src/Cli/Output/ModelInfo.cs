using System.Text.Json;
using DeepML.Cli.Data;

namespace DeepML.Cli.Output;

/// <summary>
/// What <c>deepml train</c> knows about a model beyond the zip, written beside it as
/// <c>&lt;model&gt;.deepml.json</c>: the CSV layout and column kinds (so <c>evaluate</c> and
/// <c>predict</c> read new files the same way), the task and the label's classes.
/// </summary>
/// <param name="FormatVersion">1.</param>
/// <param name="Schema">The training file's layout and inferred columns.</param>
/// <param name="Task">The task and label mapping.</param>
/// <param name="BestModel">The chosen trial's family and settings.</param>
/// <param name="Seed">The run's seed.</param>
internal sealed record ModelInfo(int FormatVersion, DatasetSchema Schema, TaskDescription Task, string BestModel, int Seed)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static string PathFor(string modelPath) => Path.ChangeExtension(modelPath, null) + ".deepml.json";

    public void Save(string modelPath) =>
        AtomicFile.Write(PathFor(modelPath), JsonSerializer.SerializeToUtf8Bytes(this, Json), "deepml");

    public static ModelInfo Load(string modelPath)
    {
        if (!File.Exists(modelPath))
            throw new CliException(ExitCodes.BadInput, $"--model: file '{Path.GetFullPath(modelPath)}' does not exist. Give the model.zip written by deepml train.");
        var path = PathFor(modelPath);
        if (!File.Exists(path))
            throw new CliException(ExitCodes.BadInput, $"--model: '{modelPath}' has no '{Path.GetFileName(path)}' beside it. deepml train writes both; keep them together.");
        try
        {
            var info = JsonSerializer.Deserialize<ModelInfo>(File.ReadAllBytes(path), Json) ?? throw new JsonException("empty document");
            return info.FormatVersion == 1 ? info
                : throw new CliException(ExitCodes.BadInput, $"--model: '{path}' has format version {info.FormatVersion}; this deepml reads version 1. Use the deepml version that trained the model.");
        }
        catch (JsonException e)
        {
            throw new CliException(ExitCodes.BadInput, $"--model: '{path}' is not a valid model description ({e.Message}). Retrain, or restore the file written by deepml train.", e);
        }
    }
}
