using DeepML;
using Microsoft.ML;
using Xunit;

namespace DeepML.Estimators.Tests.Trainers;

/// <summary>The README's quick start, as written there, on data whose answer is known.</summary>
public sealed class ReadmeQuickStartTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("deepml-readme-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private sealed class Person
    {
        public float Age { get; set; }
        public float Hours { get; set; }
        public float Income { get; set; }
        public bool Label { get; set; }
    }

    /// <summary>Label = income above a noisy linear threshold of age and hours: learnable, not trivially.</summary>
    private static List<Person> People(int count, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var age = 18 + 50 * (float)rng.NextDouble();
            var hours = 10 + 50 * (float)rng.NextDouble();
            var income = 20_000 + 80_000 * (float)rng.NextDouble();
            var noise = 8_000 * (float)(rng.NextDouble() - 0.5);
            return new Person { Age = age, Hours = hours, Income = income, Label = income + noise > 30_000 + 600 * age + 400 * hours };
        }).ToList();
    }

    [Fact]
    public void QuickStartTrainsEvaluatesAndCheckpoints()
    {
        var ml = new MLContext(seed: 1);
        IDataView train = ml.Data.LoadFromEnumerable(People(3000, 1)), test = ml.Data.LoadFromEnumerable(People(1000, 2));
        var checkpoint = Path.Combine(_folder, "run.ckpt");

        var pipeline = ml.Transforms.Concatenate("Features", "Age", "Hours", "Income")
            .Append(ml.Transforms.NormalizeMeanVariance("Features"))
            .Append(ml.DeepML().BinaryClassification.NeuralNetwork(new NeuralNetworkOptions
            {
                Network = Networks.Mlp([128, 64], dropout: 0.2),
                Optimizer = OptimizerKind.AdamW, WeightDecay = 1e-4,
                Epochs = 30, BatchSize = 256,
                ValidationFraction = 0.1, EarlyStoppingPatience = 5,
                CheckpointPath = checkpoint,
                NumberOfThreads = 1,
            }));

        var model = pipeline.Fit(train);
        var metrics = ml.BinaryClassification.Evaluate(model.Transform(test));

        // The label is a linear threshold plus noise of ±4,000 on a 20,000–100,000 scale: near-perfect ranking is expected.
        Assert.InRange(metrics.AreaUnderRocCurve, 0.97, 1.0);
        Assert.True(File.Exists(checkpoint), "The checkpoint named in the options should have been written.");
        var state = CheckpointFile.Load(checkpoint);
        Assert.InRange(state.Epoch, 1, 30);
        foreach (var tensor in state.Tensors.Values)
            tensor.Dispose();
        model.Dispose();
    }
}
