namespace DeepML.Examples.Tests;

/// <summary>The README's main job, run as a user runs it, held to the targets of its issue.</summary>
public sealed class AdultIncomeTests
{
    [Fact]
    public void MainJobReachesItsTargetsOnTheOfficialTestSplit()
    {
        var (figures, output) = ExampleRunner.Run("AdultIncome", TimeSpan.FromMinutes(10));
        foreach (var name in new[] { "deepml_auc", "deepml_accuracy", "deepml_f1", "fasttree_auc", "train_seconds" })
            Assert.True(figures.ContainsKey(name), $"AdultIncome did not print '{name}: value'. Output:\n{output}");
        Assert.True(figures["deepml_auc"] >= 0.905, $"deepml_auc {figures["deepml_auc"]} < 0.905.\n{output}");
        Assert.True(figures["fasttree_auc"] - figures["deepml_auc"] <= 0.02, $"DeepML AUC {figures["deepml_auc"]} is more than 0.02 below FastTree's {figures["fasttree_auc"]}.\n{output}");
        Assert.InRange(figures["deepml_accuracy"], 0.84, 0.90);  // published MLP results on Adult are 0.85–0.86
        Assert.Contains("[DeepML] epoch 1/", output);            // redirected output gets plain per-epoch log lines
    }
}
