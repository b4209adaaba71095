using System.Diagnostics;
using System.Globalization;
using DeepML;
using DeepML.StreamingProbe;
using Microsoft.ML;
using Microsoft.ML.Data;

// StreamingProbe MODE ROWS EPOCHS: trains a small MLP on ROWS generated rows (GeneratedRows, 32 features) with
// Streaming.Mode = MODE (Auto or Never; AutoUnknownCount: Auto on a view that hides its row count) and prints
// "name: value" lines. Exit 0 when training finished, 3 when Fit threw.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var hideCount = args[0] == "AutoUnknownCount";
var mode = hideCount ? StreamingMode.Auto : Enum.Parse<StreamingMode>(args[0]);
var rows = long.Parse(args[1], CultureInfo.InvariantCulture);
var epochs = int.Parse(args[2], CultureInfo.InvariantCulture);
const int freshRows = 20_000;

long peak = 0;
using var sampling = new CancellationTokenSource();
var sampler = new Thread(() =>
{
    while (!sampling.IsCancellationRequested)
    {
        peak = Math.Max(peak, GC.GetTotalMemory(false));
        Thread.Sleep(10);
    }
}) { IsBackground = true };
sampler.Start();

Console.WriteLine($"rows: {rows}");
Console.WriteLine($"data bytes: {rows * GeneratedRows.Features * 4L}");
Console.WriteLine($"gc heap limit: {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes}");
var ml = new MLContext(seed: 1);
var trainer = ml.DeepML().BinaryClassification.NeuralNetwork(new NeuralNetworkOptions
{
    Network = Networks.Mlp([16]),
    Epochs = epochs,
    BatchSize = 256,
    LearningRate = 3e-3,
    ValidationFraction = 0.05,
    Seed = 7,
    NumberOfThreads = 1,
    Streaming = new StreamingOptions { Mode = mode },
});
var clock = Stopwatch.StartNew();
NetworkScoringTransformer model;
try
{
    model = trainer.Fit(new GeneratedRows(rows, seed: 1, reportsCount: !hideCount));
}
catch (Exception e)
{
    Console.WriteLine($"error type: {e.GetType().Name}");
    Console.WriteLine($"error: {e.Message.ReplaceLineEndings(" ")}");
    return 3;
}
Console.WriteLine($"fit seconds: {clock.Elapsed.TotalSeconds:F1}");
Console.WriteLine($"streamed: {(trainer.LastTraining!.Streamed ? "true" : "false")}");
Console.WriteLine($"epochs: {trainer.LastTraining.EpochsRun}");

// Fresh rows (another seed): the learned model's AUC against the true logistic model's, on the same rows.
var fresh = new GeneratedRows(freshRows, seed: 2);
var truth = new double[freshRows];
var labels = new bool[freshRows];
var x = new float[GeneratedRows.Features];
for (var r = 0; r < freshRows; r++)
    fresh.Row(r, x, out labels[r], out truth[r]);
var scores = new double[freshRows];
using (var cursor = model.Transform(fresh).GetRowCursor(model.Transform(fresh).Schema.Where(c => c.Name == "Score")))
{
    var scored = cursor.Schema["Score"];
    var get = cursor.GetGetter<float>(scored);
    var s = 0f;
    for (var r = 0; cursor.MoveNext(); r++)
    {
        get(ref s);
        scores[r] = s;
    }
}
model.Dispose();
sampling.Cancel();
sampler.Join();
Console.WriteLine($"test auc: {MannWhitney.Auc(scores, labels).ToString("F4", CultureInfo.InvariantCulture)}");
Console.WriteLine($"true auc: {MannWhitney.Auc(truth, labels).ToString("F4", CultureInfo.InvariantCulture)}");
Console.WriteLine($"peak gc heap: {peak}");
return 0;
