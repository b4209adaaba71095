using DeepML.Testing;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace DeepML.Estimators.Tests.Trainers;

/// <summary>What the trainers learn, checked against closed forms, ML.NET's evaluators and baselines.</summary>
public class TrainerValueTests
{
    public TrainerValueTests() => TorchRuntime.EnsureLoaded();

    private static float[] Weights(NetworkModel m) => m.Weights.Arrays.OrderBy(kv => kv.Key).SelectMany(kv => kv.Value.Data).ToArray();

    [Fact]
    public void LinearModelRecoversTheCoefficientsOfNoiselessLinearData()
    {
        // y = 2·x0 − 3·x1 + 0.5. Full-batch gradient descent on MSE contracts the error by (1 − 2·lr·λ) per step.
        var rng = new Random(2);
        var rows = Enumerable.Range(0, 200).Select(_ =>
        {
            float a = (float)(rng.NextDouble() * 2 - 1), b = (float)(rng.NextDouble() * 2 - 1);
            return new ValueRow { Features = [a, b], Label = 2 * a - 3 * b + 0.5f };
        }).ToArray();
        var ml = new MLContext(1);
        var options = new NeuralNetworkOptions
        {
            Network = Networks.Linear(), Optimizer = OptimizerKind.Sgd, Momentum = 0.5, LearningRate = 0.3, Epochs = 300, BatchSize = 200,
            ValidationFraction = 0, NumberOfThreads = 1, Seed = 3,
        };
        using var fitted = ml.DeepML().Regression.NeuralNetwork(options).Fit(ml.Data.LoadFromEnumerable(rows, TestData.Definition<ValueRow>(2)));
        var w = fitted.Model.Weights["0.weight"];
        Assert.Equal([1, 2], w.Shape);
        Assert.Equal(2, w.Data[0], 1e-4);
        Assert.Equal(-3, w.Data[1], 1e-4);
        Assert.Equal(0.5, fitted.Model.Weights["0.bias"].Data[0], 1e-4);
    }

    [Fact]
    public void EarlyStoppingRestoresTheBestEpochsWeights()
    {
        var ml = new MLContext(1);
        var options = new NeuralNetworkOptions
        {
            Network = Networks.Mlp([64]), Epochs = 80, BatchSize = 16, LearningRate = 0.02, ValidationFraction = 0.3,
            EarlyStoppingPatience = 3, NumberOfThreads = 1, Seed = 4,
        };
        var data = TestData.DiabetesView(ml, Enumerable.Range(0, 200));
        var trainer = ml.DeepML().Regression.NeuralNetwork(options);
        using var stopped = trainer.Fit(data);
        var summary = trainer.LastTraining!;
        Assert.True(summary.EpochsRun < options.Epochs, $"Early stopping should have ended training (ran {summary.EpochsRun}).");
        Assert.Equal(summary.EpochsRun - options.EarlyStoppingPatience, summary.BestEpoch);
        Assert.True(summary.History[^1].StoppedEarly);
        Assert.Equal(summary.History.Min(h => h.ValidationLoss), summary.BestValidationLoss);

        var exact = ml.DeepML().Regression.NeuralNetwork(options with { Epochs = summary.BestEpoch, EarlyStoppingPatience = 0 });
        using var reference = exact.Fit(data);
        Assert.Equal(summary.BestEpoch, exact.LastTraining!.EpochsRun);
        Assert.Equal(Weights(reference.Model), Weights(stopped.Model));
    }

    [Fact]
    public void RowsOfWeightZeroAreIgnored()
    {
        // Full batches: the same examples in each step, so removing zero-weight rows changes only summation order.
        var options = new NeuralNetworkOptions
        {
            Network = Networks.Mlp([8]), Epochs = 15, BatchSize = 512, LearningRate = 0.01, ValidationFraction = 0,
            ExampleWeightColumnName = "Weight", NumberOfThreads = 1, Seed = 5,
        };
        var ml = new MLContext(1);
        using var weighted = ml.DeepML().Regression.NeuralNetwork(options).Fit(TestData.DiabetesView(ml, Enumerable.Range(0, 150), i => i % 3 == 0 ? 0 : 1));
        using var removed = ml.DeepML().Regression.NeuralNetwork(options).Fit(TestData.DiabetesView(ml, Enumerable.Range(0, 150).Where(i => i % 3 != 0)));
        using var all = ml.DeepML().Regression.NeuralNetwork(options).Fit(TestData.DiabetesView(ml, Enumerable.Range(0, 150)));
        var a = Weights(weighted.Model);
        var b = Weights(removed.Model);
        for (var i = 0; i < a.Length; i++)
            Assert.Equal(b[i], a[i], 1e-5);
        Assert.True(Weights(all.Model).Zip(a).Max(p => Math.Abs(p.First - p.Second)) > 1e-3, "The zero-weight rows must matter when they weigh 1.");
    }

    [Theory]
    [InlineData(1f, 0f, false)]
    [InlineData(0f, 1f, true)]
    public void ClassWeightsDecideWhichClassIsLearned(float negative, float positive, bool predicted)
    {
        var ml = new MLContext(1);
        var options = new NeuralNetworkOptions
        {
            Network = Networks.Mlp([8]), Epochs = 20, BatchSize = 64, LearningRate = 0.02, ValidationFraction = 0,
            ClassWeights = [negative, positive], NumberOfThreads = 1, Seed = 6,
        };
        using var fitted = ml.DeepML().BinaryClassification.NeuralNetwork(options).Fit(TestData.CreditView(ml, 300));
        var labels = ml.Data.CreateEnumerable<BinaryPrediction>(fitted.Transform(TestData.CreditView(ml, 300)), false).Select(p => p.PredictedLabel).ToArray();
        Assert.All(labels, l => Assert.Equal(predicted, l));
    }

    [Fact]
    public void RegressionOnDiabetesIsInTheRangeOfALinearBaseline()
    {
        var ml = new MLContext(1);
        var split = ml.Data.TrainTestSplit(TestData.DiabetesView(ml), testFraction: 0.25, seed: 1);
        var options = new NeuralNetworkOptions
        {
            Network = Networks.Mlp([16]), Epochs = 60, BatchSize = 32, LearningRate = 3e-3, WeightDecay = 1e-3, ValidationFraction = 0, NumberOfThreads = 1, Seed = 7,
        };
        using var network = ml.DeepML().Regression.NeuralNetwork(options).Fit(split.TrainSet);
        var nn = ml.Regression.Evaluate(network.Transform(split.TestSet));
        var sdca = ml.Regression.Evaluate(ml.Regression.Trainers.Sdca(maximumNumberOfIterations: 100).Fit(split.TrainSet).Transform(split.TestSet));
        // Published linear fits explain about half the variance of this data set.
        Assert.InRange(sdca.RSquared, 0.3, 0.65);
        Assert.InRange(nn.RSquared, 0.3, 0.7);
        Assert.True(nn.RSquared > sdca.RSquared - 0.1, $"Network R² {nn.RSquared:F3} vs SDCA {sdca.RSquared:F3}.");
        Assert.Equal(nn.RootMeanSquaredError * nn.RootMeanSquaredError, nn.MeanSquaredError, 6);
    }

    [Fact]
    public void MulticlassOnIrisIsAccurateAndKeepsTheKeyValues()
    {
        var ml = new MLContext(1);
        var options = new NeuralNetworkOptions
        {
            Network = Networks.Mlp([16]), Epochs = 60, BatchSize = 16, LearningRate = 1e-2, ValidationFraction = 0, NumberOfThreads = 1, Seed = 8,
        };
        var data = TestData.IrisView(ml);
        using var fitted = ml.DeepML().MulticlassClassification.NeuralNetwork(options).Fit(data);
        var scored = fitted.Transform(data);
        var metrics = ml.MulticlassClassification.Evaluate(scored);
        Assert.True(metrics.MicroAccuracy >= 0.9, $"Accuracy {metrics.MicroAccuracy:F3}.");
        Assert.Equal(3, metrics.PerClassLogLoss.Count);

        var keyValues = default(VBuffer<ReadOnlyMemory<char>>);
        scored.Schema["PredictedLabel"].GetKeyValues(ref keyValues);
        Assert.Equal(TestData.IrisClasses, keyValues.DenseValues().Select(v => v.ToString()));
        var named = ml.Transforms.Conversion.MapKeyToValue("PredictedClass", "PredictedLabel").Fit(scored).Transform(scored);
        var pairs = ml.Data.CreateEnumerable<NamedPrediction>(named, false).ToArray();
        Assert.Equal(150, pairs.Length);
        Assert.Equal(TestData.IrisClasses, pairs.Select(p => p.PredictedClass).Distinct().Order());
        Assert.True(pairs.Count(p => p.PredictedClass == p.Class) >= 135);
    }

    private sealed class NamedPrediction
    {
        public string Class { get; set; } = "";
        public string PredictedClass { get; set; } = "";
    }

    [Fact]
    public void BinaryOutputWorksWithMlNetsEvaluatorAndMatchesTheIndependentAuc()
    {
        var ml = new MLContext(1);
        var options = new NeuralNetworkOptions
        {
            Network = Networks.Mlp([16]), Epochs = 10, BatchSize = 32, LearningRate = 1e-2, ValidationFraction = 0, NumberOfThreads = 1, Seed = 9,
        };
        using var fitted = ml.DeepML().BinaryClassification.NeuralNetwork(options).Fit(TestData.CreditView(ml, 700));
        var test = ml.Data.SkipRows(TestData.CreditView(ml), 700);
        var scored = fitted.Transform(test);
        var metrics = ml.BinaryClassification.Evaluate(scored);
        Assert.InRange(metrics.AreaUnderRocCurve, 0.6, 0.9); // numeric attributes only: a weak but real signal
        var rows = ml.Data.CreateEnumerable<BinaryPrediction>(scored, false).ToArray();
        var labels = TestData.Credit.Y.Skip(700).Select(y => y ? 1f : 0f).ToArray();
        Assert.Equal(metrics.AreaUnderRocCurve, ValidationMetrics.Auc(rows.Select(r => r.Score).ToArray(), labels), 6);
        Assert.All(rows, r => Assert.Equal(ScoringHead.Sigmoid(r.Score), r.Probability));
        Assert.All(rows, r => Assert.Equal(r.Score > 0, r.PredictedLabel));
    }
}
