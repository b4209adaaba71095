using DeepML;
using DeepML.Estimators.Tests.Trainers;
using Microsoft.ML;
using Xunit;

namespace DeepML.Estimators.Tests.Training;

/// <summary>Warm start, frozen layers, head replacement and discriminative learning rates (<see cref="TransferLearningOptions"/>).</summary>
[Collection(TorchTrainingCollection.Name)]
public sealed class TransferLearningTests
{
    public TransferLearningTests() => TorchRuntime.EnsureLoaded();

    /// <summary>Iris as a binary task (setosa or not): 150 rows, 4 features.</summary>
    private static NeuralNetworkOptions Base(int epochs) => new()
    {
        Network = Networks.Mlp([8, 6]),
        Epochs = epochs,
        BatchSize = 32,
        Seed = 5,
        NumberOfThreads = 1,
        LearningRate = 0.02,
    };

    /// <summary>Full-batch SGD without momentum: a stateless optimizer, one step per epoch.</summary>
    private static NeuralNetworkOptions FullBatchSgd(int epochs) => Base(epochs) with { Optimizer = OptimizerKind.Sgd, Momentum = 0, LearningRate = 0.5, BatchSize = 150, ValidationFraction = 0 };

    private static Dictionary<string, float[]> Weights(NetworkScoringTransformer m) => m.Model.Weights.Arrays.ToDictionary(kv => kv.Key, kv => kv.Value.Data);

    private static string Top(string name) => name.Split('.')[0];

    [Fact]
    public void FrozenLayersStayBitUnchangedWhileTheOthersMove()
    {
        var ml = new MLContext(1);
        var data = TestData.IrisBinary(ml);
        using var first = ml.DeepML().BinaryClassification.NeuralNetwork(Base(3)).Fit(data);
        var before = Weights(first);
        var firstLayer = before.Keys.Select(Top).Min(StringComparer.Ordinal)!;
        // AdamW with weight decay would shrink every parameter it holds: frozen ones must not be among them.
        var options = Base(4) with { Optimizer = OptimizerKind.AdamW, WeightDecay = 0.1, Seed = 9, Transfer = new TransferLearningOptions { InitialModel = first.Model, FreezeLayers = [firstLayer] } };
        using var tuned = ml.DeepML().BinaryClassification.NeuralNetwork(options).Fit(data);
        var after = Weights(tuned);
        foreach (var (name, w) in after)
        {
            if (Top(name) == firstLayer)
                Assert.Equal(before[name], w);                              // bit for bit
            else
                Assert.True(w.Zip(before[name]).Max(p => Math.Abs(p.First - p.Second)) > 1e-3, $"{name} did not train");
        }
    }

    [Fact]
    public void AReplacedHeadHasTheNewClassCountAndTrainsOnTheNewLabels()
    {
        var ml = new MLContext(1);
        using var binary = ml.DeepML().BinaryClassification.NeuralNetwork(Base(10)).Fit(TestData.IrisBinary(ml));
        var iris = TestData.IrisView(ml);
        var without = Base(30) with { Transfer = new TransferLearningOptions { InitialModel = binary.Model } };
        var e = Assert.Throws<ArgumentException>(() => ml.DeepML().MulticlassClassification.NeuralNetwork(without).Fit(iris));
        Assert.Equal("Transfer", e.ParamName);
        Assert.Contains("ReplaceHead = true", e.Message);

        var head = binary.Model.Weights.Arrays.Keys.Select(Top).Max(StringComparer.Ordinal)!;
        var options = Base(60) with { LearningRate = 0.05, Transfer = new TransferLearningOptions { InitialModel = binary.Model, ReplaceHead = true } };
        using var tuned = ml.DeepML().MulticlassClassification.NeuralNetwork(options).Fit(iris);
        Assert.Equal([3, 6], tuned.Model.Weights[head + ".weight"].Shape);
        Assert.Equal(["setosa", "versicolor", "virginica"], tuned.Model.ClassNames);
        var accuracy = ml.MulticlassClassification.Evaluate(tuned.Transform(iris)).MicroAccuracy;
        Assert.True(accuracy >= 0.9, $"training accuracy {accuracy:F3} after head replacement");
        // The body started from the binary model's weights: the first layer is where the binary run left it plus the fine-tuning steps.
        Assert.NotEqual(binary.Model.Weights[head + ".weight"].Shape, tuned.Model.Weights[head + ".weight"].Shape);
    }

    /// <summary>
    /// One full-batch SGD step from the same weights: a layer with multiplier m moves by m times the
    /// step it makes at the run's rate (Δ = −η·m·g, the same g), and every other layer moves exactly as without groups.
    /// </summary>
    [Fact]
    public void ALearningRateMultiplierScalesThatLayersStepAndNoOther()
    {
        var ml = new MLContext(1);
        var data = TestData.IrisBinary(ml);
        using var start = ml.DeepML().BinaryClassification.NeuralNetwork(Base(2)).Fit(data);
        var w0 = Weights(start);
        var firstLayer = w0.Keys.Select(Top).Min(StringComparer.Ordinal)!;
        using var plain = ml.DeepML().BinaryClassification.NeuralNetwork(FullBatchSgd(1) with { Transfer = new TransferLearningOptions { InitialModel = start.Model } }).Fit(data);
        using var grouped = ml.DeepML().BinaryClassification.NeuralNetwork(FullBatchSgd(1) with
        {
            Transfer = new TransferLearningOptions { InitialModel = start.Model, LearningRateMultipliers = new Dictionary<string, double> { [firstLayer] = 0.1 } },
        }).Fit(data);
        var p = Weights(plain);
        var q = Weights(grouped);
        foreach (var name in w0.Keys)
        {
            var stepPlain = p[name].Zip(w0[name], (a, b) => (double)a - b).ToArray();
            var stepGrouped = q[name].Zip(w0[name], (a, b) => (double)a - b).ToArray();
            if (Top(name) == firstLayer)
            {
                Assert.True(stepPlain.Max(Math.Abs) > 1e-3, $"{name}: the plain step is too small to measure");
                for (var i = 0; i < stepPlain.Length; i++)
                    Assert.Equal(0.1 * stepPlain[i], stepGrouped[i], 1e-6);   // float32 weights: rounding of w0 + Δ only
            }
            else
            {
                Assert.Equal(p[name], q[name]);                                 // bit for bit
            }
        }
    }

    /// <summary>
    /// "Matches" here: with full-batch SGD without momentum the optimizer has no state, so a warm start
    /// from the weights after epoch 2 takes the same steps as epochs 3 and 4 of the uninterrupted run; the
    /// only difference is the rows' order inside the batch's sum (the shuffle is keyed by the epoch number,
    /// which restarts at 1), a float rounding: ≤ 1e-5. With Adam, a weights-only warm start restarts the
    /// moments and bias correction, so it differs from continued training by far more; resuming the
    /// checkpoint (optimizer state restored) is bit-identical (CheckpointTests).
    /// </summary>
    [Fact]
    public void AWarmStartOnTheOldDataMatchesContinuedTraining()
    {
        var ml = new MLContext(1);
        var data = TestData.IrisBinary(ml);
        using var four = ml.DeepML().BinaryClassification.NeuralNetwork(FullBatchSgd(4)).Fit(data);
        using var two = ml.DeepML().BinaryClassification.NeuralNetwork(FullBatchSgd(2)).Fit(data);
        using var warm = ml.DeepML().BinaryClassification.NeuralNetwork(FullBatchSgd(2) with { Transfer = new TransferLearningOptions { InitialModel = two.Model } }).Fit(data);
        var a = Weights(four);
        var w = Weights(warm);
        var moved = a.Keys.Max(n => a[n].Zip(Weights(two)[n]).Max(t => Math.Abs(t.First - t.Second)));
        Assert.True(moved > 1e-2, $"epochs 3-4 moved the weights by only {moved}");
        foreach (var name in a.Keys)
        {
            var gapSgd = a[name].Zip(w[name]).Max(t => Math.Abs(t.First - t.Second));
            Assert.True(gapSgd <= 1e-5, $"{name} differs by {gapSgd}, beyond float rounding");
        }

        var adam = Base(2) with { BatchSize = 150, ValidationFraction = 0 };
        using var adamFour = ml.DeepML().BinaryClassification.NeuralNetwork(adam with { Epochs = 4 }).Fit(data);
        using var adamTwo = ml.DeepML().BinaryClassification.NeuralNetwork(adam).Fit(data);
        using var adamWarm = ml.DeepML().BinaryClassification.NeuralNetwork(adam with { Transfer = new TransferLearningOptions { InitialModel = adamTwo.Model } }).Fit(data);
        var gap = Weights(adamFour).Max(kv => kv.Value.Zip(Weights(adamWarm)[kv.Key]).Max(t => Math.Abs(t.First - t.Second)));
        Assert.True(gap > 1e-4, $"a fresh Adam state should change the steps, but the gap is {gap}");
    }

    [Fact]
    public void FreezingAPathThatCoversNoParameterFailsNamingTheLayersThatExist()
    {
        var ml = new MLContext(1);
        var data = TestData.IrisBinary(ml);
        using var first = ml.DeepML().BinaryClassification.NeuralNetwork(Base(1)).Fit(data);
        var options = Base(1) with { Transfer = new TransferLearningOptions { InitialModel = first.Model, FreezeLayers = ["7.body"] } };
        var e = Assert.Throws<ArgumentException>(() => ml.DeepML().BinaryClassification.NeuralNetwork(options).Fit(data));
        Assert.Equal("Transfer", e.ParamName);
        Assert.Contains("'7.body'", e.Message);
        Assert.Contains("'0'", e.Message);
        Assert.Throws<ArgumentException>(() => new TransferLearningOptions { InitialModel = first.Model, FreezeLayers = ["0..1"] });
        var bad = Assert.Throws<ArgumentException>(() => new TransferLearningOptions { InitialModel = first.Model, LearningRateMultipliers = new Dictionary<string, double> { ["0"] = -1 } });
        Assert.Equal("LearningRateMultipliers", bad.ParamName);
    }
}
