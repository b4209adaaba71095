using System.Diagnostics;
using DeepML.Examples;
using DeepML.Explainability;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML.Benchmarks;

/// <summary>
/// The explanation issue's two DeepML targets, measured: KernelSHAP of 1,000 Adult test rows per original column
/// (14 columns, 10 weighted k-means centroids) on the Adult MLP, and integrated gradients (50 steps) of the
/// Fashion-MNIST CNN (<c>Networks.Cnn()</c>), images per second. Beside each: the network's own scoring rate.
/// </summary>
internal sealed class NetworkTargetsBenchmark : IExplainBenchmark
{
    public string Name => "networks";

    public string Summary => "KernelSHAP of 1,000 Adult rows on the DeepML MLP; integrated gradients on the Fashion-MNIST CNN";

    public void Run(string[] args)
    {
        var ml = new MLContext(seed: 1);
        var threads = Environment.ProcessorCount;
        var trainRows = AdultDataset.LoadTrain();
        var train = ml.Data.LoadFromEnumerable(trainRows);
        var featurizer = AdultDataset.Features(ml).Fit(train);
        var features = ml.Data.Cache(featurizer.Transform(train));
        var test = ml.Data.Cache(featurizer.Transform(ml.Data.LoadFromEnumerable(AdultDataset.LoadTest())));
        using var mlp = ml.DeepML().BinaryClassification.NeuralNetwork(new NeuralNetworkOptions
        {
            Network = Networks.Mlp([128, 64], dropout: 0.2), Epochs = 8, BatchSize = 256, NumberOfThreads = 1, Seed = 1,
        }).Fit(features);
        var names = default(VBuffer<ReadOnlyMemory<char>>);
        features.Schema["Features"].GetSlotNames(ref names);
        var groups = names.DenseValues().Select((n, i) => (Column: Column(n.ToString()), i)).GroupBy(p => p.Column).ToDictionary(g => g.Key, g => g.Select(p => p.i).ToArray());
        var kernel = ml.DeepML().Explainability.KernelShap(mlp, features, new KernelShapOptions { Grouping = FeatureGrouping.Custom(groups), Seed = 1 },
            Background.KMeans(features, 10, seed: 3));
        kernel.Explain(test, 5); // warm-up
        var watch = Stopwatch.StartNew();
        var a = kernel.Explain(test, 1000);
        var kernelSeconds = watch.Elapsed.TotalSeconds;
        Console.WriteLine($"{kernel.Method} over {groups.Count} columns, 1,000 rows: {kernelSeconds:F1} s (target ≤ 30 s), local accuracy gap {a.MaxAdditivityGap:E1}");
        // The floor: the network scoring the same number of rows alone (each explained row costs 2,076 coalitions × 10 centroids).
        var modelRows = 1000.0 * 2076 * 10;
        var repeated = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 40).SelectMany(_ => test.GetColumn<float[]>("Features").Take(5000))
            .Select(f => new VectorRow { Features = f }), SchemaDefinitionFor(features));
        watch.Restart();
        var scored = mlp.Transform(repeated).GetColumn<float>("Score").Count();
        var scoringRate = scored / watch.Elapsed.TotalSeconds;
        Console.WriteLine($"  model rows/s inside KernelSHAP {modelRows / kernelSeconds:N0}; the network scoring {scored:N0} rows alone {scoringRate:N0} ({modelRows / kernelSeconds / scoringRate:P0})");

        var fashion = FashionMnistData.Load(FashionMnistData.Folder(full: false), train: true, limit: 2000);
        var key = ml.Transforms.Conversion.MapValueToKey("Label", "Class").Fit(ml.Data.LoadFromEnumerable(fashion));
        using var cnn = ml.DeepML().MulticlassClassification.NeuralNetwork(new NeuralNetworkOptions
        {
            Network = Networks.Cnn(), FeatureColumnName = "Pixels", InputShape = new TensorShape(1, 28, 28), Epochs = 1, BatchSize = 128,
            NumberOfThreads = threads, Seed = 1,
        }).Fit(key.Transform(ml.Data.LoadFromEnumerable(fashion)));
        var images = fashion.Take(64).SelectMany(r => r.Pixels).ToArray();
        using var ig = ml.DeepML().Explainability.IntegratedGradients(cnn, new IntegratedGradientsOptions { Output = ExplainedOutput.Class(0), Steps = 50 });
        ig.Explain(images, 2);
        watch.Restart();
        var attributions = ig.Explain(images, 64);
        var igRate = 64 / watch.Elapsed.TotalSeconds;
        Console.WriteLine($"{ig.Method} on {cnn.Model.Spec}: {igRate:F1} images/s (target ≥ 20), completeness gap {attributions.MaxAdditivityGap:E1}; {threads} threads");
        Console.WriteLine($"kernelshap_1000_rows_seconds: {kernelSeconds:F2}");
        Console.WriteLine($"ig_images_per_second: {igRate:F2}");
    }

    private sealed class VectorRow
    {
        public float[] Features { get; set; } = [];
    }

    private static SchemaDefinition SchemaDefinitionFor(IDataView features)
    {
        var definition = SchemaDefinition.Create(typeof(VectorRow));
        definition["Features"].ColumnType = features.Schema["Features"].Type;
        return definition;
    }

    private static string Column(string slot)
    {
        var name = slot.Split('.')[0];
        foreach (var suffix in new[] { "BinHot", "Hot", "Log" })
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal))
                return name[..^suffix.Length];
        }
        return name;
    }
}
