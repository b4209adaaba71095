using DeepML;
using Microsoft.ML;
using Microsoft.ML.Data;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace DeepML.Estimators.Tests.Fairness;

/// <summary>
/// Adversarial debiasing with three groups (<see cref="ThreeGroupProxyData"/>): the softmax
/// adversary takes the demographic parity difference (max − min selection rate, computed here)
/// down, deterministically, from any type of group column.
/// </summary>
[Collection(TorchTrainingCollection.Name)]
public sealed class AdversarialDebiasingMultiGroupTests
{
    private readonly ITestOutputHelper _output;

    public AdversarialDebiasingMultiGroupTests(ITestOutputHelper output)
    {
        _output = output;
        TorchRuntime.EnsureLoaded();
    }

    private static NeuralNetworkOptions Plain => new()
    {
        Network = Networks.Mlp([16]),
        Epochs = 40,
        BatchSize = 64,
        LearningRate = 3e-3,
        ValidationFraction = 0,
        Seed = 3,
        NumberOfThreads = 1,
    };

    // Chosen from a grid over seeds 3–10 (adversary step 1e-2 / 3e-2, α 0.1 / 0.3, linear / 8 hidden units,
    // 20 / 40 epochs). The linear adversary over three groups let the game swing past fairness on some seeds
    // (DP up to 0.59); this one ended every seed at DP 0.045–0.165 against 0.78–0.82 without debiasing.
    private static AdversarialDebiasingOptions Debiasing(string column = "Region") => new()
    {
        SensitiveColumnName = column, Alpha = 0.3, AdversaryLearningRate = 3e-2, AdversaryHiddenUnits = 8,
    };

    private (double[] Rates, double Dp, double Accuracy, float[] Weights) FitAndMeasure(NeuralNetworkOptions options)
    {
        var ml = new MLContext(seed: 1);
        var train = ThreeGroupProxyData.Rows(2000, seed: 5);
        var test = ThreeGroupProxyData.Rows(2000, seed: 6);
        using var model = ml.DeepML().BinaryClassification.NeuralNetwork(options).Fit(ThreeGroupProxyData.Load(ml, train));
        var predicted = model.Transform(ThreeGroupProxyData.Load(ml, test)).GetColumn<bool>("PredictedLabel").ToArray();
        var (rates, dp, accuracy) = ThreeGroupProxyData.Measure(test, predicted);
        _output.WriteLine($"{(options.AdversarialDebiasing is null ? "plain" : "debiased")}: selection rates {string.Join(" / ", rates.Select(r => r.ToString("F3")))}, DP difference {dp:F4}, accuracy {accuracy:F4}");
        return (rates, dp, accuracy, AllWeights(model));
    }

    private static float[] AllWeights(NetworkScoringTransformer model) =>
        model.Model.Weights.Arrays.OrderBy(kv => kv.Key, StringComparer.Ordinal).SelectMany(kv => kv.Value.Data).ToArray();

    [Fact]
    public void DebiasingCutsTheThreeGroupDemographicParityDifferenceAndBoundsTheAccuracyLoss()
    {
        // Measured (seed 3, CPU): plain rates 0.094 / 0.463 / 0.875, DP 0.7812, accuracy 0.8875;
        // debiased rates 0.487 / 0.506 / 0.579, DP 0.0913, accuracy 0.7005. Over seeds 3–10: plain DP 0.78–0.82 and
        // accuracy 0.887–0.894; debiased DP 0.045–0.165 (at most 0.21 × plain) and accuracy 0.660–0.730.
        // The best accuracy any classifier with DP exactly 0 reaches here is 0.677 (threshold x > 0, computed by
        // quadrature), so an accuracy loss of about 0.2 is the price of fairness on this data, not a defect.
        var plain = FitAndMeasure(Plain);
        var debiased = FitAndMeasure(Plain with { AdversarialDebiasing = Debiasing() });

        Assert.True(plain.Dp > 0.7, $"the plain network should pick up the proxy: DP difference {plain.Dp:F4}");
        Assert.True(plain.Accuracy > 0.85, $"plain accuracy {plain.Accuracy:F4}");
        Assert.True(debiased.Dp <= 0.5 * plain.Dp, $"DP difference {debiased.Dp:F4} should be at most half of {plain.Dp:F4} without debiasing");
        Assert.True(debiased.Dp < 0.3 * plain.Dp, $"DP difference {debiased.Dp:F4} vs {plain.Dp:F4} without debiasing (measured ratio ≤ 0.21)");
        Assert.True(plain.Accuracy - debiased.Accuracy < 0.26, $"accuracy {debiased.Accuracy:F4} vs {plain.Accuracy:F4} without debiasing (measured loss ≤ 0.233)");
        Assert.True(debiased.Accuracy > 0.62, $"debiased accuracy {debiased.Accuracy:F4} (chance ≈ 0.5, best with DP = 0: 0.677)");
        Assert.All(debiased.Rates, r => Assert.InRange(r, 0.3, 0.7)); // no group left out or swept in: the swing past fairness is excluded too
    }

    [Fact]
    public void SameSeedGivesBitIdenticalWeightsWithThreeGroupsAndAnotherSeedDoesNot()
    {
        var options = Plain with { Epochs = 4, AdversarialDebiasing = Debiasing() };
        var first = FitAndMeasure(options);
        var second = FitAndMeasure(options);
        var other = FitAndMeasure(options with { Seed = 4 });
        Assert.Equal(first.Weights, second.Weights);
        Assert.NotEqual(first.Weights, other.Weights);
    }

    [Fact]
    public void TheGroupsAreTheColumnsValuesWhateverItsType()
    {
        // The adversary's output k is the k-th group in ordinal order of the values as text: a key column whose
        // values are the texts trains exactly like the text column, and Single and Double codes exactly like Int32
        // codes; text ("High" < "Low" < "Mid") and codes ("0" < "1" < "2") order the same groups differently.
        var ml = new MLContext(seed: 1);
        var rows = ThreeGroupProxyData.Rows(400, seed: 5);
        var data = ThreeGroupProxyData.Load(ml, rows);
        var typed = ml.Transforms.Conversion.MapValueToKey("RegionKey", "Region")
            .Append(ml.Transforms.Conversion.ConvertType("RegionSingle", "RegionCode", DataKind.Single))
            .Append(ml.Transforms.Conversion.ConvertType("RegionDouble", "RegionCode", DataKind.Double))
            .Append(ml.Transforms.Conversion.ConvertType("RegionLong", "RegionCode", DataKind.Int64))
            .Fit(data).Transform(data);
        float[] Weights(string column)
        {
            using var model = ml.DeepML().BinaryClassification.NeuralNetwork(Plain with { Epochs = 3, AdversarialDebiasing = Debiasing(column) }).Fit(typed);
            return AllWeights(model);
        }
        var text = Weights("Region");
        Assert.Equal(text, Weights("RegionKey"));
        var codes = Weights("RegionCode");
        Assert.Equal(codes, Weights("RegionSingle"));
        Assert.Equal(codes, Weights("RegionDouble"));
        Assert.Equal(codes, Weights("RegionLong"));
        Assert.NotEqual(text, codes);
    }

    [Fact]
    public void WithMoreThanTwoGroupsPrivilegedGroupMustStillNameAGroup()
    {
        var ml = new MLContext(seed: 1);
        var data = ThreeGroupProxyData.Load(ml, ThreeGroupProxyData.Rows(200, seed: 5));
        var trainer = ml.DeepML().BinaryClassification.NeuralNetwork(Plain with { Epochs = 1, AdversarialDebiasing = Debiasing() with { PrivilegedGroup = "North" } });
        var e = Assert.Throws<ArgumentException>(() => trainer.Fit(data));
        Assert.Equal("PrivilegedGroup", e.ParamName);
        Assert.Contains("PrivilegedGroup is \"North\", but sensitive column 'Region' holds \"High\", \"Low\", \"Mid\"", e.Message);

        // A group that occurs is accepted and, with softmax over the three groups, changes nothing.
        float[] Weights(string? privileged)
        {
            using var model = ml.DeepML().BinaryClassification.NeuralNetwork(Plain with { Epochs = 2, AdversarialDebiasing = Debiasing() with { PrivilegedGroup = privileged } }).Fit(data);
            return AllWeights(model);
        }
        Assert.Equal(Weights(null), Weights("Mid"));
    }

    [Fact]
    public void ThreeGroupsWithCheckpointsLeaveNoTensorBehind()
    {
        // As TheAdversaryIsTrainingOnlyAndLeavesNoTensorBehind: a plain Fit leaves a constant number of wrappers
        // counted as live on the thread; the softmax adversary, writing its state and resuming from it add none.
        // (Before this test, every checkpoint write left two wrappers per tensor to the finalizer: 112 here.)
        var ml = new MLContext(seed: 1);
        var data = ThreeGroupProxyData.Load(ml, ThreeGroupProxyData.Rows(300, seed: 5));
        var folder = Directory.CreateTempSubdirectory("deepml-adv-leak-").FullName;
        try
        {
            long Growth(NeuralNetworkOptions options)
            {
                var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
                using (ml.DeepML().BinaryClassification.NeuralNetwork(options).Fit(data)) { }
                return DisposeScopeManager.Statistics.ThreadTotalLiveCount - before;
            }
            var path = Path.Combine(folder, "run.ckpt");
            var plain = Growth(Plain with { Epochs = 2 });
            var written = Growth(Plain with { Epochs = 2, AdversarialDebiasing = Debiasing(), CheckpointPath = path });
            var resumed = Growth(Plain with { Epochs = 3, AdversarialDebiasing = Debiasing(), ResumeFromCheckpoint = path });
            Assert.Equal(plain, written);
            Assert.Equal(plain, resumed);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
