// Explain: explanations of two models on UCI Adult.
// 1. FastTree on 12 plain columns (numbers, and categories as codes): TreeSHAP (path-dependent) for every
//    test row, and a check that interventional TreeSHAP, exact Shapley values and KernelSHAP agree on the
//    same game (the same weighted k-means background); pictures of the result.
// 2. A DeepML network on the one-hot features: KernelSHAP per original column (one-hot blocks and bins
//    kept with their column), top features per prediction and globally, inside an ML.NET pipeline; LIME
//    on the same columns, with each surrogate's R².
// 3. A DeepML CNN on the repository's Fashion-MNIST subset: saliency, SmoothGrad, integrated gradients
//    (with its completeness gap) and Grad-CAM of the last convolution, drawn over the images.
// Ends with `name: value` lines for CI.
using System.Diagnostics;
using System.Globalization;
using DeepML;
using DeepML.Examples;
using DeepML.Explainability;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var outDir = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "explain-report");
var ml = new MLContext(seed: 1);
var trainRows = AdultDataset.LoadTrain();
var testRows = AdultDataset.LoadTest();
var train = ml.Data.LoadFromEnumerable(trainRows);
var test = ml.Data.LoadFromEnumerable(testRows);
Console.WriteLine($"UCI Adult: {trainRows.Count} training rows, {testRows.Count} test rows.");

// ---- 1. FastTree on plain columns ---------------------------------------------------------------
string[] numeric = [nameof(AdultRow.Age), nameof(AdultRow.Fnlwgt), nameof(AdultRow.EducationNum), nameof(AdultRow.CapitalGain), nameof(AdultRow.CapitalLoss), nameof(AdultRow.HoursPerWeek)];
string[] categorical = [nameof(AdultRow.Workclass), nameof(AdultRow.MaritalStatus), nameof(AdultRow.Occupation), nameof(AdultRow.Relationship), nameof(AdultRow.Race), nameof(AdultRow.Sex)];
// Categories become codes (by frequency in the training split, unseen = 0): trees split on codes well enough, and
// 12 slots keep exact Shapley values cheap (2^12 coalitions) for the agreement check.
var codes = categorical.ToDictionary(c => c, c => trainRows.GroupBy(r => Category(r, c)).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
    .Select((g, i) => (g.Key, Code: i + 1f)).ToDictionary(p => p.Key, p => p.Code));
var plain = ml.Transforms.Concatenate("Features", [.. numeric, .. categorical]);
IDataView Plain(IReadOnlyList<AdultRow> rows) => ml.Data.Cache(ml.Data.LoadFromEnumerable(rows.Select(r => new PlainRow
{
    Age = r.Age, Fnlwgt = r.Fnlwgt, EducationNum = r.EducationNum, CapitalGain = r.CapitalGain, CapitalLoss = r.CapitalLoss, HoursPerWeek = r.HoursPerWeek,
    Workclass = Code(r, nameof(AdultRow.Workclass)), MaritalStatus = Code(r, nameof(AdultRow.MaritalStatus)), Occupation = Code(r, nameof(AdultRow.Occupation)),
    Relationship = Code(r, nameof(AdultRow.Relationship)), Race = Code(r, nameof(AdultRow.Race)), Sex = Code(r, nameof(AdultRow.Sex)), Label = r.Label,
}).ToArray()));
float Code(AdultRow row, string column) => codes[column].GetValueOrDefault(Category(row, column));
var treeTrain = ml.Data.Cache(plain.Fit(Plain(trainRows)).Transform(Plain(trainRows)));
var treeTest = ml.Data.Cache(plain.Fit(Plain(trainRows)).Transform(Plain(testRows)));
var fastTree = ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
{
    NumberOfTrees = 100, NumberOfLeaves = 20, MinimumExampleCountPerLeaf = 10, LearningRate = 0.2, NumberOfThreads = 1,
}).Fit(treeTrain);
var treeAuc = ml.BinaryClassification.Evaluate(fastTree.Transform(treeTest)).AreaUnderRocCurve;
Console.WriteLine($"FastTree (100 trees, 20 leaves) on 12 plain columns: test AUC {treeAuc:F4}");

var explain = ml.DeepML().Explainability;
var treeShap = explain.TreeShap(fastTree, treeTrain);
var watch = Stopwatch.StartNew();
var treeAttributions = treeShap.Explain(treeTest);
var treeShapRowsPerSecond = treeAttributions.RowCount / watch.Elapsed.TotalSeconds;
Console.WriteLine($"{treeShap.Method}: {treeAttributions.RowCount} test rows in {watch.Elapsed.TotalSeconds:F2} s; local accuracy gap {treeAttributions.MaxAdditivityGap:E1}");
Print(treeAttributions.GlobalImportance(), 6);

// The same game three ways: a weighted background of 10 k-means centroids, 20 test rows.
var background = Background.KMeans(treeTrain, 10, seed: 3);
const int agreementRows = 20;
var exact = explain.ExactShapley(fastTree, treeTrain, null, background).Explain(treeTest, agreementRows);
var interventional = explain.TreeShap(fastTree, treeTrain, new TreeShapOptions { Perturbation = TreePerturbation.Interventional, Background = background }).Explain(treeTest, agreementRows);
var kernel = explain.KernelShap(fastTree, treeTrain, new KernelShapOptions { Seed = 5 }, background);
watch.Restart();
var kernelAttributions = kernel.Explain(treeTest, agreementRows);
var kernelRowsPerSecond = agreementRows / watch.Elapsed.TotalSeconds;
var treeVsExact = MaxDifference(interventional, exact);
var kernelVsExact = MaxDifference(kernelAttributions, exact);
var scale = exact.Values.SelectMany(v => v).Max(Math.Abs);
Console.WriteLine($"Agreement on {agreementRows} rows (largest |φ| {scale:F3}): interventional TreeSHAP vs exact {treeVsExact:E2}, {kernel.Method} vs exact {kernelVsExact:E2}");

Directory.CreateDirectory(outDir);
var featureValues = FeatureRows(treeTest, treeAttributions.RowCount);
treeAttributions.SaveSummaryPlot(Path.Combine(outDir, "fasttree_treeshap_summary.png"), featureValues);
treeAttributions.SaveWaterfallPlot(0, Path.Combine(outDir, "fasttree_treeshap_waterfall_row0.png"));
treeAttributions.SaveDependencePlot(nameof(AdultRow.Age), featureValues.Select(v => v[0]).ToArray(), Path.Combine(outDir, "fasttree_treeshap_dependence_age.png"));
Console.WriteLine($"Pictures in {outDir}");

// ---- 2. A DeepML network, explained per original column in a pipeline ------------------------------
var featurizer = AdultDataset.Features(ml).Fit(train);
var deepTrain = ml.Data.Cache(featurizer.Transform(train));
var deepTest = ml.Data.Cache(featurizer.Transform(test));
using var network = ml.DeepML().BinaryClassification.NeuralNetwork(new NeuralNetworkOptions
{
    Network = Networks.Mlp([128, 64], dropout: 0.2), Epochs = 8, BatchSize = 256, LearningRate = 1e-3, NumberOfThreads = 1,
}).Fit(deepTrain);
var deepAuc = ml.BinaryClassification.Evaluate(network.Transform(deepTest)).AreaUnderRocCurve;
Console.WriteLine($"DeepML MLP (128, 64), 8 epochs: test AUC {deepAuc:F4}");

// Slots come from 14 columns: a numeric column's standardised value and its one-hot bins ("AgeBinHot.*") belong to it.
var grouping = FeatureGrouping.Custom(OriginalColumns(deepTrain.Schema["Features"]));
var deepShap = explain.KernelShap(network, deepTrain, new KernelShapOptions { Grouping = grouping, Seed = 7 });
var step = explain.CalculateAttributions(deepShap).Fit(deepTest);
var explained = step.Transform(deepTest);
watch.Restart();
var perRow = explained.GetColumn<float[]>("Attributions").Take(200).ToArray();
var pipelineSeconds = watch.Elapsed.TotalSeconds;
var deepRowsPerSecond = perRow.Length / pipelineSeconds;
var deepAttributions = deepShap.Explain(deepTest, 200);
Console.WriteLine($"{deepShap.Method} over {deepShap.FeatureNames.Count} columns: {perRow.Length} rows through the pipeline in {pipelineSeconds:F1} s; base value {deepShap.BaseValue:F3}, local accuracy gap {deepAttributions.MaxAdditivityGap:E1}");
for (var i = 0; i < 3; i++)
{
    var top = deepShap.FeatureNames.Select((name, j) => (name, phi: perRow[i][j])).OrderByDescending(p => Math.Abs(p.phi)).Take(3);
    Console.WriteLine($"  test row {i} ({(testRows[i].Label ? ">50K" : "<=50K")}): " + string.Join(", ", top.Select(p => $"{p.name} {p.phi:+0.000;-0.000}")));
}
Print(deepAttributions.GlobalImportance(), 6);

// LIME on the same network and columns: a weighted linear surrogate per row, with its fit quality.
var lime = explain.Lime(network, deepTrain, new LimeOptions { Grouping = grouping, Seed = 9 });
watch.Restart();
var limeFit = lime.ExplainWithFit(deepTest, 50);
var limeRowsPerSecond = 50 / watch.Elapsed.TotalSeconds;
var limeTop = lime.FeatureNames.Select((name, j) => (name, beta: limeFit.Attributions.Values[0][j])).OrderByDescending(p => Math.Abs(p.beta)).Take(3);
Console.WriteLine($"{lime.Method}: 50 rows in {watch.Elapsed.TotalSeconds:F1} s, mean surrogate R² {limeFit.RSquared.Average():F3}; row 0: " +
    string.Join(", ", limeTop.Select(p => $"{p.name} {p.beta:+0.000;-0.000}")) + $" (local prediction {limeFit.LocalPredictions[0]:F3}, model {limeFit.Attributions.Outputs[0]:F3})");
deepAttributions.SaveSummaryPlot(Path.Combine(outDir, "deepml_kernelshap_summary.png"));

// ---- 3. A CNN on Fashion-MNIST: gradients and Grad-CAM --------------------------------------------
var fashionFolder = FashionMnistData.Folder(full: false);
var fashionTrain = FashionMnistData.Load(fashionFolder, train: true);
var fashionTest = FashionMnistData.Load(fashionFolder, train: false, limit: 256);
var classKey = ml.Transforms.Conversion.MapValueToKey("Label", "Class", keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
    .Fit(ml.Data.LoadFromEnumerable(fashionTrain));
using var cnn = ml.DeepML().MulticlassClassification.NeuralNetwork(new NeuralNetworkOptions
{
    Network = Networks.Cnn(channels: [16, 32], denseUnits: [64]), FeatureColumnName = "Pixels", InputShape = new TensorShape(1, 28, 28),
    Epochs = 3, BatchSize = 128, LearningRate = 2e-3, Optimizer = OptimizerKind.AdamW, Seed = 1, NumberOfThreads = Environment.ProcessorCount,
}).Fit(classKey.Transform(ml.Data.LoadFromEnumerable(fashionTrain)));
var fashionScored = cnn.Transform(classKey.Transform(ml.Data.LoadFromEnumerable(fashionTest)));
var cnnAccuracy = ml.MulticlassClassification.Evaluate(fashionScored).MicroAccuracy;
Console.WriteLine($"CNN {cnn.Model.Spec}, 3 epochs on {fashionTrain.Count} images: accuracy {cnnAccuracy:F3} on {fashionTest.Count} test images");

const int shown = 6;
var images = fashionTest.Take(shown).SelectMany(r => r.Pixels).ToArray();
var predicted = fashionScored.GetColumn<uint>("PredictedLabel").Take(shown).Select(k => (int)k - 1).ToArray();
Attributions ExplainEach(Func<int, GradientExplainer> make) // each image for its own predicted class
{
    var rows = Enumerable.Range(0, shown).Select(i => { using var e = make(predicted[i]); return e.Explain(images.AsSpan(i * 784, 784).ToArray(), 1); }).ToArray();
    return new Attributions(rows[0].Method, rows[0].FeatureNames, rows[0].BaseValue, rows.Select(r => r.Values[0]).ToArray(), rows.Select(r => r.Outputs[0]).ToArray(),
        rows[0].IsAdditive, "predicted class probability", rows.Select(r => r.BaseValues[0]).ToArray());
}
var saliency = ExplainEach(k => explain.Saliency(cnn, new SaliencyOptions { Output = ExplainedOutput.Class(k) }));
var smooth = ExplainEach(k => explain.SmoothGrad(cnn, new SmoothGradOptions { Output = ExplainedOutput.Class(k), Samples = 25, Seed = 1 }));
var integrated = ExplainEach(k => explain.IntegratedGradients(cnn, new IntegratedGradientsOptions { Output = ExplainedOutput.Class(k), Steps = 64 }));
var camMaps = Enumerable.Range(0, shown).Select(i => GradCam.Compute(cnn.Model, images.AsSpan(i * 784, 784).ToArray(), 1, options: new SaliencyOptions { Output = ExplainedOutput.Class(predicted[i]) })).ToArray();
Console.WriteLine($"Integrated gradients (64 Gauss–Legendre steps, black baseline): completeness gap {integrated.MaxAdditivityGap:E2} (outputs are probabilities)");

// Throughput: integrated gradients for the predicted class of 64 images, batched (64 steps each).
double igImagesPerSecond;
using (var igTimed = explain.IntegratedGradients(cnn, new IntegratedGradientsOptions { Output = ExplainedOutput.Class(0), Steps = 64 }))
{
    var batch = fashionTest.Take(64).SelectMany(r => r.Pixels).ToArray();
    igTimed.Explain(batch, 2); // warm-up
    watch.Restart();
    igTimed.Explain(batch, 64);
    igImagesPerSecond = 64 / watch.Elapsed.TotalSeconds;
    Console.WriteLine($"{igTimed.Method}: 64 images in {watch.Elapsed.TotalSeconds:F2} s");
}
var grid = Enumerable.Range(0, shown).Select(i =>
{
    var image = images.AsSpan(i * 784, 784).ToArray();
    var label = FashionMnistData.ClassNames[predicted[i]];
    return (IReadOnlyList<HeatmapPanel>)
    [
        new(image, null, $"{label} (predicted)"), new(image, saliency.Values[i].Select(v => (float)v).ToArray(), "saliency"),
        new(image, smooth.Values[i].Select(v => (float)v).ToArray(), "SmoothGrad"), new(image, integrated.Values[i].Select(v => (float)v).ToArray(), "integrated gradients"),
        new(image, camMaps[i].Map(0).ToArray(), $"Grad-CAM {camMaps[i].LayerPath}"),
    ];
}).ToArray();
HeatmapGrid.Save(Path.Combine(outDir, "fashion_mnist_gradients.png"), 28, 28, grid, scale: 5);

Console.WriteLine();
Console.WriteLine($"fasttree_auc: {treeAuc:F4}");
Console.WriteLine($"deepml_auc: {deepAuc:F4}");
Console.WriteLine($"treeshap_rows_per_second: {treeShapRowsPerSecond:F0}");
Console.WriteLine($"treeshap_local_accuracy_gap: {treeAttributions.MaxAdditivityGap:E2}");
Console.WriteLine($"treeshap_vs_exact_max_abs_diff: {treeVsExact:E2}");
Console.WriteLine($"kernelshap_vs_exact_max_abs_diff: {kernelVsExact:E2}");
Console.WriteLine($"kernelshap_rows_per_second: {kernelRowsPerSecond:F2}");
Console.WriteLine($"deepml_kernelshap_rows_per_second: {deepRowsPerSecond:F2}");
Console.WriteLine($"deepml_local_accuracy_gap: {deepAttributions.MaxAdditivityGap:E2}");
Console.WriteLine($"lime_rows_per_second: {limeRowsPerSecond:F2}");
Console.WriteLine($"lime_mean_r_squared: {limeFit.RSquared.Average():F3}");
Console.WriteLine($"cnn_accuracy: {cnnAccuracy:F4}");
Console.WriteLine($"ig_images_per_second: {igImagesPerSecond:F2}");
Console.WriteLine($"ig_completeness_gap: {integrated.MaxAdditivityGap:E2}");

static string Category(AdultRow row, string column) => (string)typeof(AdultRow).GetProperty(column)!.GetValue(row)!;

static void Print(GlobalImportance importance, int count)
{
    Console.WriteLine($"Global importance ({importance.Method}), mean |φ|:");
    foreach (var f in importance.Features.Take(count))
        Console.WriteLine($"  {f.Feature,-16} {f.MeanAbsoluteAttribution:F4}");
}

static double MaxDifference(Attributions a, Attributions b) =>
    a.Values.Zip(b.Values).Max(p => p.First.Zip(p.Second).Max(q => Math.Abs(q.First - q.Second)));

static double[][] FeatureRows(IDataView data, int rows) =>
    data.GetColumn<float[]>("Features").Take(rows).Select(r => r.Select(v => (double)v).ToArray()).ToArray();

// Original column of each slot: "Age" and "AgeBinHot.*" → Age; "WorkclassHot.*" → Workclass; "CapitalGainLog" → CapitalGain.
static Dictionary<string, int[]> OriginalColumns(DataViewSchema.Column features)
{
    var names = default(VBuffer<ReadOnlyMemory<char>>);
    features.GetSlotNames(ref names);
    static string Column(string slot)
    {
        var name = slot.Split('.')[0];
        foreach (var suffix in new[] { "BinHot", "Hot", "Log" })
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal))
                return name[..^suffix.Length];
        }
        return name;
    }
    return names.DenseValues().Select((n, i) => (Column(n.ToString()), i)).GroupBy(p => p.Item1)
        .ToDictionary(g => g.Key, g => g.Select(p => p.i).ToArray());
}

/// <summary>Adult's 12 columns as numbers (categories as frequency codes).</summary>
internal sealed class PlainRow
{
    public float Age { get; set; }
    public float Fnlwgt { get; set; }
    public float EducationNum { get; set; }
    public float CapitalGain { get; set; }
    public float CapitalLoss { get; set; }
    public float HoursPerWeek { get; set; }
    public float Workclass { get; set; }
    public float MaritalStatus { get; set; }
    public float Occupation { get; set; }
    public float Relationship { get; set; }
    public float Race { get; set; }
    public float Sex { get; set; }
    public bool Label { get; set; }
}
