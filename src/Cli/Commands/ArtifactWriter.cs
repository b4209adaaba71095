using System.Text;
using DeepML.Cli.Data;
using DeepML.Cli.Output;
using DeepML.Cli.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML.Cli.Commands;

/// <summary>Writes what <c>deepml train</c> leaves behind: model.zip (+ model.deepml.json), model.onnx, Predict.cs.</summary>
internal static class ArtifactWriter
{
    /// <summary>The files written.</summary>
    /// <param name="Model">The model zip.</param>
    /// <param name="Onnx">The ONNX file, or null when no network was trained.</param>
    /// <param name="OnnxTrial">The trial whose network the ONNX file holds.</param>
    /// <param name="Files">Every file written.</param>
    public sealed record Result(string Model, string? Onnx, int? OnnxTrial, IReadOnlyList<string> Files);

    public static Result Write(MLContext ml, TrainSettings s, DatasetSchema schema, TaskDescription task, ModelSearch search, DataViewSchema inputSchema, IDataView test)
    {
        Directory.CreateDirectory(s.Output);
        var best = search.Best!;
        var files = new List<string>();
        var modelPath = Path.Combine(s.Output, "model.zip");
        SaveZip(ml, ForSaving(ml, task, best.Fitted, test), inputSchema, modelPath);
        files.Add(modelPath);
        new ModelInfo(1, schema, task, $"{best.Trial.Family}: {best.Trial.Description}", s.Seed).Save(modelPath);
        files.Add(ModelInfo.PathFor(modelPath));

        string? onnx = null;
        if (search.BestNetwork is { } network && Network(network.Fitted) is { } scorer)
        {
            onnx = Path.Combine(s.Output, "model.onnx");
            AtomicFile.Write(onnx, scorer.ExportOnnx(), "deepml");
            files.Add(onnx);
        }
        var snippet = Path.Combine(s.Output, "Predict.cs");
        AtomicFile.Write(snippet, Encoding.UTF8.GetBytes(CodeSnippet.For(schema, task, "model.zip")), "deepml");
        files.Add(snippet);
        return new Result(modelPath, onnx, search.BestNetwork?.Trial.Number, files);
    }

    /// <summary>Multiclass models get PredictedLabel mapped back to the class names.</summary>
    public static ITransformer ForSaving(MLContext ml, TaskDescription task, ITransformer model, IDataView sample)
    {
        if (task.Task != TaskKind.Multiclass)
            return model;
        var names = ml.Transforms.Conversion.MapKeyToValue("PredictedLabel").Fit(model.Transform(sample));
        return new TransformerChain<ITransformer>(model, names);
    }

    /// <summary>ml.Model.Save into a temporary file, then moved into place: a crash never leaves half a zip.</summary>
    public static void SaveZip(MLContext ml, ITransformer model, DataViewSchema inputSchema, string path)
    {
        var temporary = path + ".tmp";
        ml.Model.Save(model, inputSchema, temporary);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The DeepML network step of a fitted or loaded pipeline, if it has one.</summary>
    public static NetworkScoringTransformer? Network(ITransformer model) => model switch
    {
        NetworkScoringTransformer n => n,
        IEnumerable<ITransformer> chain => chain.Select(Network).LastOrDefault(n => n is not null),
        _ => null,
    };
}
