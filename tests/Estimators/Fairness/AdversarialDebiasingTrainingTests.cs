using DeepML;
using Microsoft.ML;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace DeepML.Estimators.Tests.Fairness;

/// <summary>Adversarial debiasing on <see cref="ProxyBiasData"/>: less disparity, accuracy kept, deterministic, training-only.</summary>
[Collection(TorchTrainingCollection.Name)]
public sealed class AdversarialDebiasingTrainingTests
{
    private readonly ITestOutputHelper _output;

    public AdversarialDebiasingTrainingTests(ITestOutputHelper output)
    {
        _output = output;
        TorchRuntime.EnsureLoaded();
    }

    // Predictor step 3e-3: with 1e-2 the predictor/adversary game oscillated on some seeds (measured: DP 0.02–0.54 over
    // 3 seeds × 3 alphas), with 3e-3 every one of 9 runs ended at DP ≤ 0.15 (baseline 0.58).
    private static NeuralNetworkOptions Plain => new()
    {
        Network = Networks.Mlp([16]),
        Epochs = 20,
        BatchSize = 64,
        LearningRate = 3e-3,
        ValidationFraction = 0,
        Seed = 3,
        NumberOfThreads = 1,
    };

    private static AdversarialDebiasingOptions Debiasing(double alpha) => new()
    {
        SensitiveColumnName = nameof(ProxyBiasData.Row.Group), Alpha = alpha, AdversaryLearningRate = 1e-2,
    };

    private (double Dp, double Accuracy, float[] Scores, string[] WeightNames) FitAndMeasure(NeuralNetworkOptions options)
    {
        var ml = new MLContext(seed: 1);
        var train = ProxyBiasData.Rows(2000, seed: 5);
        var test = ProxyBiasData.Rows(2000, seed: 6);
        using var model = ml.DeepML().BinaryClassification.NeuralNetwork(options).Fit(ProxyBiasData.Load(ml, train));
        var (predicted, scores) = ProxyBiasData.Predict(ml, model, ProxyBiasData.Load(ml, test));
        var (dp, accuracy) = ProxyBiasData.Measure(test, predicted);
        _output.WriteLine($"alpha {options.AdversarialDebiasing?.Alpha.ToString() ?? "off"}: DP difference {dp:F4}, accuracy {accuracy:F4}");
        return (dp, accuracy, scores, model.Model.Weights.Arrays.Keys.Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public void DebiasingReducesTheDemographicParityDifferenceAndKeepsAccuracyAboveChance()
    {
        var plain = FitAndMeasure(Plain);
        var debiased = FitAndMeasure(Plain with { AdversarialDebiasing = Debiasing(0.3) });

        Assert.True(plain.Dp > 0.45, $"the plain network should pick up the proxy: DP difference {plain.Dp:F4}");
        Assert.True(plain.Accuracy > 0.8, $"plain accuracy {plain.Accuracy:F4}");
        Assert.True(debiased.Dp < 0.3 * plain.Dp, $"DP difference {debiased.Dp:F4} vs {plain.Dp:F4} without debiasing");
        Assert.True(debiased.Accuracy > 0.62, $"debiased accuracy {debiased.Accuracy:F4} (chance 0.5, best fair ≈ 0.7)");
    }

    [Fact]
    public void EqualizedOddsObjectiveAlsoReducesTheDisparityOnThisData()
    {
        // The label itself is group-dependent here, so equalized odds allows some DP difference; it must still fall.
        var plain = FitAndMeasure(Plain);
        var debiased = FitAndMeasure(Plain with { AdversarialDebiasing = Debiasing(0.3) with { Objective = AdversarialObjective.EqualizedOdds } });
        Assert.True(debiased.Dp < 0.8 * plain.Dp, $"DP difference {debiased.Dp:F4} vs {plain.Dp:F4}");
        Assert.True(debiased.Accuracy > 0.62, $"accuracy {debiased.Accuracy:F4}");
    }

    [Fact]
    public void SameSeedGivesIdenticalPredictionsAndAnotherSeedDoesNot()
    {
        var options = Plain with { Epochs = 4, AdversarialDebiasing = Debiasing(1) };
        var first = FitAndMeasure(options);
        var second = FitAndMeasure(options);
        var other = FitAndMeasure(options with { Seed = 4 });
        Assert.Equal(first.Scores, second.Scores);
        Assert.NotEqual(first.Scores, other.Scores);
    }

    [Fact]
    public void TheAdversaryIsTrainingOnlyAndLeavesNoTensorBehind()
    {
        // A plain Fit on this TorchSharp version leaves a constant number of wrappers counted as live on the thread
        // (12 here); debiasing must add none: equal growth with and without the adversary.
        var ml = new MLContext(seed: 1);
        var data = ProxyBiasData.Load(ml, ProxyBiasData.Rows(300, seed: 5));
        long Growth(NeuralNetworkOptions options, out string[] weights)
        {
            var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            using (var model = ml.DeepML().BinaryClassification.NeuralNetwork(options).Fit(data))
                weights = model.Model.Weights.Arrays.Keys.Order(StringComparer.Ordinal).ToArray();
            return DisposeScopeManager.Statistics.ThreadTotalLiveCount - before;
        }
        var plain = Growth(Plain with { Epochs = 2 }, out var plainWeights);
        var debiased = Growth(Plain with { Epochs = 2, AdversarialDebiasing = Debiasing(1) }, out var debiasedWeights);
        Assert.Equal(plain, debiased);
        Assert.Equal(["0.bias", "0.weight", "2.bias", "2.weight"], debiasedWeights); // the plain MLP's weights only
        Assert.Equal(plainWeights, debiasedWeights);
    }
}
