using DeepML.Estimators.Tests.Trainers;
using Microsoft.ML;
using Xunit;

namespace DeepML.Estimators.Tests.Compression.Pruning;

/// <summary>Each bad pruning option fails when it is written (or, where it needs the run, when the trainer is made or Fit starts), naming itself and the fix.</summary>
[Collection(TorchTrainingCollection.Name)] // the Fit-time checks load TorchSharp; they train nothing
public sealed class PruningErrorTests
{
    [Theory]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    [InlineData(1.5)]
    public void A_final_sparsity_outside_0_to_1_is_refused_naming_FinalSparsity(double value)
    {
        var e = Assert.Throws<ArgumentException>(() => new PruningOptions { FinalSparsity = value });
        Assert.Equal("FinalSparsity", e.ParamName);
        Assert.StartsWith("PruningOptions: FinalSparsity must be in [0, 1) (the fraction of prunable weights set to 0), got ", e.Message);
        var initial = Assert.Throws<ArgumentException>(() => new PruningOptions { FinalSparsity = 0.5, InitialSparsity = value });
        Assert.Equal("InitialSparsity", initial.ParamName);
    }

    [Fact]
    public void Negative_epochs_and_a_frequency_below_1_are_refused_naming_each()
    {
        Assert.Equal("BeginEpoch", Assert.Throws<ArgumentException>(() => new PruningOptions { FinalSparsity = 0.5, BeginEpoch = -1 }).ParamName);
        Assert.Equal("EndEpoch", Assert.Throws<ArgumentException>(() => new PruningOptions { FinalSparsity = 0.5, EndEpoch = -2 }).ParamName);
        var frequency = Assert.Throws<ArgumentException>(() => new PruningOptions { FinalSparsity = 0.5, Frequency = 0 });
        Assert.Equal("Frequency", frequency.ParamName);
        Assert.Contains("PruningOptions: Frequency must be at least 1 epoch between mask updates, got 0.", frequency.Message);
        Assert.Equal("Scope", Assert.Throws<ArgumentException>(() => new PruningOptions { FinalSparsity = 0.5, Scope = (PruningScope)7 }).ParamName);
        Assert.Equal("Layers", Assert.Throws<ArgumentException>(() => new PruningOptions { FinalSparsity = 0.5, Layers = [] }).ParamName);
        var path = Assert.Throws<ArgumentException>(() => new PruningOptions { FinalSparsity = 0.5, Layers = ["0..weight"] });
        Assert.Contains("Layers holds '0..weight', which is not a layer path", path.Message);
    }

    [Fact]
    public void An_inconsistent_schedule_is_refused_when_set_on_the_trainer_options()
    {
        var late = new PruningOptions { FinalSparsity = 0.5, BeginEpoch = 5, EndEpoch = 3 }; // each property is fine on its own
        var e = Assert.Throws<ArgumentException>(() => new NeuralNetworkOptions { Pruning = late });
        Assert.Equal("BeginEpoch", e.ParamName);
        Assert.StartsWith("PruningOptions: BeginEpoch (5) is after EndEpoch (3); expected BeginEpoch ≤ EndEpoch. Set EndEpoch = BeginEpoch for one-shot pruning.", e.Message);

        var uneven = Assert.Throws<ArgumentException>(() => new NeuralNetworkOptions { Pruning = new PruningOptions { FinalSparsity = 0.5, BeginEpoch = 1, EndEpoch = 6, Frequency = 2 } });
        Assert.Equal("Frequency", uneven.ParamName);
        Assert.Contains("is not a multiple of Frequency (2)", uneven.Message);
        Assert.Contains("Set EndEpoch to 7", uneven.Message);

        var falling = Assert.Throws<ArgumentException>(() => new NeuralNetworkOptions { Pruning = new PruningOptions { FinalSparsity = 0.2, InitialSparsity = 0.5 } });
        Assert.Equal("InitialSparsity", falling.ParamName);
    }

    [Fact]
    public void A_schedule_that_ends_after_the_last_epoch_is_refused_when_the_trainer_is_made()
    {
        var ml = new MLContext(seed: 1);
        var e = Assert.Throws<ArgumentException>(() => ml.DeepML().BinaryClassification.NeuralNetwork(new NeuralNetworkOptions
        {
            Epochs = 4,
            Pruning = new PruningOptions { FinalSparsity = 0.5, BeginEpoch = 2, EndEpoch = 6 },
        }));
        Assert.Equal("Pruning", e.ParamName);
        Assert.StartsWith("BinaryNeuralNetworkTrainer: Pruning.EndEpoch is 6 but the run trains 4 epochs (Epochs), so it would never reach FinalSparsity 0.5. Set EndEpoch ≤ 4, or raise Epochs", e.Message);
    }

    [Fact]
    public void A_layer_prefix_that_covers_no_prunable_tensor_is_refused_listing_the_prunable_ones()
    {
        TorchRuntime.EnsureLoaded();
        var ml = new MLContext(seed: 1);
        var options = new NeuralNetworkOptions { Network = Networks.Mlp([8]), Epochs = 1, Pruning = new PruningOptions { FinalSparsity = 0.5, Layers = ["0", "1"] } }; // "1" is the ReLU
        var e = Assert.Throws<ArgumentException>(() => ml.DeepML().BinaryClassification.NeuralNetwork(options).Fit(TestData.CreditView(ml, take: 50)));
        Assert.Equal("Pruning", e.ParamName);
        Assert.Contains("BinaryNeuralNetworkTrainer: Pruning.Layers names '1', which covers no prunable tensor of network 7 → Dense(8) → Relu → Dense(1). " +
            "The prunable tensors are '0.weight', '2.weight' (embedding tables only with IncludeEmbeddings = true). Use one of them or a layer path above them.", e.Message);
        var bias = Assert.Throws<ArgumentException>(() => ml.DeepML().BinaryClassification.NeuralNetwork(options with { Pruning = options.Pruning! with { Layers = ["0.bias"] } }).Fit(TestData.CreditView(ml, take: 50)));
        Assert.Contains("names '0.bias', which covers no prunable tensor", bias.Message);
    }

    [Fact]
    public void Pruning_a_frozen_layer_is_refused_naming_both_options()
    {
        TorchRuntime.EnsureLoaded();
        var ml = new MLContext(seed: 1);
        var data = TestData.CreditView(ml, take: 100);
        using var first = ml.DeepML().BinaryClassification.NeuralNetwork(new NeuralNetworkOptions { Network = Networks.Mlp([8]), Epochs = 1, Seed = 1, NumberOfThreads = 1 }).Fit(data);
        var options = new NeuralNetworkOptions
        {
            Network = Networks.Mlp([8]), Epochs = 1,
            Transfer = new TransferLearningOptions { InitialModel = first.Model, FreezeLayers = ["0"] },
            Pruning = new PruningOptions { FinalSparsity = 0.5, Layers = ["0"] },
        };
        var e = Assert.Throws<ArgumentException>(() => ml.DeepML().BinaryClassification.NeuralNetwork(options).Fit(data));
        Assert.Equal("Pruning", e.ParamName);
        Assert.Contains("Pruning.Layers names '0', which covers '0.weight' in a frozen layer (Transfer.FreezeLayers = [0]); a frozen layer's weights must stay unchanged. Leave it out of Pruning.Layers, or unfreeze it.", e.Message);
        // Without Layers the frozen layer is simply left out: the fitted model keeps it bit-unchanged and prunes the rest.
        using var pruned = ml.DeepML().BinaryClassification.NeuralNetwork(options with { Pruning = new PruningOptions { FinalSparsity = 0.5 } }).Fit(data);
        Assert.Equal(first.Model.Weights["0.weight"].Data, pruned.Model.Weights["0.weight"].Data);
        Assert.Equal(4, ml.DeepML().Compression.Sparsity(pruned)["2.weight"].Zeros); // ⌊0.5 · 8⌋
    }
}
