using System.Globalization;
using System.IO.Compression;
using DeepML;
using Microsoft.ML;
using Microsoft.ML.Data;

// DeepML's defaults before (BatchSize 256, raw regression label) and now (row-count batch size, standardised
// label) beside ML.NET's linear baselines, on the bundled small tables; three 80/20 splits each, mean shown.
var data = args.Length > 0 ? args[0] : FindData();
var ml = new MLContext(seed: 1);
var before = new NeuralNetworkOptions { BatchSize = 256, StandardizeLabel = false, NumberOfThreads = 1 };
var now = new NeuralNetworkOptions { NumberOfThreads = 1 };
Console.WriteLine("table (rows): metric — baseline | DeepML before | DeepML now");
foreach (var (name, view, task) in new[]
{
    ("diabetes (442)", Tables.Diabetes(ml, data), PredictionKind.Regression),
    ("german credit (1000)", Tables.German(ml, data), PredictionKind.BinaryClassification),
    ("iris (150)", Tables.Iris(ml, data), PredictionKind.MulticlassClassification),
    ("digits (1797)", Tables.Digits(ml, data), PredictionKind.MulticlassClassification),
})
{
    double[] baseline = new double[3], old = new double[3], current = new double[3];
    for (var seed = 0; seed < 3; seed++)
    {
        var split = ml.Data.TrainTestSplit(view, 0.2, seed: seed + 1);
        var norm = ml.Transforms.NormalizeMeanVariance("Features").Fit(split.TrainSet);
        var (train, test) = (norm.Transform(split.TrainSet), norm.Transform(split.TestSet));
        baseline[seed] = Score(ml, task, Baseline(ml, task).Fit(train).Transform(test));
        old[seed] = Score(ml, task, DeepMLTrainer(ml, task, before with { Seed = seed }).Fit(train).Transform(test));
        current[seed] = Score(ml, task, DeepMLTrainer(ml, task, now with { Seed = seed }).Fit(train).Transform(test));
    }
    var metric = task == PredictionKind.Regression ? "R²" : "accuracy";
    string F(double[] v) => $"{v.Average():F3} [{string.Join(", ", v.Select(x => x.ToString("F3", CultureInfo.InvariantCulture)))}]";
    Console.WriteLine($"{name}: {metric} — {F(baseline)} | {F(old)} | {F(current)}");
}

static IEstimator<ITransformer> Baseline(MLContext ml, PredictionKind task) => task switch
{
    PredictionKind.Regression => ml.Regression.Trainers.Sdca(),
    PredictionKind.BinaryClassification => ml.BinaryClassification.Trainers.LbfgsLogisticRegression(),
    _ => ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(),
};

static IEstimator<ITransformer> DeepMLTrainer(MLContext ml, PredictionKind task, NeuralNetworkOptions o) => task switch
{
    PredictionKind.Regression => ml.DeepML().Regression.NeuralNetwork(o),
    PredictionKind.BinaryClassification => ml.DeepML().BinaryClassification.NeuralNetwork(o),
    _ => ml.DeepML().MulticlassClassification.NeuralNetwork(o),
};

static double Score(MLContext ml, PredictionKind task, IDataView scored) => task switch
{
    PredictionKind.Regression => ml.Regression.Evaluate(scored).RSquared,
    PredictionKind.BinaryClassification => ml.BinaryClassification.EvaluateNonCalibrated(scored).Accuracy,
    _ => ml.MulticlassClassification.Evaluate(scored).MacroAccuracy,
};

static string FindData()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (Directory.Exists(Path.Combine(dir.FullName, "data", "sklearn")))
            return Path.Combine(dir.FullName, "data");
    }
    throw new DirectoryNotFoundException("SmallTables: no data/ folder above the program; pass the repository's data folder as the first argument.");
}

/// <summary>The bundled tables as (Features, Label) views.</summary>
internal static class Tables
{
    private sealed class Row
    {
        public float[] Features { get; set; } = [];
        public float Label { get; set; }
    }

    private sealed class BoolRow
    {
        public float[] Features { get; set; } = [];
        public bool Label { get; set; }
    }

    private static string[] Lines(string path)
    {
        using var stream = path.EndsWith(".gz", StringComparison.Ordinal) ? (Stream)new GZipStream(File.OpenRead(path), CompressionMode.Decompress) : File.OpenRead(path);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    private static float P(string s) => float.Parse(s, CultureInfo.InvariantCulture);

    private static IDataView View<T>(MLContext ml, List<T> rows, int width) where T : class
    {
        var schema = SchemaDefinition.Create(typeof(T));
        schema["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        return ml.Data.LoadFromEnumerable(rows, schema);
    }

    public static IDataView Diabetes(MLContext ml, string data)
    {
        var x = Lines(Path.Combine(data, "sklearn", "diabetes_data_raw.csv.gz"));
        var y = Lines(Path.Combine(data, "sklearn", "diabetes_target.csv.gz"));
        var rows = x.Select((l, i) => new Row { Features = l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(P).ToArray(), Label = P(y[i]) }).ToList();
        return View(ml, rows, 10);
    }

    public static IDataView Iris(MLContext ml, string data) => Classes(ml, Lines(Path.Combine(data, "sklearn", "iris.csv")).Skip(1), 4);

    public static IDataView Digits(MLContext ml, string data) => Classes(ml, Lines(Path.Combine(data, "sklearn", "digits.csv.gz")), 64);

    private static IDataView Classes(MLContext ml, IEnumerable<string> lines, int width)
    {
        var rows = lines.Select(l => l.Split(',')).Select(p => new Row { Features = p[..width].Select(P).ToArray(), Label = P(p[width]) }).ToList();
        var view = View(ml, rows, width);
        return ml.Transforms.Conversion.MapValueToKey("Label").Fit(view).Transform(view);
    }

    /// <summary>German credit: the 7 numeric attributes as they are, the 13 symbolic ones one-hot; label "bad" (class 2).</summary>
    public static IDataView German(MLContext ml, string data)
    {
        var lines = Lines(Path.Combine(data, "german-credit", "german.data.gz")).Select(l => l.Split(' ')).ToArray();
        var numeric = new[] { 1, 4, 7, 10, 12, 15, 17 };
        var symbolic = Enumerable.Range(0, 20).Except(numeric).ToArray();
        var codes = symbolic.ToDictionary(c => c, c => lines.Select(l => l[c]).Distinct().OrderBy(s => s, StringComparer.Ordinal).ToList());
        var width = numeric.Length + codes.Values.Sum(v => v.Count);
        var rows = lines.Select(l =>
        {
            var f = new List<float>(numeric.Select(c => P(l[c])));
            foreach (var c in symbolic)
                f.AddRange(codes[c].Select(code => code == l[c] ? 1f : 0f));
            return new BoolRow { Features = f.ToArray(), Label = l[20] == "2" };
        }).ToList();
        return View(ml, rows, width);
    }
}
