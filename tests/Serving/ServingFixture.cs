using System.Text;
using System.Text.Json;
using DeepML.Examples;
using DeepML.Examples.Service;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML.Serving.Tests;

/// <summary>
/// Two small real models trained once per test run (the Adult MLP pipeline on 2,000 rows: different
/// seeds and widths, so their scores differ), saved as model zips, plus test rows and their scores
/// computed directly with the loaded transformer (the second path the service is checked against).
/// </summary>
public sealed class ServingFixture : IDisposable
{
    public ServingFixture()
    {
        Folder = Directory.CreateTempSubdirectory("deepml-serving-tests-").FullName;
        ModelA = Path.Combine(Folder, "a.zip");
        ModelB = Path.Combine(Folder, "b.zip");
        AdultModel.Train(ModelA, new AdultTraining(Rows: 2000, Epochs: 2, Hidden: [16], Seed: 1));
        AdultModel.Train(ModelB, new AdultTraining(Rows: 2000, Epochs: 2, Hidden: [8], Seed: 2));
        Rows = AdultDataset.LoadTest().Take(64).ToArray();
        ExpectedA = Direct(ModelA, Rows);
        ExpectedB = Direct(ModelB, Rows);
    }

    public string Folder { get; }

    public string ModelA { get; }

    public string ModelB { get; }

    public IReadOnlyList<AdultRow> Rows { get; }

    public IReadOnlyList<Scores> ExpectedA { get; }

    public IReadOnlyList<Scores> ExpectedB { get; }

    /// <summary>A fresh copy of a model in its own folder, for a test that rewrites the file.</summary>
    public string Copy(string model)
    {
        var folder = Directory.CreateDirectory(Path.Combine(Folder, Guid.NewGuid().ToString("N"))).FullName;
        var path = Path.Combine(folder, "model.zip");
        File.Copy(model, path);
        return path;
    }

    /// <summary>Replaces <paramref name="path"/> atomically with <paramref name="source"/>'s bytes (temporary file + rename), as a deployment should.</summary>
    public static void Swap(string path, string source)
    {
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.Copy(source, temporary);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The JSON of rows as a client sends them: every AdultRow property, Label included (the service ignores it).</summary>
    public static string Json(IEnumerable<AdultRow> rows) => JsonSerializer.Serialize(rows.ToArray());

    public static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>Scores with the loaded transformer directly: ml.DeepML().Model.Load, LoadFromEnumerable, Transform.</summary>
    public static Scores[] Direct(string modelPath, IReadOnlyList<AdultRow> rows)
    {
        var ml = new MLContext(seed: 5);
        var model = ml.DeepML().Model.Load(modelPath, out _, new ScoringOptions { Device = "cpu" });
        try
        {
            var scored = model.Transform(ml.Data.LoadFromEnumerable(rows));
            var score = scored.GetColumn<float>("Score").ToArray();
            var probability = scored.GetColumn<float>("Probability").ToArray();
            var label = scored.GetColumn<bool>("PredictedLabel").ToArray();
            return score.Select((s, i) => new Scores(s, probability[i], label[i])).ToArray();
        }
        finally
        {
            (model as IDisposable)?.Dispose();
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>One row's scores.</summary>
public sealed record Scores(float Score, float Probability, bool PredictedLabel);

[CollectionDefinition(Name)]
public sealed class ServingCollection : ICollectionFixture<ServingFixture>
{
    public const string Name = "Serving models";
}
