// Serving a DeepML model: train the Adult income network, export it to ONNX, score the test split
// in bulk, score single rows with a PredictionEngine, save the whole pipeline with ml.Model.Save,
// load it back with plain ML.NET (a fresh MLContext) and with ml.DeepML().Model.Load, and check
// that all three give the same predictions.
using System.Diagnostics;
using System.Globalization;
using DeepML;
using DeepML.Examples;
using Microsoft.ML;
using Microsoft.ML.Data;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var folder = Directory.CreateTempSubdirectory("deepml-serving-").FullName;
var ml = new MLContext(seed: 1);
var train = ml.Data.LoadFromEnumerable(AdultDataset.LoadTrain());
var testRows = AdultDataset.LoadTest();
var test = ml.Data.LoadFromEnumerable(testRows);

// 1. Train: the feature pipeline plus the DeepML network, in one ML.NET pipeline.
var timer = Stopwatch.StartNew();
var options = new NeuralNetworkOptions
{
    Network = Networks.Mlp([128, 64], dropout: 0.2),
    Optimizer = OptimizerKind.AdamW,
    Epochs = 8,
    BatchSize = 256,
    ValidationFraction = 0.1,
    EarlyStoppingPatience = 3,
    NumberOfThreads = 1, // small network: see NeuralNetworkOptions.NumberOfThreads
};
var model = AdultDataset.Features(ml).Append(ml.DeepML().BinaryClassification.NeuralNetwork(options)).Fit(train);
var network = model.LastTransformer;
Print("train_seconds", timer.Elapsed.TotalSeconds, "F1");
Print("test_auc", ml.BinaryClassification.Evaluate(model.Transform(test)).AreaUnderRocCurve, "F4");

// 2. Export the network alone to ONNX (input "features" [N, F], outputs "logits" and "probability").
var onnxPath = Path.Combine(folder, "adult.onnx");
network.SaveOnnx(onnxPath);
Print("onnx_bytes", new FileInfo(onnxPath).Length, "N0");
Print("onnx_inputs", network.Model.InputSize, "N0");

// 3. Bulk scoring of the test split through an IDataView cursor: the whole pipeline, and the network alone.
var features = ml.Data.Cache(((ITransformer)new TransformerChain<ITransformer>(model.Take(model.Count() - 1).ToArray())).Transform(test));
Print("bulk_pipeline_rows_per_second", testRows.Count / Best(() => CountScores(model.Transform(test))), "N0");
Print("bulk_network_rows_per_second", testRows.Count / Best(() => CountScores(network.Transform(features))), "N0");

// 4. One row at a time: PredictionEngine over the full pipeline (featurization + network), p50 over 10,000 calls.
var engine = ml.Model.CreatePredictionEngine<AdultRow, Prediction>(model);
var (p50, p99) = Latency(i => engine.Predict(testRows[i % testRows.Count]), 10_000);
Print("prediction_engine_p50_us", p50, "F1");
Print("prediction_engine_p99_us", p99, "F1");

// 5. Save with ML.NET, then load with plain ML.NET and with DeepML's loader, each in a fresh context.
var zipPath = Path.Combine(folder, "adult-model.zip");
ml.Model.Save(model, train.Schema, zipPath);
Print("model_zip_bytes", new FileInfo(zipPath).Length, "N0");
var plainContext = new MLContext(seed: 2);
var plain = plainContext.Model.Load(zipPath, out _);
var fastContext = new MLContext(seed: 3);
var fast = fastContext.DeepML().Model.Load(zipPath, out _, new ScoringOptions { Device = "cpu" });
Console.WriteLine($"plain_load_last_step: {((TransformerChain<ITransformer>)plain).Last().GetType().Name}");
Console.WriteLine($"deepml_load_last_step: {((TransformerChain<ITransformer>)fast).Last().GetType().Name}");

var reference = Read(model.Transform(test));
foreach (var (name, loaded) in new[] { ("plain_mlnet", plain), ("deepml_load", fast) })
{
    var other = Read(loaded.Transform(test));
    var scoreDiff = reference.Score.Zip(other.Score).Max(p => Math.Abs(p.First - p.Second));
    var probabilityDiff = reference.Probability.Zip(other.Probability).Max(p => Math.Abs(p.First - p.Second));
    var disagreements = reference.Label.Zip(other.Label).Count(p => p.First != p.Second);
    Print($"{name}_max_abs_score_diff", scoreDiff, "E2");
    Print($"{name}_max_abs_probability_diff", probabilityDiff, "E2");
    Print($"{name}_label_disagreements", disagreements, "N0");
    Print($"{name}_bulk_rows_per_second", testRows.Count / Best(() => CountScores(loaded.Transform(test))), "N0");
}
var plainEngine = plainContext.Model.CreatePredictionEngine<AdultRow, Prediction>(plain);
var engineDisagreements = testRows.Take(2000).Count(r => BitConverter.SingleToInt32Bits(engine.Predict(r).Score) != BitConverter.SingleToInt32Bits(plainEngine.Predict(r).Score));
Print("plain_prediction_engine_score_mismatches_of_2000", engineDisagreements, "N0");
Print("plain_prediction_engine_p50_us", Latency(i => plainEngine.Predict(testRows[i % testRows.Count]), 10_000).P50, "F1");

((IDisposable)fast).Dispose();
model.Dispose();
Directory.Delete(folder, recursive: true);

static void Print(string name, double value, string format) => Console.WriteLine($"{name}: {value.ToString(format, CultureInfo.InvariantCulture)}");

static double Best(Func<int> run)
{
    run(); // warm-up
    return Enumerable.Range(0, 3).Min(_ =>
    {
        var watch = Stopwatch.StartNew();
        run();
        return watch.Elapsed.TotalSeconds;
    });
}

static int CountScores(IDataView scored)
{
    using var cursor = scored.GetRowCursor([scored.Schema["Score"]]);
    var getter = cursor.GetGetter<float>(scored.Schema["Score"]);
    var (rows, score) = (0, 0f);
    while (cursor.MoveNext())
    {
        getter(ref score);
        rows++;
    }
    return rows;
}

static (double P50, double P99) Latency(Action<int> call, int calls)
{
    for (var i = 0; i < 500; i++)
        call(i);
    var micros = new double[calls];
    for (var i = 0; i < calls; i++)
    {
        var start = Stopwatch.GetTimestamp();
        call(i);
        micros[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
    }
    Array.Sort(micros);
    return (micros[calls / 2], micros[(int)(calls * 0.99)]);
}

static (float[] Score, float[] Probability, bool[] Label) Read(IDataView scored) =>
    (scored.GetColumn<float>("Score").ToArray(), scored.GetColumn<float>("Probability").ToArray(), scored.GetColumn<bool>("PredictedLabel").ToArray());

/// <summary>The prediction columns a DeepML binary classifier adds.</summary>
internal sealed class Prediction
{
    public float Score { get; set; }
    public float Probability { get; set; }
    public bool PredictedLabel { get; set; }
}
