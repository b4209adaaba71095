using System.CommandLine;
using System.Globalization;
using System.Text;
using DeepML.Cli.Data;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML.Cli.Commands;

/// <summary>
/// <c>deepml predict</c>: CSV in, CSV out. Rows stream through the model's cursor (DeepML networks score
/// in batches through ONNX Runtime), and the output has one line per input row, in order: the predicted
/// label, then the probability (binary) or one score per class (multiclass), or the score (regression).
/// </summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var model = SharedOptions.Model();
        var dataset = SharedOptions.Dataset("A CSV file with the training columns (the label may be absent).");
        var output = new Option<string>("--output", "-o") { Description = "The CSV file to write.", Required = true };
        var device = SharedOptions.Device();
        var command = new Command("predict", "Score a CSV file with a model written by deepml train; writes one prediction per row.") { model, dataset, output, device };
        command.SetAction((result, cancel) => CliHost.Run(console =>
        {
            using var session = ModelSession.Open(result.GetValue(model)!, CliHost.Device(result.GetValue(device)!));
            var scored = session.Model.Transform(session.Read(result.GetValue(dataset)!, requireLabel: false));
            var path = result.GetValue(output)!;
            var rows = Write(scored, session.Info.Task, path, cancel);
            console.Value("rows", rows);
            console.Value("output", path);
            return ExitCodes.Success;
        }, cancel));
        return command;
    }

    /// <summary>Writes the predictions to a temporary file, moved into place when complete.</summary>
    public static long Write(IDataView scored, TaskDescription task, string path, CancellationToken cancel)
    {
        var temporary = path + ".tmp";
        long rows = 0;
        using (var writer = new StreamWriter(temporary, append: false, new UTF8Encoding(false)))
        {
            var score = scored.Schema["Score"];
            var classes = task.Task == TaskKind.Multiclass ? task.Classes : [];
            writer.WriteLine(task.Task switch
            {
                TaskKind.Binary => "PredictedLabel,Probability,Score",
                TaskKind.Multiclass => "PredictedLabel," + string.Join(",", classes.Select(c => Quote($"Score.{c}"))),
                _ => "Score",
            });
            var columns = task.Task == TaskKind.Regression ? [score] : new[] { score, scored.Schema["PredictedLabel"] }.Concat(task.Task == TaskKind.Binary ? [scored.Schema["Probability"]] : []).ToArray();
            using var cursor = scored.GetRowCursor(columns);
            var line = new StringBuilder();
            switch (task.Task)
            {
                case TaskKind.Binary:
                {
                    var label = cursor.GetGetter<bool>(scored.Schema["PredictedLabel"]);
                    var probability = cursor.GetGetter<float>(scored.Schema["Probability"]);
                    var raw = cursor.GetGetter<float>(score);
                    bool l = false;
                    float p = 0, s = 0;
                    while (cursor.MoveNext())
                    {
                        label(ref l); probability(ref p); raw(ref s);
                        writer.WriteLine($"{Quote(l ? task.PositiveClass! : task.Classes[0])},{F(p)},{F(s)}");
                        if (++rows % 4096 == 0) cancel.ThrowIfCancellationRequested();
                    }
                    break;
                }
                case TaskKind.Multiclass:
                {
                    var label = cursor.GetGetter<ReadOnlyMemory<char>>(scored.Schema["PredictedLabel"]);
                    var scores = cursor.GetGetter<VBuffer<float>>(score);
                    ReadOnlyMemory<char> l = default;
                    VBuffer<float> v = default;
                    while (cursor.MoveNext())
                    {
                        label(ref l); scores(ref v);
                        line.Clear().Append(Quote(l.ToString()));
                        foreach (var x in v.DenseValues())
                            line.Append(',').Append(F(x));
                        writer.WriteLine(line);
                        if (++rows % 4096 == 0) cancel.ThrowIfCancellationRequested();
                    }
                    break;
                }
                default:
                {
                    var raw = cursor.GetGetter<float>(score);
                    float s = 0;
                    while (cursor.MoveNext())
                    {
                        raw(ref s);
                        writer.WriteLine(F(s));
                        if (++rows % 4096 == 0) cancel.ThrowIfCancellationRequested();
                    }
                    break;
                }
            }
        }
        File.Move(temporary, path, overwrite: true);
        return rows;
    }

    private static string F(float x) => x.ToString("R", CultureInfo.InvariantCulture);

    private static string Quote(string text) => text.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{text.Replace("\"", "\"\"")}\"" : text;
}
