using DeepML.Testing;
using Microsoft.ML;
using Xunit;

namespace DeepML.Estimators.Tests.Trainers;

public class DeterminismTests
{
    private static NeuralNetworkOptions Options => new()
    {
        Network = Networks.Mlp([8]), Epochs = 3, BatchSize = 32, LearningRate = 1e-2, ValidationFraction = 0, NumberOfThreads = 1, Seed = 7,
    };

    private static float[] Weights(NetworkModel m) => m.Weights.Arrays.OrderBy(kv => kv.Key).SelectMany(kv => kv.Value.Data).ToArray();

    [Fact]
    public void SameSeedTwiceGivesBitIdenticalWeightsAndPredictions()
    {
        var runs = Enumerable.Range(0, 3).Select(_ =>
        {
            var ml = new MLContext(1);
            using var fitted = ml.DeepML().Regression.NeuralNetwork(Options).Fit(TestData.DiabetesView(ml));
            var scores = ml.Data.CreateEnumerable<RegressionPrediction>(fitted.Transform(TestData.DiabetesView(ml)), false).Select(p => p.Score).ToArray();
            return (Weights: Weights(fitted.Model), Scores: scores);
        }).ToArray();
        for (var r = 1; r < runs.Length; r++)
        {
            Assert.Equal(runs[0].Weights, runs[r].Weights);
            Assert.Equal(runs[0].Scores, runs[r].Scores);
        }
    }

    [Fact]
    public void OptionsSeedOverridesTheContextSeedAndADifferentSeedChangesTheWeights()
    {
        using var a = new MLContext(1).DeepML().Regression.NeuralNetwork(Options).Fit(TestData.DiabetesView(new MLContext(1)));
        using var b = new MLContext(99).DeepML().Regression.NeuralNetwork(Options).Fit(TestData.DiabetesView(new MLContext(1)));
        using var c = new MLContext(1).DeepML().Regression.NeuralNetwork(Options with { Seed = 8 }).Fit(TestData.DiabetesView(new MLContext(1)));
        Assert.Equal(Weights(a.Model), Weights(b.Model));
        Assert.NotEqual(Weights(a.Model), Weights(c.Model));
    }
}
