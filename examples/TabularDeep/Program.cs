// Deep tabular models on UCI Adult beside FastTree, in one run: an MLP on periodic numerical embeddings (PLR,
// Gorishniy et al. 2022) and an FT-Transformer (Gorishniy et al. 2021), evaluated on the official test split.
// Default: a CI-sized run (the first 8,000 training rows, 10 and 5 epochs). Full size: DEEPML_TABULAR_FULL=1 or --full.
// Other knobs: DEEPML_THREADS libtorch threads [1]; DEEPML_EXPORT_DIR writes both exported ONNX models there.
using System.Diagnostics;
using System.Globalization;
using DeepML;
using DeepML.Examples;
using Microsoft.ML;
using Microsoft.ML.Data;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var full = args.Contains("--full") || Environment.GetEnvironmentVariable("DEEPML_TABULAR_FULL") == "1";
var threads = int.TryParse(Environment.GetEnvironmentVariable("DEEPML_THREADS"), out var t) ? t : 1;
var ml = new MLContext(seed: 1);
var total = Stopwatch.StartNew();

var allTrain = AdultDataset.LoadTrain();
var trainRows = full ? allTrain : allTrain.Take(8000).ToList();
var testRows = AdultDataset.LoadTest();
Console.WriteLine($"UCI Adult: {trainRows.Count} of {allTrain.Count} training rows ({(full ? "full" : "CI-sized; --full for all")}), {testRows.Count} test rows.");
var train = ml.Data.LoadFromEnumerable(trainRows);
var test = ml.Data.LoadFromEnumerable(testRows);

// 1. MLP on PLR embeddings: AdultDataset's features (slots 0..5 the standardised numerics, then one-hot columns);
//    the six numeric slots are embedded, the one-hot slots pass through.
var featurizer = AdultDataset.Features(ml).Fit(train);
var trainFeatures = ml.Data.Cache(featurizer.Transform(train));
var testFeatures = featurizer.Transform(test);
var mlpOptions = new NeuralNetworkOptions
{
    Network = Networks.MlpWithEmbeddings([256, 256], NumericEmbeddingKind.Periodic, slots: [0, 1, 2, 3, 4, 5], dropout: 0.3, frequencies: 16, dimension: 16, sigma: 1.0),
    Optimizer = OptimizerKind.AdamW, LearningRate = 1e-3, WeightDecay = 1e-4, BatchSize = 256,
    Epochs = full ? 30 : 10, ValidationFraction = 0.1, EarlyStoppingPatience = 5, NumberOfThreads = threads, Seed = 1,
};
var clock = Stopwatch.StartNew();
var mlpTrainer = ml.DeepML().BinaryClassification.NeuralNetwork(mlpOptions);
using var mlp = mlpTrainer.Fit(trainFeatures);
var mlpSeconds = clock.Elapsed.TotalSeconds;
var mlpMetrics = ml.BinaryClassification.Evaluate(mlp.Transform(testFeatures));

// 2. FT-Transformer: 6 standardised numerics and the 8 categorical columns as keys (0..K−1; a test value never seen in
//    training is −1, which the tokenizer sends to the column's unknown-key row).
var tokens = TokenFeatures.Fit(trainRows);
var ftTrain = ml.Data.LoadFromEnumerable(tokens.Rows(trainRows), tokens.Schema());
var ftTest = ml.Data.LoadFromEnumerable(tokens.Rows(testRows), tokens.Schema());
var ftOptions = new NeuralNetworkOptions
{
    // d = 64 and 2 blocks instead of the paper's 192 and 3, so the run fits two CPU cores (see Networks.FtTransformer).
    Network = Networks.FtTransformer(dimension: 64, blocks: 2, heads: 8, categoricalSlots: tokens.CategoricalSlots, cardinalities: tokens.Cardinalities),
    Optimizer = OptimizerKind.AdamW, LearningRate = 5e-4, WeightDecay = 1e-5, BatchSize = 256,
    Epochs = full ? 30 : 5, ValidationFraction = 0.1, EarlyStoppingPatience = 5, NumberOfThreads = threads, Seed = 1,
};
clock.Restart();
var ftTrainer = ml.DeepML().BinaryClassification.NeuralNetwork(ftOptions);
using var ft = ftTrainer.Fit(ftTrain);
var ftSeconds = clock.Elapsed.TotalSeconds;
var ftScored = ft.Transform(ftTest);
var ftMetrics = ml.BinaryClassification.Evaluate(ftScored);

// The attention of the first test row: how much the CLS token looks at each feature in the last block (mean over heads).
var firstRow = ftTest.GetColumn<float[]>("Features").First();
var lastBlock = AttentionMaps.Compute(ft, firstRow, 1)[^1];
var clsAttention = Enumerable.Range(1, lastBlock.Tokens - 1).Select(j => Enumerable.Range(0, lastBlock.Heads).Average(h => lastBlock.At(0, h, 0, j))).ToArray();
var top = clsAttention.Select((w, j) => (w, tokens.Names[j])).OrderByDescending(p => p.w).Take(3);
Console.WriteLine($"FT-Transformer, first test row, CLS attention in the last block: {string.Join(", ", top.Select(p => $"{p.Item2} {p.w:F3}"))}");
var pictures = Path.Combine(AppContext.BaseDirectory, "tabular-report");
Directory.CreateDirectory(pictures);
Console.WriteLine($"Attention picture: {lastBlock.SavePng(0, Path.Combine(pictures, "ft_attention_row0.png"), ["CLS", .. tokens.Names])}");

// 3. FastTree on AdultDataset's features, trained on the same rows.
clock.Restart();
var tree = ml.BinaryClassification.Trainers.FastTree().Fit(trainFeatures);
var treeSeconds = clock.Elapsed.TotalSeconds;
var treeMetrics = ml.BinaryClassification.Evaluate(tree.Transform(testFeatures));

if (Environment.GetEnvironmentVariable("DEEPML_EXPORT_DIR") is { Length: > 0 } exportDir)
{
    Directory.CreateDirectory(exportDir);
    File.WriteAllBytes(Path.Combine(exportDir, "tabular-mlp-plr.onnx"), OnnxExporter.Export(mlp.Model));
    File.WriteAllBytes(Path.Combine(exportDir, "tabular-ft-transformer.onnx"), OnnxExporter.Export(ft.Model));
}

Console.WriteLine($"MLP-PLR {mlp.Model.Spec.Layers.Count} layers, FT-Transformer {ft.Model.Spec}");
Console.WriteLine($"mlp_embeddings_auc: {mlpMetrics.AreaUnderRocCurve:F4}");
Console.WriteLine($"ft_transformer_auc: {ftMetrics.AreaUnderRocCurve:F4}");
Console.WriteLine($"fasttree_auc: {treeMetrics.AreaUnderRocCurve:F4}");
Console.WriteLine($"mlp_embeddings_gap_to_fasttree: {treeMetrics.AreaUnderRocCurve - mlpMetrics.AreaUnderRocCurve:F4}");
Console.WriteLine($"ft_transformer_gap_to_fasttree: {treeMetrics.AreaUnderRocCurve - ftMetrics.AreaUnderRocCurve:F4}");
Console.WriteLine($"mlp_embeddings_train_seconds: {mlpSeconds:F1}");
Console.WriteLine($"ft_transformer_train_seconds: {ftSeconds:F1}");
Console.WriteLine($"mlp_embeddings_epochs: {mlpTrainer.LastTraining!.EpochsRun}");
Console.WriteLine($"ft_transformer_epochs: {ftTrainer.LastTraining!.EpochsRun}");
Console.WriteLine($"fasttree_train_seconds: {treeSeconds:F1}");
Console.WriteLine($"train_seconds: {mlpSeconds + ftSeconds:F1}");
Console.WriteLine($"train_rows: {trainRows.Count}");
Console.WriteLine($"total_seconds: {total.Elapsed.TotalSeconds:F1}");

/// <summary>One FT-Transformer input row: 6 standardised numerics, then 8 category keys.</summary>
sealed class TokenRow
{
    public float[] Features { get; set; } = [];
    public bool Label { get; set; }
}

/// <summary>The FT-Transformer's inputs, fitted on the training rows: numeric means and deviations, category dictionaries.</summary>
sealed class TokenFeatures
{
    private readonly (double Mean, double Sd)[] _scales;
    private readonly Dictionary<string, int>[] _keys;

    private TokenFeatures((double, double)[] scales, Dictionary<string, int>[] keys) => (_scales, _keys) = (scales, keys);

    public static readonly Func<AdultRow, float>[] Numerics =
        [r => r.Age, r => r.Fnlwgt, r => r.EducationNum, r => MathF.Log(r.CapitalGain + 1), r => MathF.Log(r.CapitalLoss + 1), r => r.HoursPerWeek];

    public static readonly Func<AdultRow, string>[] Categories =
        [r => r.Workclass, r => r.Education, r => r.MaritalStatus, r => r.Occupation, r => r.Relationship, r => r.Race, r => r.Sex, r => r.NativeCountry];

    public string[] Names => [.. AdultDataset.ScaledNumericColumns, .. AdultDataset.CategoricalColumns];

    public int[] CategoricalSlots => Enumerable.Range(Numerics.Length, Categories.Length).ToArray();

    public int[] Cardinalities => _keys.Select(k => k.Count).ToArray();

    public static TokenFeatures Fit(IReadOnlyList<AdultRow> rows)
    {
        var scales = Numerics.Select(f =>
        {
            var mean = rows.Average(r => (double)f(r));
            return (mean, Math.Sqrt(rows.Average(r => Math.Pow(f(r) - mean, 2))));
        }).ToArray();
        var keys = Categories.Select(f => rows.Select(f).Distinct().Order(StringComparer.Ordinal).Select((v, i) => (v, i)).ToDictionary(p => p.v, p => p.i)).ToArray();
        return new TokenFeatures(scales, keys);
    }

    public IEnumerable<TokenRow> Rows(IEnumerable<AdultRow> rows) => rows.Select(r => new TokenRow
    {
        Features = [.. Numerics.Select((f, j) => (float)((f(r) - _scales[j].Mean) / _scales[j].Sd)),
            .. Categories.Select((f, j) => _keys[j].TryGetValue(f(r), out var key) ? key : -1f)],
        Label = r.Label,
    });

    public SchemaDefinition Schema()
    {
        var definition = SchemaDefinition.Create(typeof(TokenRow));
        definition[nameof(TokenRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, Numerics.Length + Categories.Length);
        return definition;
    }
}
